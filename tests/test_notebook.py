"""notebooks/quarterly_review.ipynb runs headless (nbclient) on a seeded store and reproduces the figures of
`vpd review` exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench_store import seed_history
from vpd_speech.store.database import Store
from vpd_speech.store.review import quarterly_review

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "quarterly_review.ipynb"


def test_quarterly_notebook_matches_review(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    db = tmp_path / "vpd.sqlite"
    with Store.open(db) as store:
        seed_history(store, b"notebook-key", n_background=500)
        expected = quarterly_review(store, "2026Q2").figures()
    out = tmp_path / "figures.json"
    monkeypatch.setenv("VPD_STORE", str(db))
    monkeypatch.setenv("VPD_QUARTER", "2026Q2")
    monkeypatch.setenv("VPD_FIGURES_OUT", str(out))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline (PNG outputs), headless
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    got = json.loads(out.read_text())
    assert got == expected
    assert expected["pattern_callers"] and sum(expected["incident_totals"].values()) > 0
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 2  # the plots were drawn
