"""The norm matrix and the werkinstructie: the label sets every stage shares."""

from __future__ import annotations

from typing import Literal

Role = Literal["agent", "caller"]

# Caller levels: index == level of the norm matrix.
CALLER_LABELS: tuple[str, ...] = ("neutraal", "emotie_ik", "kritiek_jullie", "agressie_jij", "dreiging")
LEVEL_OF: dict[str, int] = {label: level for level, label in enumerate(CALLER_LABELS)}

# Agent acts: the steps of the werkinstructie.
AGENT_ACTS: tuple[str, ...] = (
    "erkennen_emotie",
    "uitleggen",
    "mogelijkheden",
    "afronden",
    "gedrag_benoemen",
    "grens_stellen",
    "gesprek_beeindigen",
    "overig",
)

# Approach of the werkinstructie per level (organisation norm column of the matrix).
APPROACH: dict[int, str] = {
    1: "OMBUIGEN",
    2: "OMBUIGEN",
    3: "GRENS STELLEN",
    4: "GRENS STELLEN EN EINDE GESPREK",
}

# Dutch display names, for reports and the terminal.
LEVEL_NAMES_NL: dict[int, str] = {
    0: "neutraal",
    1: "emotie (ik)",
    2: "kritiek (jullie)",
    3: "agressie (jij)",
    4: "dreiging",
}
ROLE_NAMES_NL: dict[str, str] = {"agent": "medewerker", "caller": "burger"}


def labels_for(role: Role) -> tuple[str, ...]:
    """The label set a classifier predicts for a speaker role."""
    return CALLER_LABELS if role == "caller" else AGENT_ACTS
