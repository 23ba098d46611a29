"""The classifier on Dutch written by other people: the independent author passes in eval/data/authors/.

Each author wrote from their own brief without seeing the corpus, the splits or each other's files
(eval/data/authors/README.md). The shipped model trains on all but seven (vpd_speech.training.TRAIN_AUTHORS):
three (HELD_OUT_AUTHORS) are the cross-author test, four (SELECTION_AUTHORS) decided whether a new model ships.
Rows of an author the model trained on are marked "(trained)", those of a selection writer "(selection)"; both
are left out of the "cross-author" line. Per author, on the written text and on its ASR transcripts
(eval/data/authors/asr_transcripts.tsv, `vpd train asr --authors`; a caller row is read after its turn before,
written or as transcribed, as the pipeline reads a call): caller macro-F1, dreiging recall, hard
negatives (hard cases whose level is below 3) read as 3/4, identity and group statements read as 3/4, agent
macro-F1, and with --by-type the rate per hard-case type.

    python -m eval.eval_authors [--model-dir DIR] [--classifier markers] [--by-type]
    python -m eval.eval_authors --leave-one-out   # train without each author in turn, test on that author
    python -m eval.eval_authors --model-dir OLD --authors rotterdam,groningen,veluwe   # an older model, same rows
    python -m eval.eval_authors --context-rows   # only the callers whose words are read after a turn before
"""

from __future__ import annotations

import argparse
import sys

from sklearn.metrics import f1_score, recall_score

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, LEVEL_OF
from vpd_speech.nlp.classify import load_classifier
from vpd_speech.training import AUTHORS_ASR, SELECTION_AUTHORS
from vpd_speech.training.examples import heard_context, read_asr, read_authors

IDENTITY = ("identity_neutral", "identity_positive", "identity_complaint")


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
                                                labels=list(AGENT_ACTS), average="macro", zero_division=0)), 3)
        if agents else 0.0,
    }


def by_type(rows: list[dict], predicted: list[str]) -> dict[str, tuple[int, float]]:
    """hard-case type -> (n, share right): level 3/4 types must reach 3/4, the others must stay below 3."""
    out: dict[str, list[bool]] = {}
    for r, p in zip(rows, predicted):
        if r["role"] == "caller" and r["hard_case"]:
            want_high = LEVEL_OF[r["label"]] >= 3
            out.setdefault(r["hard_case"], []).append((LEVEL_OF[p] >= 3) == want_high)
    return {k: (len(v), round(sum(v) / len(v), 3)) for k, v in sorted(out.items())}


def predict(clf, rows: list[dict], texts: list[str], contexts: list[str]) -> list[str]:
    """The classifier's label for each row, reading `texts` (the written text or its transcript) after
    `contexts` (the turn before in the same view)."""
    predicted = [""] * len(rows)
    for role in ("caller", "agent"):
        idx = [i for i, r in enumerate(rows) if r["role"] == role]
        for i, c in zip(idx, clf.classify([texts[i] for i in idx], role, [contexts[i] for i in idx])):
            predicted[i] = c.label
    return predicted


def table(clf, authors: dict[str, list[dict]], trained: set[str], asr: dict[str, str], title: str) -> dict:
    """Print one markdown table (written text and ASR per author, then the cross-author total); return the
    cross-author rows and their predictions per view ("written", "ASR")."""
    print(f"\n{title}\n")
    _header()
    pooled: dict[str, tuple[list, list]] = {"written": ([], []), "ASR": ([], [])}
    for author, rows in authors.items():
        views = {"written": ([r["text"] for r in rows], [r["context"] for r in rows])}
        if all(asr.get(r["id"]) is not None for r in rows):
            views["ASR"] = ([asr[r["id"]] for r in rows], [heard_context(r, asr) for r in rows])
        for view, (texts, contexts) in views.items():
            predicted = predict(clf, rows, texts, contexts)
            tag = " (trained)" if author in trained else " (selection)" if author in SELECTION_AUTHORS else ""
            if not tag:
                pooled[view][0].extend(rows)
                pooled[view][1].extend(predicted)
            _row(author + tag, view, measure(rows, predicted))
    _pooled_rows("**cross-author**", pooled)
    return pooled


