"""Calibration and scores of the trained heads (`vpd train calibrate`): the char n-gram weight, the dreiging
offset and a temperature per head, fitted on dev; macro-F1, recall and ECE on dev and test."""
from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS
from vpd_speech.training.examples import build_examples, hard_negative

THREAT_RECALL = 0.9  # recall the dreiging logit offset aims at (fit_threat_bias); dev ASR macro-F1 rose with it
TRAINED_PARTS = ("adapter.safetensors", "heads.safetensors", "config.json", "char_ngrams.json")

CHAR_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)  # candidates for the n-gram head's share, picked on dev


THREAT_MAX_DROP = 0.01  # macro-F1 (dev) the dreiging offset may cost


def scores(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], hard_neg: Sequence[bool] | None = None) -> dict:
    """Per-class P/R/F1, macro-F1, accuracy, confusion matrix; for callers dreiging recall and hard-negative rate."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    present = [i for i, n in enumerate(s) if n > 0]
    out = {
        "n": len(y_true),
        "accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if y_true else 0.0,
        "macro_f1": float(np.mean([f[i] for i in present])) if present else 0.0,
        "per_class": {lab: {"p": float(p[i]), "r": float(r[i]), "f1": float(f[i]), "n": int(s[i])} for i, lab in enumerate(labels)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "labels": labels,
    }
    if "dreiging" in labels:
        out["dreiging_recall"] = float(r[labels.index("dreiging")])
        if hard_neg is not None:
            hn = [pred for pred, h in zip(y_pred, hard_neg) if h]
            out["hard_negatives"] = len(hn)
            out["hard_negative_as_3_4"] = float(np.mean([x in ("agressie_jij", "dreiging") for x in hn])) if hn else 0.0
    return out


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood on (logits, y): a fine log-spaced grid."""
    best_t, best = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.05), np.log(20.0), 800)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        nll = float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))
        if nll < best:
            best_t, best = float(t), nll
    return best_t


def fit_threat_bias(z: np.ndarray, y: np.ndarray, target: float = 0.95, max_drop: float = 0.02,
                    groups: np.ndarray | None = None) -> float:
    """Smallest offset on the dreiging logit that reaches `target` dev recall in every group of rows
    (`groups`: a group id per row, default one group; rows of a negative id count in the macro-F1 only) without
    costing more than `max_drop` macro-F1; when no offset reaches it, the one with the best worst-group recall
    within that cost."""
    from sklearn.metrics import f1_score

    k = CALLER_LABELS.index("dreiging")
    groups = np.zeros(len(y), dtype=int) if groups is None else np.asarray(groups)
    threats = [(groups == g) & (y == k) for g in np.unique(groups) if g >= 0]
    threats = [m for m in threats if m.any()]
    base = f1_score(y, z.argmax(1), average="macro")
    best_b, best_r = 0.0, -1.0
    for b in np.arange(0.0, 4.01, 0.1):
        zz = z.copy()
        zz[:, k] += b
        pred = zz.argmax(1)
        if f1_score(y, pred, average="macro") < base - max_drop:
            break
        rec = min((float(np.mean(pred[m] == k)) for m in threats), default=1.0)
        if rec >= target:
            return float(b)
        if rec > best_r + 1e-9:
            best_b, best_r = float(b), rec
    return best_b


def _pick_char_weight(z: np.ndarray, z_char: np.ndarray, y: np.ndarray, merge) -> tuple[float, np.ndarray]:
    """The n-gram head's weight (from CHAR_WEIGHTS) with the best dev macro-F1, and the combined logits per label
    (`merge`: head rows -> labels)."""
    from sklearn.metrics import f1_score

    best = max(CHAR_WEIGHTS, key=lambda w: (round(f1_score(y, merge(z + w * z_char).argmax(1), average="macro"), 4), -w))
    return float(best), merge(z + best * z_char)


