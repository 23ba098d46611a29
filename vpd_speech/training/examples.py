"""The corpus as training examples: reading the TSVs, three views per utterance (clean, ASR, augmented)."""
from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, labels_for
from vpd_speech.training import AUTHORS_DIR, DEFAULT_ASR_EXTRA


def read_tsv(path: Path | str) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line (no quoting: texts hold no tabs)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_asr(path: Path | str) -> dict[str, str]:
    """id -> ASR transcript from `asr_transcripts.tsv` (empty dict when the file is missing)."""
    path = Path(path)
    if not path.is_file():
        return {}
    return {r["id"]: r["text_asr"] for r in read_tsv(path) if r.get("id")}


def read_authors(folder: Path | str = AUTHORS_DIR) -> dict[str, list[dict[str, str]]]:
    """author -> the rows of `<folder>/<author>.tsv` in the corpus's shape: an id per row (`<family>-<n>`), the
    family as `group`, split "author" (training sets it to "train" for the authors it learns from)."""
    out = {}
    for path in sorted(Path(folder).glob("*.tsv")):
        if path.stem.startswith("asr_"):  # their transcripts
            continue
        rows, seen = [], {}
        for r in read_tsv(path):
            seen[r["family"]] = seen.get(r["family"], 0) + 1
            rows.append({**r, "id": f"{r['family']}-{seen[r['family']]}", "group": r["family"], "split": "author"})
        out[path.stem] = rows
    return out


def context_id(row_id: str) -> str:
    """The id of a row's turn before (its `context`) in a transcripts file: spoken and transcribed on its own."""
    return row_id + ".context"


