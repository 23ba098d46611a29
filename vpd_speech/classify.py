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
    """Build the configured classifier. `kind` is "markers" (rules with evidence) or a trained model name."""
    if kind == "markers":
        from vpd_speech.markers import MarkerClassifier

        return MarkerClassifier(**options)
    raise ValueError(f"unknown classifier {kind!r}: choose 'markers'")
