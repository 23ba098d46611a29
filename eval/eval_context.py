"""Does the turn before help? Conversation context for the caller level, measured across authors.

Author rows with a `context` (the agent's turn before the caller's, eval/data/authors/) are labelled as
they read with it: "Dat ga je merken" after a refusal is dreiging, after good news neutraal. The classifier
reads the caller's words alone (a model that reads the turn before itself, 0.9 on, is given none here; for it use
`python -m eval.eval_authors --context-rows`). The context head is a logistic regression over the classifier's
log-probabilities of the caller levels and the agent-act probabilities of the turn before (with
`--products` also their products: an act may change how a level reads). It is trained on the context rows of all authors but one and tested on
that one (leave one author out), only over authors the classifier never trained on, so that neither part
has seen the tested author; the cross-author test authors (`HELD_OUT_AUTHORS`) are left out of that and tested last,
with the head trained on all the others. Reported: caller macro-F1 and dreiging recall on the context rows, the
classifier alone against the classifier with the context head, on the written text and on its ASR
transcript (the turn before is read as written).

    python -m eval.eval_context --model-dir DIR [--authors brabant haags utrecht] [--products] [--c 1.0]

The shipped classifier trains on every author but the cross-author test, so measure a model trained
without some: the model card's figures are of 0.3 (`vpd train fit --authors
ambtenaar,amsterdam,friesland,nt2,vlaams --out DIR`).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.nlp.model_classifier import NormMatrixClassifier
from vpd_speech.training import AUTHORS_ASR, HELD_OUT_AUTHORS
from vpd_speech.training.examples import read_asr, read_authors


def features(clf: NormMatrixClassifier, texts: list[str], contexts: list[str], products: bool) -> np.ndarray:
    """Per row: log-probabilities of the caller levels, act probabilities of the turn before (and products)."""
    level = np.log(np.clip(clf.predict_proba(texts, "caller"), 1e-6, 1.0))
    act = clf.predict_proba(contexts, "agent")
    parts = [level, act] + ([(level[:, :, None] * act[:, None, :]).reshape(len(texts), -1)] if products else [])
    return np.hstack(parts)


def heard(x: dict, y: dict, train: list[str], tested: list[str], c: float) -> tuple[list, list, list]:
    """The context head trained on the rows of `train`, tested on those of `tested`: truth, the classifier's
    labels alone, the head's labels."""
    labels = list(CALLER_LABELS)
    head = LogisticRegression(C=c, max_iter=3000)
    head.fit(np.vstack([x[a] for a in train]), [label for a in train for label in y[a]])
    z = np.vstack([x[a] for a in tested])
    truth = [label for a in tested for label in y[a]]
    return truth, [labels[i] for i in np.argmax(z[:, : len(labels)], axis=1)], list(head.predict(z))


def scores(y: list[str], predicted: list[str]) -> str:
    labels = list(CALLER_LABELS)
    f1 = f1_score(y, predicted, labels=labels, average="macro", zero_division=0)
    threat = recall_score(y, predicted, labels=["dreiging"], average="macro", zero_division=0)
    return f"{f1:.3f} | {threat:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.eval_context", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", help="trained norm-matrix parts (default: the shipped model)")
    ap.add_argument("--authors", nargs="+", help="authors to measure (default: all the model did not train on)")
    ap.add_argument("--products", action="store_true", help="also the products of level and act (more features)")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the context head")
    args = ap.parse_args(argv)
    clf = NormMatrixClassifier(model_dir=args.model_dir)
    trained = set(clf.config.get("train", {}).get("authors", []))
    passes = read_authors()
    authors = [a for a in args.authors or passes if a not in trained and a not in HELD_OUT_AUTHORS]
    if overlap := trained & set(authors):
        sys.exit(f"the model trained on {', '.join(sorted(overlap))}: measure only authors it never saw")
    asr = read_asr(AUTHORS_ASR)
    if len(authors) < 2:
        sys.exit(
            "needs a model that did not train on at least two authors besides the cross-author test: train one "
            "with `vpd train fit --authors ... --out DIR` and pass --model-dir DIR"
        )
    test = [a for a in HELD_OUT_AUTHORS if a not in trained]
    rows = {a: [r for r in passes[a] if r["role"] == "caller" and r["context"].strip()] for a in authors + test}
    print(f"context rows: {', '.join(f'{a} {len(r)}' for a, r in rows.items())}\n")
    print(
        "| text | tested on | rows | alone: macro-F1 | dreiging recall | with context head: macro-F1 | dreiging recall |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for view in ("written", "ASR"):
        texts = {a: [asr.get(r["id"], "") if view == "ASR" else r["text"] for r in rs] for a, rs in rows.items()}
        x = {a: features(clf, texts[a], [r["context"] for r in rs], args.products) for a, rs in rows.items()}
        y = {a: [r["label"] for r in rs] for a, rs in rows.items()}

        folds = [heard(x, y, [a for a in authors if a != held_out], [held_out], args.c) for held_out in authors]
        truth, alone, with_context = ([v for fold in folds for v in fold[k]] for k in range(3))
        print(
            f"| {view} | each of {', '.join(authors)} | {len(truth)} | {scores(truth, alone)} | {scores(truth, with_context)} |"
        )
        if test:
            truth, alone, with_context = heard(x, y, authors, test, args.c)
            print(
                f"| {view} | {', '.join(test)} (test) | {len(truth)} | {scores(truth, alone)} | {scores(truth, with_context)} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