def _header() -> None:
    print("| author | text | callers | caller macro-F1 | dreiging recall | hard neg → 3/4 | identity → 3/4 | agent macro-F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")


def _pooled_rows(name: str, pooled: dict[str, tuple[list, list]]) -> None:
    """One table row per view that has rows: the measures over everything pooled."""
    for view, (rows, predicted) in pooled.items():
        if rows:
            _row(name, view, measure(rows, predicted))


def _row(name: str, view: str, m: dict) -> None:
    print(f"| {name} | {view} | {m['caller_n']} | {m['caller_macro_f1']:.3f} | {m['dreiging_recall']:.3f} | "
          f"{m['hard_neg_3_4']:.1%} of {m['hard_neg_n']} | {m['identity_3_4']:.1%} of {m['identity_n']} | "
          f"{m['agent_macro_f1']:.3f} |")


def leave_one_out(authors: dict[str, list[dict]], asr: dict[str, str]) -> None:
    """Train on the corpus plus all authors but one, test on that one; for every author in turn, then all
    authors pooled (each read by the model that never saw it)."""
    import tempfile

    from vpd_speech.nlp.model_classifier import NormMatrixClassifier
    from vpd_speech.training.train import train

    pooled: dict[str, tuple[list, list]] = {"written": ([], []), "ASR": ([], [])}
    for held_out, held_rows in authors.items():
        with tempfile.TemporaryDirectory() as out:
            train(out_dir=out, authors=[a for a in authors if a != held_out], log=lambda m: None)
            fold = table(NormMatrixClassifier(model_dir=out), {held_out: held_rows}, set(), asr,
                         f"trained on the corpus and {', '.join(a for a in authors if a != held_out)}; tested on {held_out}")
        for view, (rows, predicted) in fold.items():
            pooled[view][0].extend(rows)
            pooled[view][1].extend(predicted)
    print(f"\nall {len(authors)} authors, each read by the model trained without it\n")
    _header()
    _pooled_rows("**all, leave one out**", pooled)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.eval_authors", description=__doc__.split("\n\n")[0])
    ap.add_argument("--classifier", default="norm_matrix", choices=["norm_matrix", "markers"])
    ap.add_argument("--model-dir", help="trained norm-matrix parts (default: the shipped model)")
    ap.add_argument("--by-type", action="store_true", help="also the share right per hard-case type (cross-author rows)")
    ap.add_argument("--leave-one-out", action="store_true", help="train without each author in turn (one training of 7-10 min per author)")
    ap.add_argument("--authors", help="only these passes, comma-separated (e.g. the held-out ones, to compare a model "
                    "trained on fewer passes on the same rows)")
    ap.add_argument("--context-rows", dest="context_rows", action="store_true",
                    help="only the caller rows that have a turn before (and the agent rows)")
    args = ap.parse_args(argv)
    authors = read_authors()
    if args.authors:
        wanted = [a for a in args.authors.split(",") if a]
        unknown = sorted(set(wanted) - set(authors))
        if unknown:
            ap.error(f"no author pass {', '.join(unknown)} (there are: {', '.join(authors)})")
        authors = {a: authors[a] for a in wanted}
    if args.context_rows:
        authors = {a: [r for r in rows if r["role"] != "caller" or r["context"].strip()] for a, rows in authors.items()}
    asr = read_asr(AUTHORS_ASR)
    if args.leave_one_out:
        leave_one_out(authors, asr)
        return 0
    options = {"model_dir": args.model_dir} if args.model_dir and args.classifier == "norm_matrix" else {}
    clf = load_classifier(args.classifier, **options)
    trained = set(getattr(clf, "config", {}).get("train", {}).get("authors", [])) if args.classifier == "norm_matrix" else set()
    rows, predicted = table(clf, authors, trained, asr, f"{args.classifier} ({args.model_dir or 'shipped'})")["written"]
    if args.by_type:
        print("\n| hard-case type | n | right |\n|---|---:|---:|")
        for kind, (n, right) in by_type(rows, predicted).items():
            print(f"| {kind} | {n} | {right:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
