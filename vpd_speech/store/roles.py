"""The three roles of the web app and what each may open (DESIGN.md, Privacy and law).

    agent        their own calls (calls.agent_id equal to the account's agent_id) and their own trend
    quality      every call: filters, full-text search, CSV export
    coordinator  what quality sees, and pattern callers, the quarterly review, incident drafts, the live
                 board and the audit log

No role sees figures per agent other than their own: per-agent results are for the agent's intervisie.
"""

from __future__ import annotations

ROLES = ("agent", "quality", "coordinator")
ROLE_NAMES_NL = {"agent": "medewerker", "quality": "kwaliteitsteam", "coordinator": "coördinator"}
# What each role may do; the web app asks `Account.may(what)` and nothing else decides.
PERMISSIONS: dict[str, frozenset[str]] = {
    "agent": frozenset({"own_calls", "trend"}),
    "quality": frozenset({"all_calls", "export"}),
    "coordinator": frozenset({"all_calls", "export", "patterns", "review", "incidents", "live", "audit"}),
}
