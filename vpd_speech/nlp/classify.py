"""The classifier interface: one call over a batch of texts of one role (and each text's turn before).

Caller texts get a norm-matrix level, agent texts a werkinstructie act. Any implementation
(marker rules, a fine-tuned encoder) plugs into the pipeline through `load_classifier`.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Protocol

from vpd_speech.labels import Role
from vpd_speech.schema import Classification, Utterance


class Classifier(Protocol):
    name: str

    def classify(self, texts: Sequence[str], role: Role, contexts: Sequence[str] | None = None) -> list[Classification]:
        """Classify each text; the result list is aligned with `texts`. `contexts`: each text's turn before
        (`turns_before`; "" where none), which a classifier may read or ignore."""
        ...


def turns_before(utterances: Sequence[Utterance]) -> list[str]:
    """Per utterance: for a caller's, the text of the agent's last utterance that began before it (what the
    caller answers); "" for the agent's own and for a caller's before the agent spoke."""
    out, last_agent = [""] * len(utterances), ""
    for i in sorted(range(len(utterances)), key=lambda i: utterances[i].start):
        if utterances[i].role == "agent":
            last_agent = utterances[i].text
        else:
            out[i] = last_agent
    return out


def classifier_class(kind: str) -> type:
    """The class of a configured classifier kind: "markers" (rules with evidence) or "norm_matrix" (trained e5 heads)."""
    if kind == "markers":
        from vpd_speech.nlp.markers import MarkerClassifier

        return MarkerClassifier
    if kind == "norm_matrix":
        from vpd_speech.nlp.model_classifier import NormMatrixClassifier

        return NormMatrixClassifier
    raise ValueError(f"unknown classifier {kind!r}: choose 'markers' or 'norm_matrix'")


def classifier_options(kind: str) -> list[str]:
    """The `[classifier] options` a kind accepts: its constructor's keyword arguments."""
    params = inspect.signature(classifier_class(kind).__init__).parameters
    return [name for name in params if name != "self"]


def load_classifier(kind: str, **options) -> Classifier:
    """Build the configured classifier; an option the kind does not take is an error, not ignored."""
    unknown = sorted(set(options) - set(classifier_options(kind)))
    if unknown:
        raise ValueError(f"classifier {kind!r} has no option {', '.join(unknown)} "
                         f"(it takes: {', '.join(classifier_options(kind))})")
    return classifier_class(kind)(**options)
