"""The classifier interface: one call over a batch of texts of one role.

Caller texts get a norm-matrix level, agent texts a werkinstructie act. Any implementation
(marker rules, a fine-tuned encoder) plugs into the pipeline through `load_classifier`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from vpd_speech.labels import Role
from vpd_speech.schema import Classification


class Classifier(Protocol):
    name: str

    def classify(self, texts: Sequence[str], role: Role) -> list[Classification]:
        """Classify each text; the result list is aligned with `texts`."""
        ...


def load_classifier(kind: str, **options) -> Classifier:
    """Build the configured classifier: "markers" (rules with evidence) or "norm_matrix" (fine-tuned e5)."""
    if kind == "markers":
        from vpd_speech.nlp.markers import MarkerClassifier

        return MarkerClassifier(**options)
    if kind == "norm_matrix":
        from vpd_speech.nlp.model_classifier import NormMatrixClassifier

        return NormMatrixClassifier(**options)
    raise ValueError(f"unknown classifier {kind!r}: choose 'markers' or 'norm_matrix'")
