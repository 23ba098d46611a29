"""Compare utterance classifiers on the corpus's test split, clean text and ASR transcripts separately.

Systems:
    markers   the marker rules (vpd_speech.nlp.markers), no training
    tfidf     TF-IDF character 2-5-grams + logistic regression
    frozen    frozen multilingual-e5-small embeddings (mean-pooled, L2-normalised) + logistic regression
    frozen+markers  the same plus the marker features the fine-tuned heads get (optional, an ablation)
    lora      e5 fine-tuned with a LoRA adapter on its top 4 layers + linear heads over [embedding, marker
              features] (`vpd train fit --method lora`), calibrated
    norm_matrix the shipped default (vpd_speech/nlp/norm_matrix, `vpd train fit`): frozen e5 + marker features +
              logistic regression, calibrated

The two trained baselines see the same training texts as the fine-tuned model: the train split's clean
text, its ASR transcripts (eval/data/asr_transcripts.tsv, plus the agent take with a second voice) and one
augmented copy of each utterance.
Prints a summary and writes per-class P/R/F1 and confusion matrices to eval/results/classifier.md.

    .venv/bin/python -m eval.eval_classifier [--systems markers,tfidf,frozen,lora,norm_matrix] [--split test]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS
from vpd_speech.training import DEFAULT_ASR, DEFAULT_CORPUS
from vpd_speech.training.calibrate import scores
from vpd_speech.training.examples import build_examples, hard_negative, read_asr, read_extra, read_tsv

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "classifier.md"
ROLES = (("caller", CALLER_LABELS), ("agent", AGENT_ACTS))
SHORT = {  # column headers
    "neutraal": "neu", "emotie_ik": "emo", "kritiek_jullie": "krit", "agressie_jij": "agr", "dreiging": "drg",
    "erkennen_emotie": "erk", "uitleggen": "uitl", "mogelijkheden": "mog", "afronden": "afr",
    "gedrag_benoemen": "gedr", "grens_stellen": "grens", "gesprek_beeindigen": "eind", "overig": "ovr",
}


class _Sklearn:
    """A per-role scikit-learn pipeline behind the classify(texts, role) -> labels interface."""

    def __init__(self, name, make, featurise=None):
        self.name, self.make, self.featurise = name, make, featurise
        self.models = {}

    def fit(self, rows, asr, seed):
        ex = build_examples(rows, asr, "train", seed, extra=read_extra())
        for role, labels in ROLES:
            sel = [e for e in ex if e.role == role]
            x = [e.text for e in sel]
            if self.featurise:
                x = self.featurise(x)
            self.models[role] = self.make().fit(x, [labels[e.y] for e in sel])
        return self

    def predict(self, texts, role):
        x = self.featurise(texts) if self.featurise else texts
        return list(self.models[role].predict(x))


def _tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return _Sklearn("tfidf", lambda: make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True, min_df=2),
        LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")))


_EMB: dict[str, np.ndarray] = {}  # text -> frozen e5 embedding, shared by the frozen systems
_ENCODER: list = []  # (tokenizer, encoder), loaded once


def _embed(texts):
    """L2-normalised frozen e5 embeddings from the same int8 encoder the shipped model uses."""
    from vpd_speech.nlp.e5 import default_model_dir
    from vpd_speech.nlp.model_classifier import encode, load_encoder
    from vpd_speech.training.train import QUANTIZE

    missing = [t for t in dict.fromkeys(texts) if t not in _EMB]
    if missing:
        if not _ENCODER:
            _ENCODER.extend(load_encoder(Path(default_model_dir()), None, {"quantize": QUANTIZE}))
        x = encode(*_ENCODER, missing, 64)
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        _EMB.update(zip(missing, x))
    return np.stack([_EMB[t] for t in texts])


class _FrozenMarkers(_Sklearn):
    """Frozen e5 embeddings + the marker features of vpd_speech.nlp.model_classifier + logistic regression."""

    def _x(self, texts, role):
        from vpd_speech.nlp.model_classifier import marker_features

        return np.concatenate([_embed(texts), marker_features(texts, role)[0]], axis=1)

    def fit(self, rows, asr, seed):
        ex = build_examples(rows, asr, "train", seed, extra=read_extra())
        for role, labels in ROLES:
            sel = [e for e in ex if e.role == role]
            self.models[role] = self.make().fit(self._x([e.text for e in sel], role), [labels[e.y] for e in sel])
        return self

    def predict(self, texts, role):
        return list(self.models[role].predict(self._x(texts, role)))


def _frozen(markers: bool = False):
    from sklearn.linear_model import LogisticRegression

    make = lambda: LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
    if markers:
        return _FrozenMarkers("frozen+markers", make)
    return _Sklearn("frozen", make, _embed)


class _Wrap:
    def __init__(self, name, clf):
        self.name, self.clf = name, clf

    def predict(self, texts, role):
        return [c.label for c in self.clf.classify(texts, role)]


def evaluate(systems, rows, asr, split="test"):
    """{system: {"clean"|"asr": {role: scores}}} plus per-hard-case accuracy per system and text kind."""
    res, hard = {}, {}
    for sys_ in systems:
        res[sys_.name], hard[sys_.name] = {}, {}
        for kind in ("clean", "asr"):
            res[sys_.name][kind], hard[sys_.name][kind] = {}, {}
            for role, labels in ROLES:
                sel = [r for r in rows if r["split"] == split and r["role"] == role and r["label"] in labels]
                if kind == "asr":
                    sel = [r for r in sel if asr.get(r["id"], "").strip()]
                if not sel:
                    continue
                texts = [r["text"] if kind == "clean" else asr[r["id"]] for r in sel]
                pred = sys_.predict(texts, role)
                res[sys_.name][kind][role] = scores([r["label"] for r in sel], pred, labels,
                                                    [hard_negative(r) for r in sel])
                for r, p in zip(sel, pred):
                    if r.get("hard_case"):
                        hard[sys_.name][kind].setdefault(r["hard_case"], []).append(p == r["label"])
    return res, hard


def summary_table(res) -> str:
    lines = ["| system | text | caller macro-F1 | dreiging recall | hard neg -> 3/4 | caller n | agent macro-F1 | agent n |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, kinds in res.items():
        for kind, roles in kinds.items():
            c, a = roles.get("caller"), roles.get("agent")
            cells = [name, kind]
            cells += [f"{c['macro_f1']:.3f}", f"{c['dreiging_recall']:.3f}", f"{c.get('hard_negative_as_3_4', 0):.3f}",
                      str(c["n"])] if c else ["-"] * 4
            cells += [f"{a['macro_f1']:.3f}", str(a["n"])] if a else ["-"] * 2
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def detail(res) -> str:
    out = []
    for name, kinds in res.items():
        for kind, roles in kinds.items():
            for role, sc in roles.items():
                labels = sc["labels"]
                out.append(f"\n### {name} / {kind} / {role}  (n={sc['n']}, macro-F1 {sc['macro_f1']:.3f}, "
                           f"accuracy {sc['accuracy']:.3f})\n")
                out.append("| label | P | R | F1 | n |\n|---|---:|---:|---:|---:|")
                for lab in labels:
                    pc = sc["per_class"][lab]
                    out.append(f"| {lab} | {pc['p']:.3f} | {pc['r']:.3f} | {pc['f1']:.3f} | {pc['n']} |")
                out.append("\nconfusion (rows true, columns predicted)\n")
                out.append("| true \\ pred | " + " | ".join(SHORT[lab] for lab in labels) + " |")
                out.append("|---|" + "---:|" * len(labels))
                for lab, row in zip(labels, sc["confusion"]):
                    out.append(f"| {SHORT[lab]} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(out)


def hard_table(hard) -> str:
    types = sorted({t for k in hard.values() for kk in k.values() for t in kk})
    cols = [(n, k) for n in hard for k in ("clean", "asr")]
    lines = ["| hard case | n | " + " | ".join(f"{n} {k}" for n, k in cols) + " |",
             "|---|---:|" + "---:|" * len(cols)]
    for t in types:
        n = max(len(hard[c[0]][c[1]].get(t, [])) for c in cols)
        cells = []
        for name, kind in cols:
            v = hard[name][kind].get(t)
            cells.append(f"{np.mean(v):.2f}" if v else "-")
        lines.append(f"| {t} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--asr", default=str(DEFAULT_ASR))
    ap.add_argument("--model-dir", default=None, help="trained norm-matrix parts (default vpd_speech/nlp/norm_matrix)")
    ap.add_argument("--lora-dir", default=str(ROOT / "models" / "norm_matrix" / "lora"),
                    help="LoRA fine-tuned parts (`vpd train fit --method lora --out DIR`)")
    ap.add_argument("--systems", default="markers,tfidf,frozen,lora,norm_matrix")
    ap.add_argument("--split", default="test")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(2)
    rows = read_tsv(args.corpus)
    asr = read_asr(args.asr)
    systems = []
    for name in args.systems.split(","):
        t0 = time.perf_counter()
        if name == "markers":
            from vpd_speech.nlp.markers import MarkerClassifier

            systems.append(_Wrap("markers", MarkerClassifier()))
        elif name == "tfidf":
            systems.append(_tfidf().fit(rows, asr, args.seed))
        elif name == "frozen":
            systems.append(_frozen().fit(rows, asr, args.seed))
        elif name == "frozen+markers":
            systems.append(_frozen(markers=True).fit(rows, asr, args.seed))
        elif name == "norm_matrix":
            from vpd_speech.nlp.model_classifier import NormMatrixClassifier

            systems.append(_Wrap("norm_matrix", NormMatrixClassifier(model_dir=args.model_dir)))
        elif name == "lora":
            from vpd_speech.nlp.model_classifier import NormMatrixClassifier

            systems.append(_Wrap("lora", NormMatrixClassifier(model_dir=args.lora_dir)))
        else:
            raise SystemExit(f"unknown system {name!r}")
        print(f"{name}: ready in {time.perf_counter() - t0:.0f} s", flush=True)
    res, hard = evaluate(systems, rows, asr, args.split)
    n_asr = sum(1 for r in rows if r["split"] == args.split and asr.get(r["id"]))
    n_all = sum(1 for r in rows if r["split"] == args.split)
    head = (f"# Classifier comparison: {args.split} split\n\ncorpus {Path(args.corpus).name} ({n_all} {args.split} "
            f"utterances), ASR transcripts for {n_asr} of them (espeak MBROLA -> 8 kHz u-law telephone band + noise "
            f"-> faster-whisper base int8, default pipeline config).\n")
    summary = summary_table(res)
    text = (head + "\n## Summary\n\n" + summary + "\n\n## Accuracy per hard-case type\n\n" + hard_table(hard)
            + "\n\n## Per class and confusion matrices\n" + detail(res) + "\n")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    out.with_suffix(".json").write_text(json.dumps({"scores": res}, indent=1), "utf-8")
    print(head)
    print(summary)
    print()
    print(hard_table(hard))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
