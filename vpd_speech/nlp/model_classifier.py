"""The trained norm-matrix classifier: multilingual-e5-small + marker features + two calibrated linear heads.

    encoder   the e5 folder of the model cache (`vpd models setup`, `vpd_speech.nlp.e5.default_model_dir()`)
    heads     vpd_speech/nlp/norm_matrix/heads.safetensors: one linear head for caller levels, one for agent acts,
              over [mean-pooled e5 embedding, marker features]; in mode "frozen" also a character n-gram
              TF-IDF head per role (vocabulary in char_ngrams.json) whose logits are added with weight
              `char_weight`
    config    vpd_speech/nlp/norm_matrix/config.json: mode, labels, the heads' rows where they split a label into
              classes of its own (`head_rows`, merged by `merge_rows`), temperature per head (fit on dev), logit offsets
    adapter   only in mode "lora": LoRA matrices merged into the encoder weights once at load time, so
              inference costs what plain e5 costs (the shipped model is mode "frozen": no adapter)

With `context` in its config (trained with `vpd train fit`, the default since 0.9), the caller head also reads
the agent's turn before the caller's (`context_features`): "Dat ga je merken" after a refusal is not what it is
after good news.

The marker layer stays the explainable part: its spans (`find_markers`) are the evidence of every
classification, and its kinds and rule decision are inputs of the heads (`marker_features`).

`classify_stream` is what `vpd classify` runs: text in (lines, or a CSV/TSV with a
`text` column and an optional `context` column), one row per utterance out (TSV or JSON lines).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import mmap
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, LEVEL_OF, Role, labels_for
from vpd_speech.models import ModelError
from vpd_speech.nlp.char_ngrams import CharTfidf
from vpd_speech.nlp.markers import rounded_probabilities, softmax
from vpd_speech.resources import shipped
from vpd_speech.schema import Classification, Evidence

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_MODEL_DIR = shipped("vpd_speech.nlp", "norm_matrix")
MODEL_DIR_ENV = "VPD_NORM_MATRIX_DIR"
PREFIX = "query: "
MAX_LENGTH = 128
TRAINED_FILES = ("config.json", "adapter.safetensors", "heads.safetensors")
CHAR_FILE = "char_ngrams.json"  # the character n-gram branch's vocabulary (frozen mode)
EMBED_CACHE = 4096  # texts whose embedding is kept: a caller's turn before was embedded when it was classified

# marker kinds that feed the heads (presence flags), then the rule decision's probabilities per role
_AGENT_CUES = ("ending", "boundary", "behaviour_named", "options", "explain", "closing", "acknowledge")


def feature_names() -> list[str]:
    from vpd_speech.nlp.markers import CALLER_KINDS

    kinds = list(dict.fromkeys(CALLER_KINDS + _AGENT_CUES))
    return [f"kind:{k}" for k in kinds] + [f"rule:{label}" for label in CALLER_LABELS + AGENT_ACTS]


def marker_features(texts: Sequence[str], role: Role, lexicon=None) -> tuple[np.ndarray, list[list[Evidence]], list[str]]:
    """Marker features (n, F), the evidence spans of each text and the marker rules' label per text."""
    from vpd_speech.nlp.markers import CALLER_KINDS, classify_agent, classify_caller, load_lexicon, normalise

    lex = lexicon or load_lexicon()
    kinds = list(dict.fromkeys(CALLER_KINDS + _AGENT_CUES))
    kind_ix = {k: i for i, k in enumerate(kinds)}
    off = len(kinds) + (0 if role == "caller" else len(CALLER_LABELS))
    decide = classify_caller if role == "caller" else classify_agent
    feats = np.zeros((len(texts), len(kinds) + len(CALLER_LABELS) + len(AGENT_ACTS)), dtype=np.float32)
    evidence, rule = [], []
    for i, text in enumerate(texts):
        norm = normalise(text)
        hits = lex.scan_normalised(norm)
        for h in hits:
            if h.kind in kind_ix:
                feats[i, kind_ix[h.kind]] = 1.0
        c = decide(text, hits, norm)
        for j, label in enumerate(labels_for(role)):
            feats[i, off + j] = c.probabilities.get(label, 0.0)
        evidence.append([h.evidence(text) for h in hits])
        rule.append(c.label)
    return feats, evidence, rule


