"""The classifier on Dutch written by other people: the independent author passes in eval/data/authors/.

Each author wrote from their own brief without seeing the corpus, the splits or each other's files
(eval/data/authors/README.md). None of their text is in training, so every author is a cross-author test.
Per author and in total: caller macro-F1, dreiging recall, hard negatives (hard cases whose level is below 3)
read as 3/4, identity and group statements read as 3/4, agent macro-F1, and the rate per hard-case type.

    python -m eval.eval_authors [--classifier norm_matrix|markers] [--by-type]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from sklearn.metrics import f1_score, recall_score

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, LEVEL_OF
from vpd_speech.nlp.classify import load_classifier

AUTHORS = Path(__file__).resolve().parent / "data" / "authors"
IDENTITY = ("identity_neutral", "identity_positive", "identity_complaint")


def read_authors(folder: Path = AUTHORS) -> dict[str, list[dict]]:
    """author -> rows (family, text, role, label, hard_case, context) of eval/data/authors/<author>.tsv."""
    out = {}
    for path in sorted(folder.glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            out[path.stem] = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return out


def measure(rows: list[dict], predicted: list[str]) -> dict:
    """The issue-15 measures for rows and their predicted labels."""
    callers = [(r, p) for r, p in zip(rows, predicted) if r["role"] == "caller"]
    agents = [(r, p) for r, p in zip(rows, predicted) if r["role"] == "agent"]
    y, yp = [r["label"] for r, _ in callers], [p for _, p in callers]
    high = lambda p: LEVEL_OF[p] >= 3
    negatives = [(r, p) for r, p in callers if r["hard_case"] and LEVEL_OF[r["label"]] < 3]
    identity = [(r, p) for r, p in callers if r["hard_case"] in IDENTITY and LEVEL_OF[r["label"]] < 3]
    return {
        "caller_n": len(callers),
        "caller_macro_f1": round(float(f1_score(y, yp, labels=list(CALLER_LABELS), average="macro", zero_division=0)), 3),
        "dreiging_recall": round(float(recall_score(y, yp, labels=["dreiging"], average="macro", zero_division=0)), 3),
        "hard_neg_3_4": round(sum(high(p) for _, p in negatives) / max(1, len(negatives)), 3),
        "hard_neg_n": len(negatives),
        "identity_3_4": round(sum(high(p) for _, p in identity) / max(1, len(identity)), 3),
        "identity_n": len(identity),
        "agent_macro_f1": round(float(f1_score([r["label"] for r, _ in agents], [p for _, p in agents],
                                                labels=list(AGENT_ACTS), average="macro", zero_division=0)), 3),
    }


def by_type(rows: list[dict], predicted: list[str]) -> dict[str, tuple[int, float]]:
    """hard-case type -> (n, share right): level 3/4 types must reach 3/4, the others must stay below 3."""
    out: dict[str, list[bool]] = {}
    for r, p in zip(rows, predicted):
        if r["role"] == "caller" and r["hard_case"]:
            want_high = LEVEL_OF[r["label"]] >= 3
            out.setdefault(r["hard_case"], []).append((LEVEL_OF[p] >= 3) == want_high)
    return {k: (len(v), round(sum(v) / len(v), 3)) for k, v in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.eval_authors", description=__doc__.split("\n\n")[0])
    ap.add_argument("--classifier", default="norm_matrix", choices=["norm_matrix", "markers"])
    ap.add_argument("--by-type", action="store_true", help="also the share right per hard-case type")
    args = ap.parse_args(argv)
    clf = load_classifier(args.classifier)
    authors = read_authors()
    every_row, every_pred = [], []
    print("| author | callers | caller macro-F1 | dreiging recall | hard neg → 3/4 | identity → 3/4 | agent macro-F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for author, rows in [*authors.items(), ("all", None)]:
        if rows is None:
            rows, predicted = every_row, every_pred
        else:
            predicted = [""] * len(rows)
            for role in ("caller", "agent"):
                idx = [i for i, r in enumerate(rows) if r["role"] == role]
                for i, c in zip(idx, clf.classify([rows[i]["text"] for i in idx], role)):
                    predicted[i] = c.label
            every_row += rows
            every_pred += predicted
        m = measure(rows, predicted)
        print(f"| {author} | {m['caller_n']} | {m['caller_macro_f1']:.3f} | {m['dreiging_recall']:.3f} | "
              f"{m['hard_neg_3_4']:.1%} of {m['hard_neg_n']} | {m['identity_3_4']:.1%} of {m['identity_n']} | "
              f"{m['agent_macro_f1']:.3f} |")
    if args.by_type:
        print("\n| hard-case type | n | right |\n|---|---:|---:|")
        for kind, (n, right) in by_type(every_row, every_pred).items():
            print(f"| {kind} | {n} | {right:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