def with_contexts(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The rows, each followed by its turn before as an agent row of its own (`context_id`), so that
    `vpd train asr --authors` speaks and transcribes the contexts as well."""
    out = []
    for r in rows:
        out.append(r)
        if (r.get("context") or "").strip():
            out.append({"id": context_id(r["id"]), "text": r["context"].strip(), "role": "agent",
                        "split": r.get("split", "")})
    return out


def heard_context(row: dict[str, str], asr: dict[str, str]) -> str:
    """A row's turn before as heard: its own transcript in `asr`, else as written ("" when it has none)."""
    written = (row.get("context") or "").strip()
    if not written:
        return ""
    return (asr.get(context_id(row["id"])) or "").strip() or written


def read_extra(paths: Sequence[Path | str] = DEFAULT_ASR_EXTRA) -> list[dict[str, str]]:
    """The extra training takes that exist (id -> transcript each)."""
    return [take for take in map(read_asr, paths) if take]


FILLERS = ("eh", "uh", "ehm", "nou", "ja", "hè", "zeg maar", "weet je")


_NUM_WORDS = {
    "een": "1", "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8",
    "negen": "9", "tien": "10", "elf": "11", "twaalf": "12", "twintig": "20", "honderd": "100",
}


_DIGIT_WORDS = {"0": "nul", "1": "een", "2": "twee", "3": "drie", "4": "vier", "5": "vijf", "6": "zes",
                "7": "zeven", "8": "acht", "9": "negen"}


_PUNCT = re.compile(r"[^\w\s'-]", re.UNICODE)


def _digits(words: list[str], rng: random.Random) -> list[str]:
    out = []
    for w in words:
        bare = w.lower().strip(".,!?")
        if bare in _NUM_WORDS and bare != "een" and rng.random() < 0.8:
            out.append(_NUM_WORDS[bare])
        elif bare.isdigit() and rng.random() < 0.5:
            out.append(" ".join(_DIGIT_WORDS[d] for d in bare))
        else:
            out.append(w)
    return out


def augment(text: str, rng: random.Random) -> str:
    """An ASR-like corruption of `text`: case, punctuation, fillers, repeats, dropped/swapped words, digits."""
    words = text.split()
    if len(words) > 1 and rng.random() < 0.35:  # a filler word
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
    if words and rng.random() < 0.25:  # a repetition ("ik ik ga")
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    if len(words) > 4 and rng.random() < 0.3:  # a dropped word
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.2:  # two neighbours swapped
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    if rng.random() < 0.3:
        words = _digits(words, rng)
    out = " ".join(words)
    if rng.random() < 0.6:
        out = out.lower()
    if rng.random() < 0.6:
        out = re.sub(r"\s+", " ", _PUNCT.sub(" ", out)).strip()
    return out or text


def hard_negative(row: dict) -> bool:
    """A caller utterance that looks worse than it is: a hard case whose true level is below 3."""
    from vpd_speech.labels import LEVEL_OF

    return row.get("role") == "caller" and bool((row.get("hard_case") or "").strip()) and LEVEL_OF.get(row["label"], 9) < 3


@dataclass
class Example:
    text: str
    role: str
    y: int
    kind: str  # clean | asr | aug
    weight: float = 1.0  # in the heads' loss; hard negatives may count more
    author: str = ""  # the author pass the row came from ("" for the corpus)
    context: str = ""  # the agent's turn before, in the same view (written, its transcript, augmented); "" if none
    hard_case: str = ""  # the row's hard-case type, e.g. self_harm


# Kinds of dreiging the caller heads learn as classes of their own: threats said as despair or as a compliment lie
# far from the other threats, and one dreiging class stretched over all of them also took in identity statements
# (session 19: identity at 3/4 on sixteen selection writers about 1.9% / 5.2% -> 0.7% / 2.1%, model card).
THREAT_SUBCLASSES = ("self_harm", "sexual")


def head_rows(role: str) -> list[str]:
    """The classes of a role's trained heads: its labels, and for callers one "dreiging:<kind>" row per
    `THREAT_SUBCLASSES` kind, merged back into dreiging at read time (`model_classifier.merge_rows`)."""
    labels = list(labels_for(role))
    return labels + [f"dreiging:{k}" for k in THREAT_SUBCLASSES] if role == "caller" else labels


def head_class(e: Example) -> int:
    """The head row an example trains: its label's, or its threat kind's own row."""
    rows = head_rows(e.role)
    sub = f"{rows[e.y]}:{e.hard_case}"
    return rows.index(sub) if sub in rows else e.y


def build_examples(rows: list[dict], asr: dict[str, str], split: str, seed: int, n_aug: int = 1,
                   kinds: Iterable[str] = ("clean", "asr", "aug"), extra: Sequence[dict[str, str]] = (),
                   hard_weight: float = 1.0) -> list[Example]:
    """The examples of one split: clean text, its ASR transcript (plus any `extra` takes), augmented copies;
    every view of a hard negative weighs `hard_weight`. A row's `context` (the turn before) goes with each view
    in the same form: as written, its own transcript in `asr` (`context_id`; as written when there is none),
    augmented (from its own random stream, so the texts' augmentations do not depend on the contexts)."""
    kinds = set(kinds)
    rng, context_rng = random.Random(seed), random.Random(seed + 1)
    out = []
    for r in rows:
        if r.get("split") != split or r.get("role") not in ("caller", "agent"):
            continue
        labels = CALLER_LABELS if r["role"] == "caller" else AGENT_ACTS
        if r["label"] not in labels:
            continue
        y = labels.index(r["label"])
        w = hard_weight if hard_negative(r) else 1.0
        author, hard = r.get("author", ""), (r.get("hard_case") or "").strip()
        context = (r.get("context") or "").strip()
        if "clean" in kinds:
            out.append(Example(r["text"], r["role"], y, "clean", w, author, context, hard))
        if "asr" in kinds:
            heard = heard_context(r, asr)
            for take in (asr, *extra):
                if take.get(r["id"], "").strip():
                    out.append(Example(take[r["id"]], r["role"], y, "asr", w, author, heard, hard))
        if "aug" in kinds:
            for _ in range(n_aug):
                out.append(Example(augment(r["text"], rng), r["role"], y, "aug", w, author,
                                   augment(context, context_rng) if context else "", hard))
    return out