def context_features(embed, contexts: Sequence[str], dim: int) -> np.ndarray:
    """(n, dim + 1): the embedding of each text's turn before (`embed`: texts -> L2-normalised rows of `dim`)
    and a has-context flag; zeros where there is none (the call's opening, a text classified on its own)."""
    contexts = [(c or "").strip() for c in contexts]
    unique = list(dict.fromkeys(c for c in contexts if c))
    row = dict(zip(unique, embed(unique))) if unique else {}
    out = np.zeros((len(contexts), dim + 1), dtype=np.float32)
    for i, c in enumerate(contexts):
        if c:
            out[i, :dim], out[i, dim] = row[c], 1.0
    return out


def merge_rows(z: np.ndarray, rows: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Logits per label from logits per head row. A row named "label:kind" is a class the heads learned apart
    (dreiging:self_harm, `training.examples.THREAT_SUBCLASSES`); it joins its label by logsumexp, so the label's
    probability is the sum of its rows'."""
    if list(rows) == list(labels):
        return z
    out = np.empty((len(z), len(labels)), dtype=z.dtype)
    for j, label in enumerate(labels):
        part = z[:, [i for i, r in enumerate(rows) if r.split(":")[0] == label]]
        top = part.max(axis=1)
        out[:, j] = top + np.log(np.exp(part - top[:, None]).sum(axis=1))
    return out


def resolve_model_dir(model_dir: str | Path | None = None) -> Path:
    return Path(model_dir or os.environ.get(MODEL_DIR_ENV) or DEFAULT_MODEL_DIR)


def lora_merge(state: dict, adapter: dict, scale: float) -> None:
    """W += scale * B @ A for every `<name>.lora_A` / `<name>.lora_B` pair of the adapter (in place)."""
    for key, a in adapter.items():
        if not key.endswith(".lora_A"):
            continue
        name = key[: -len(".lora_A")]
        b = adapter[name + ".lora_B"]
        w = state[name + ".weight"]
        w += scale * (b.to(w.dtype) @ a.to(w.dtype))


class NormMatrixClassifier:
    """Fine-tuned e5 classifier with calibrated probabilities; implements the `Classifier` protocol."""

    name = "norm_matrix"

    def __init__(
        self,
        model_dir: str | Path | None = None,
        encoder_dir: str | Path | None = None,
        threads: int = 2,
        batch_size: int = 64,
        lexicon_dir: str | Path | None = None,
    ):
        import torch

        from vpd_speech.nlp.e5 import default_model_dir
        from vpd_speech.nlp.markers import load_lexicon

        t0 = time.perf_counter()
        self.model_dir = resolve_model_dir(model_dir)
        self.encoder_dir = Path(encoder_dir or default_model_dir())
        if not (self.encoder_dir / "model.safetensors").is_file() or not (self.encoder_dir / "config.json").is_file():
            raise ModelError(
                f"the multilingual-e5-small encoder is not built in {self.encoder_dir}: run `vpd models setup`"
            )
        needed = TRAINED_FILES
        if (self.model_dir / "config.json").is_file():
            mode = json.loads((self.model_dir / "config.json").read_text("utf-8")).get("mode", "lora")
            needed = TRAINED_FILES if mode == "lora" else ("config.json", "heads.safetensors")
        missing = [f for f in needed if not (self.model_dir / f).is_file()]
        if missing:
            raise ModelError(
                f"the trained norm-matrix classifier is missing in {self.model_dir} ({', '.join(missing)}): run `vpd train fit`"
            )
        if threads:
            torch.set_num_threads(int(threads))
        self.batch_size = int(batch_size)
        self.config = json.loads((self.model_dir / "config.json").read_text("utf-8"))
        self.lexicon = load_lexicon(str(lexicon_dir) if lexicon_dir else None)
        self.mode = self.config.get("mode", "lora")  # "lora": adapted encoder; "frozen": plain e5
        self.normalize = bool(self.config.get("normalize", False))
        adapter = self.model_dir / "adapter.safetensors" if self.mode == "lora" else None
        self.tokenizer, self.encoder = load_encoder(self.encoder_dir, adapter, self.config)
        from safetensors.torch import load_file

        heads = load_file(str(self.model_dir / "heads.safetensors"))
        self.heads = {role: (heads[f"{role}.weight"].float(), heads[f"{role}.bias"].float()) for role in ("caller", "agent")}
        self.head_rows = {role: list((self.config.get("head_rows") or {}).get(role) or labels_for(role))
                          for role in ("caller", "agent")}
        self.temperature = {role: float(self.config["temperature"][role]) for role in ("caller", "agent")}
        self.use_markers = bool(self.config.get("use_markers", True))
        bias = self.config.get("logit_bias", {})
        self.bias = {role: np.array(bias.get(role) or [0.0] * len(labels_for(role)), dtype=np.float32)
                     for role in ("caller", "agent")}
        self.char = {}
        if self.config.get("char_ngrams"):
            vocab = json.loads((self.model_dir / CHAR_FILE).read_text("utf-8"))
            self.char = {role: (CharTfidf(vocab[role], heads[f"{role}.char.idf"].numpy(), self.config["char_ngrams"][role]),
                                heads[f"{role}.char.weight"].numpy(), heads[f"{role}.char.bias"].numpy())
                         for role in ("caller", "agent")}
        weight = self.config.get("char_weight") or {}
        self.char_weight = {role: float(weight.get(role, 0.0)) for role in ("caller", "agent")}
        self.context = self.config.get("context") == "turn_before"  # the caller head reads the agent's turn before
        self._embedded: OrderedDict[str, np.ndarray] = OrderedDict()
        self.load_s = time.perf_counter() - t0

    # ------------------------------------------------------------------ inference

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled embeddings (L2-normalised when the heads were trained so), rows in input order. The last
        `EMBED_CACHE` texts' rows are kept for `embed_seen`."""
        x = encode(self.tokenizer, self.encoder, texts, self.batch_size)
        if self.normalize:
            x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        for t, row in zip(texts, x):
            self._embedded[t] = row.copy()  # a copy: a kept row must not hold the whole batch's array
            self._embedded.move_to_end(t)
        while len(self._embedded) > EMBED_CACHE:
            self._embedded.popitem(last=False)
        return x

    def embed_seen(self, texts: Sequence[str]) -> np.ndarray:
        """`embed`, reusing the rows of texts embedded lately: a call's agent turns, classified first, are read
        again as the turns before of the caller's."""
        unique = dict.fromkeys(texts)
        rows = {t: self._embedded[t] for t in unique if t in self._embedded}
        todo = [t for t in unique if t not in rows]
        if todo:  # read into `rows` first: more than EMBED_CACHE new texts evict rows from the cache
            rows.update(zip(todo, self.embed(todo)))
        return np.stack([rows[t] for t in texts])

    def logits(self, texts: Sequence[str], role: Role,
               contexts: Sequence[str] | None = None) -> tuple[np.ndarray, list[list[Evidence]], list[str]]:
        """Logits per label (both heads, merged rows, offsets), the marker evidence and the marker rule's label."""
        z, evidence, rule = self.head_logits(texts, role, contexts)
        if self.char and self.char_weight[role]:
            z = z + self.char_weight[role] * self.char_logits(texts, role)
        return merge_rows(z, self.head_rows[role], labels_for(role)) + self.bias[role], evidence, rule

    def head_logits(self, texts: Sequence[str], role: Role,
                    contexts: Sequence[str] | None = None) -> tuple[np.ndarray, list[list[Evidence]], list[str]]:
        """Logits of the embedding head alone, one per head row; the marker evidence and rule label."""
        feats, evidence, rule = marker_features(texts, role, self.lexicon)
        x = self.embed(texts)
        if self.use_markers:
            x = np.concatenate([x, feats], axis=1)
        if self.context and role == "caller":
            before = context_features(self.embed_seen, contexts or [""] * len(texts), self.encoder.hidden_size)
            x = np.concatenate([x, before], axis=1)
        w, b = self.heads[role]
        return x @ w.numpy().T + b.numpy(), evidence, rule

    def char_logits(self, texts: Sequence[str], role: Role) -> np.ndarray:
        """Logits of the character n-gram head alone, one per head row (models with `char_ngrams` in their
        config)."""
        vec, wc, bc = self.char[role]
        return vec.dot(texts, wc) + bc

    def predict_proba(self, texts: Sequence[str], role: Role, contexts: Sequence[str] | None = None) -> np.ndarray:
        z, _, _ = self.logits(texts, role, contexts)
        return softmax(z / self.temperature[role])

    def classify(self, texts: Sequence[str], role: Role, contexts: Sequence[str] | None = None) -> list[Classification]:
        texts = list(texts)
        if not texts:
            return []
        if contexts is not None and len(contexts) != len(texts):
            raise ValueError(f"{len(contexts)} turns before for {len(texts)} texts")
        labels = labels_for(role)
        z, evidence, _ = self.logits(texts, role, contexts)
        probs = softmax(z / self.temperature[role])
        out = []
        for p, ev in zip(probs, evidence):
            label = labels[int(np.argmax(p))]
            out.append(
                Classification(
                    label=label,
                    level=LEVEL_OF[label] if role == "caller" else None,
                    probabilities=dict(zip(labels, rounded_probabilities(p))),
                    evidence=ev,
                    source=self.name,
                )
            )
        return out


class BatchTokenizer:
    """The XLM-R tokenizer run by the `tokenizers` library directly, called like a transformers tokenizer
    (`tok(texts, padding=True, truncation=True, max_length=.., return_tensors="pt")`).

    It loads the e5 folder's Latin-script tokenizer (`e5.latin_tokenizer`, written by `vpd models setup`;
    ids mapped back to e5's), or prunes tokenizer.json itself in a folder built before that file existed.
    Transformers' wrapper would add ~300 MB more."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer

        from vpd_speech.nlp.e5 import LATIN_IDS, LATIN_TOKENIZER, latin_tokenizer

        path = Path(path)
        if (path.parent / LATIN_TOKENIZER).is_file() and (path.parent / LATIN_IDS).is_file():
            self.tokenizer = Tokenizer.from_file(str(path.parent / LATIN_TOKENIZER))
            self.e5_ids = np.load(path.parent / LATIN_IDS)
        else:
            spec, self.e5_ids = latin_tokenizer(json.loads(path.read_text("utf-8")))
            self.tokenizer = Tokenizer.from_str(json.dumps(spec))
        self.pad_id = self.tokenizer.token_to_id("<pad>")

    def __call__(self, texts: Sequence[str], padding: bool = True, truncation: bool = True, max_length: int = 512,
                 return_tensors: str = "pt") -> dict:
        import torch

        tok = self.tokenizer
        tok.enable_truncation(max_length) if truncation else tok.no_truncation()
        tok.enable_padding(pad_id=self.pad_id, pad_token="<pad>") if padding else tok.no_padding()
        enc = tok.encode_batch([t.strip() for t in texts])  # as transformers: no "▁" piece for a trailing space
        return {"input_ids": torch.from_numpy(self.e5_ids[np.array([e.ids for e in enc], dtype=np.int64)]),
                "attention_mask": torch.tensor([e.attention_mask for e in enc])}


_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64"}


def mapped_safetensors(path: Path) -> tuple[dict, mmap.mmap]:
    """The tensors of a safetensors file as copy-on-write views of a memory map, not copies; and the map.

    Only the pages that are read count in memory: of the 250k-row word-embedding matrix (384 MB of e5's
    470 MB) a call touches a few hundred rows, so the loaded classifier takes ~350 MB less RAM."""
    import torch

    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        dtype = getattr(torch, _DTYPES[meta["dtype"]])
        t = torch.frombuffer(buf, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start)
        out[name] = t.view(meta["shape"])
    return out, buf


def load_encoder(encoder_dir: Path, adapter_path: Path | None, config: dict):
    """(tokenizer, `BertEncoder` in eval mode) with the LoRA adapter merged into the weights."""
    import torch
    from safetensors.torch import load_file

    from vpd_speech.nlp.bert import BertConfig, bert_encoder

    tokenizer = BatchTokenizer(encoder_dir / "tokenizer.json")
    state, mapped = mapped_safetensors(encoder_dir / "model.safetensors")
    if adapter_path is not None:
        lora = config["lora"]
        lora_merge(state, load_file(str(adapter_path)), float(lora["alpha"]) / float(lora["r"]))
    with torch.device("meta"):
        model = bert_encoder(BertConfig.from_folder(encoder_dir))
    missing, _ = model.load_state_dict(state, strict=False, assign=True)
    if missing:
        raise ModelError(f"encoder weights {missing[:3]} missing in {encoder_dir}: run `vpd models setup --force`")
    model.eval()
    if config.get("quantize") == "int8":
        model = quantize_int8(model)
        if adapter_path is None and hasattr(mmap, "MADV_DONTNEED"):
            # the float32 linear weights were read once to quantize them: give their pages back (~80 MB).
            # They are clean file pages, so what is still used (embedding rows, LayerNorms) reads in again.
            mapped.madvise(mmap.MADV_DONTNEED)
    return tokenizer, model


def quantize_int8(model):
    """The encoder with its linear layers in int8 (`Int8Linear`): 2x faster on 2 CPU cores.

    Embeddings stay within cosine 0.998 of float32; the heads are trained on the quantized encoder's
    embeddings (config `quantize`), so training and inference see the same numbers."""
    import torch

    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(module, child_name, Int8Linear(child))
    return model


@functools.cache
def int_mm_saturates() -> bool:
    """Whether `torch._int_mm` adds int8 products in saturating int16 pairs, as oneDNN does on CPUs without VNNI
    or AMX (AVX2, AVX-512 before Cascade Lake): there full-range weights times large activations are clipped
    (relative error ~0.18 per layer), so `Int8Linear` splits its weights into halves that cannot saturate."""
    import torch

    x = torch.full((32, 64), 127, dtype=torch.int8)
    w = torch.full((64, 32), 127, dtype=torch.int8)
    return not torch.equal(torch._int_mm(x, w), x.int() @ w.int())


@functools.cache
def _int8_linear_class():
    import torch

    class Int8Linear(torch.nn.Module):
        """y = x W^T + b with W in int8 per output channel and x quantized per token on the fly.

        Scales are per row of x, never per batch (torch's `quantize_dynamic` takes one scale for the whole
        padded batch, which moved embeddings by up to cosine 0.986 between alone and batched), so a layer's
        output row does not depend on the other rows. Where `_int_mm` saturates (`int_mm_saturates`), W is
        multiplied as 2 * W_hi + W_lo (|W_hi| <= 64, W_lo in {0, 1}): two exact products, the same integers
        as on any other CPU, for a second matrix product per layer."""

        def __init__(self, linear: torch.nn.Linear):
            super().__init__()
            w = linear.weight.detach().float()
            scale = w.abs().amax(dim=1).clamp(min=1e-8) / 127.0
            q = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()
            self.register_buffer("weight_t", q)
            hi = torch.div(q, 2, rounding_mode="floor") if int_mm_saturates() else None
            self.register_buffer("weight_hi", hi)
            self.register_buffer("weight_lo", None if hi is None else (q - 2 * hi).contiguous())
            self.register_buffer("weight_scale", scale)
            self.register_buffer("bias", linear.bias.detach().float().clone() if linear.bias is not None else None)

        def forward(self, x):
            shape = x.shape
            x = x.reshape(-1, shape[-1])
            amax = x.abs().amax(dim=1, keepdim=True).clamp_(min=1e-8)
            xq = (x * (127.0 / amax)).round_().to(torch.int8)
            if self.weight_hi is None:
                y = torch._int_mm(xq, self.weight_t)
            else:
                y = torch._int_mm(xq, self.weight_hi).mul_(2).add_(torch._int_mm(xq, self.weight_lo))
            y = y.float().mul_(amax / 127.0).mul_(self.weight_scale)
            if self.bias is not None:
                y.add_(self.bias)
            return y.view(*shape[:-1], y.shape[-1])

    return Int8Linear


def Int8Linear(linear):
    """An `Int8Linear` module for `linear`; the class is made on first use, so importing this module needs no torch."""
    return _int8_linear_class()(linear)


def encode(tokenizer, model, texts: Sequence[str], batch_size: int = 64, grad: bool = False):
    """Mean-pooled last hidden states, length-sorted batches, rows in input order (numpy, or torch when grad)."""
    import torch

    n = len(texts)
    dim = model.hidden_size
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    prefixed = [PREFIX + t for t in texts]
    order = sorted(range(n), key=lambda i: len(prefixed[i]))
    out = np.empty((n, dim), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer([prefixed[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH,
                            return_tensors="pt")
            out[idx] = pool(model, enc).numpy()
    return out


def pool(model, enc):
    hidden = model(enc["input_ids"], enc["attention_mask"])
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


# ----------------------------------------------------------------------------- `vpd classify`


def read_texts(source: IO[str], name: str = "") -> tuple[list[str], list[str]]:
    """Utterances from a text stream: a CSV/TSV with a `text` column (and optionally a `context` column, the
    turn before each), or one utterance per line. Returns the texts and their turns before ("" where none)."""
    data = source.read()
    lines = data.splitlines()
    first = lines[0] if lines else ""
    delim = "\t" if "\t" in first else "," if name.lower().endswith(".csv") or first.strip().lower().startswith("text,") or ",text" in first.lower() else None
    if delim is not None:
        header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delim))]
        if "text" in header:
            reader = csv.DictReader(io.StringIO(data), delimiter=delim)
            reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
            rows = list(reader)
            return [(r.get("text") or "").strip() for r in rows], [(r.get("context") or "").strip() for r in rows]
        if name.lower().endswith((".csv", ".tsv")):
            raise ValueError(f"{name}: no 'text' column (columns: {', '.join(header)})")
    texts = [line.strip() for line in lines if line.strip()]
    return texts, [""] * len(texts)


def classification_rows(texts: Sequence[str], results: Sequence[Classification], rules: Sequence[str] | None = None) -> list[dict]:
    rows = []
    for i, (t, c) in enumerate(zip(texts, results)):
        row = {"n": i + 1, "text": t, "label": c.label, "level": c.level,
               "probability": c.probabilities.get(c.label), "probabilities": c.probabilities,
               "evidence": [e.model_dump() for e in c.evidence], "source": c.source}
        if rules is not None:
            row["marker_label"] = rules[i]
        rows.append(row)
    return rows


def write_rows(rows: Sequence[dict], out: IO[str], fmt: str = "tsv") -> None:
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    if not rows:
        return
    labels = list(rows[0]["probabilities"])
    cols = ["n", "label", "level", "probability", "marker_label"] + [f"p_{k}" for k in labels] + ["evidence", "text"]
    out.write("\t".join(cols) + "\n")
    for r in rows:
        ev = "; ".join(f"{e['kind']}:{e['text']}" for e in r["evidence"])
        vals = [r["n"], r["label"], "" if r["level"] is None else r["level"], f"{r['probability']:.4f}",
                r.get("marker_label", "")] + [f"{r['probabilities'][k]:.4f}" for k in labels] + [ev, r["text"]]
        out.write("\t".join(str(v).replace("\t", " ").replace("\n", " ") for v in vals) + "\n")


def classify_stream(
    source: IO[str],
    out: IO[str],
    role: Role = "caller",
    fmt: str = "tsv",
    name: str = "",
    classifier=None,
    kind: str = "norm_matrix",
    **options,
) -> None:
    """Read utterances, classify them as `role`, write one row each (`vpd classify`).

    `kind` "norm_matrix" (default, the trained model) or "markers" (rules only); every row also carries the
    marker rules' label (`marker_label`) so both are shown.
    """
    from vpd_speech.nlp.classify import load_classifier
    from vpd_speech.nlp.markers import MarkerClassifier

    texts, contexts = read_texts(source, name)
    if classifier is None:
        classifier = load_classifier(kind, **options)
    results = classifier.classify(texts, role, contexts) if texts else []
    rules = [c.label for c in MarkerClassifier().classify(texts, role)] if texts else []
    write_rows(classification_rows(texts, results, rules), out, fmt)