def ece(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top-label probability."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    total = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        m = (conf > lo) & (conf <= lo + 1.0 / bins)
        if m.any():
            total += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(total)


def calibrate(out_dir: Path | str, rows: list[dict], asr: dict[str, str], seed: int = 13, threads: int = 2,
              threat_recall: float | None = THREAT_RECALL, encoder_dir=None, log=print, metrics: dict | None = None,
              cross: dict | None = None) -> dict:
    """Fit the n-gram weight, the dreiging logit offset and the temperatures on dev (clean + ASR) for the trained
    parts in `out_dir`, rewrite its config.json and metrics.json, and score dev and test (clean and ASR).
    `cross`: role -> (embedding-head logits, n-gram logits, labels, views) of the trained authors as read by heads
    fitted without each (train._cross_author_logits), pooled with dev: a new writer's operating point. Logits are
    per head row (`head_rows`) until the n-gram head is added; then merged per label."""
    from vpd_speech.nlp.markers import softmax
    from vpd_speech.nlp.model_classifier import NormMatrixClassifier, merge_rows

    out_dir = Path(out_dir)
    config = json.loads((out_dir / "config.json").read_text("utf-8"))
    config["logit_bias"] = {"caller": [0.0] * len(CALLER_LABELS), "agent": [0.0] * len(AGENT_ACTS)}
    config["temperature"] = {"caller": 1.0, "agent": 1.0}
    if config.get("char_ngrams"):
        config["char_weight"] = {"caller": 0.0, "agent": 0.0}
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    if metrics is None:
        old = out_dir / "metrics.json"
        metrics = json.loads(old.read_text("utf-8")) if old.is_file() else {}
    if cross is None and "cross_author_caller" in metrics:
        log("  note: this model was calibrated on dev and on the trained authors read without themselves; this run "
            "reads dev alone (`vpd train fit` fits both again)")
        for role in ("caller", "agent"):
            metrics.pop(f"cross_author_{role}", None)
    clf = NormMatrixClassifier(model_dir=out_dir, encoder_dir=encoder_dir, threads=threads)
    for role, labels in (("caller", CALLER_LABELS), ("agent", AGENT_ACTS)):
        dev = build_examples(rows, asr, "dev", seed, kinds=("clean", "asr"))
        dev = [e for e in dev if e.role == role]
        if not dev:
            log(f"  no dev {role} utterances: temperature stays 1.0")
            continue
        z, _, _ = clf.head_logits([e.text for e in dev], role)  # per head row; merged below
        y = np.array([e.y for e in dev])
        z_char = clf.char_logits([e.text for e in dev], role) if config.get("char_ngrams") else None
        groups = np.zeros(len(y), dtype=int)  # dev: the corpus's author
        if cross and cross.get(role) is not None:
            # the trained authors, each read without itself: a new writer's written text (1) and transcripts (2)
            # set the recall the dreiging offset must reach; dev (-1) then counts in the macro-F1 only
            cz, cz_char, cy, views = cross[role]
            groups = np.concatenate([groups - 1, np.where(views == "asr", 2, 1)])
            z, y = np.concatenate([z, cz]), np.concatenate([y, cy])
            z_char = None if z_char is None else np.concatenate([z_char, cz_char])
        merge = functools.partial(merge_rows, rows=clf.head_rows[role], labels=labels)
        if z_char is None:
            z = merge(z)
        else:
            w, z = _pick_char_weight(z, z_char, y, merge)
            config["char_weight"][role] = clf.char_weight[role] = w
            metrics[f"char_weight_{role}"] = w
            log(f"  {role}: character n-gram weight {w} (best dev macro-F1)")
        if role == "caller":
            metrics["threat_bias"] = 0.0
        if role == "caller" and threat_recall:
            b = fit_threat_bias(z, y, threat_recall, max_drop=THREAT_MAX_DROP, groups=groups)
            config["logit_bias"]["caller"][CALLER_LABELS.index("dreiging")] = round(b, 2)
            z = z + np.array(config["logit_bias"]["caller"])
            metrics["threat_bias"] = round(b, 2)
            where = "in each view of the writers read without themselves" if (groups > 0).any() else "on dev"
            log(f"  caller: dreiging logit bias {b:.2f} (recall target {threat_recall} {where})")
        if (groups > 0).any():
            read = groups > 0
            names = np.array(labels)
            sc = metrics[f"cross_author_{role}"] = scores(list(names[y[read]]), list(names[z[read].argmax(1)]), labels)
            extra = f", dreiging recall {sc['dreiging_recall']:.3f}" if role == "caller" else ""
            log(f"  {role}: trained authors read without themselves: n={sc['n']} macro-F1 {sc['macro_f1']:.3f}{extra}")
        t = fit_temperature(z, y)
        config["temperature"][role] = round(t, 4)
        metrics[f"calibration_{role}"] = {
            "temperature": round(t, 4), "dev_n": len(dev),
            "ece_before": round(ece(softmax(z), y), 4), "ece_after": round(ece(softmax(z / t), y), 4),
        }
        log(f"  {role}: temperature {t:.3f}, dev ECE {metrics[f'calibration_{role}']['ece_before']:.3f} -> "
            f"{metrics[f'calibration_{role}']['ece_after']:.3f}")
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    clf.temperature = dict(config["temperature"])
    clf.bias = {r: np.array(v, dtype=np.float32) for r, v in config["logit_bias"].items()}

    # ---- scores per split and text kind
    for split in ("dev", "test"):
        for kind in ("clean", "asr"):
            for role, labels in (("caller", CALLER_LABELS), ("agent", AGENT_ACTS)):
                sel = [r for r in rows if r.get("split") == split and r.get("role") == role and r["label"] in labels]
                if kind == "asr":
                    sel = [r for r in sel if asr.get(r["id"], "").strip()]
                if not sel:
                    continue
                texts = [r["text"] if kind == "clean" else asr[r["id"]] for r in sel]
                pred = [c.label for c in clf.classify(texts, role)]
                sc = scores([r["label"] for r in sel], pred, labels, [hard_negative(r) for r in sel])
                metrics[f"{split}_{kind}_{role}"] = sc
                extra = ""
                if role == "caller":
                    extra = f", dreiging recall {sc['dreiging_recall']:.3f}, hard neg as 3/4 {sc.get('hard_negative_as_3_4', 0):.3f}"
                log(f"  {split} {kind:5s} {role:6s}: n={sc['n']} macro-F1 {sc['macro_f1']:.3f}{extra}")
    metrics["size_bytes"] = sum((out_dir / f).stat().st_size for f in TRAINED_PARTS if (out_dir / f).is_file())
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", "utf-8")
    return metrics
