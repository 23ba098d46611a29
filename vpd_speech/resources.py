"""Folders shipped inside the package (pipeline files, lexicons, the trained heads, page templates).

Found with importlib.resources so that an installed wheel finds them as a source checkout does.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(package: str, name: str) -> Path:
    """The shipped file or folder `name` of `package` as a path (pip installs wheels unpacked)."""
    return Path(str(files(package).joinpath(name)))
