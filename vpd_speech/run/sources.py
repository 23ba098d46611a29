"""Where call audio comes from: local files and folders, or URLs of any fsspec filesystem (s3://, gs://, file://...).

A local path is read in place. A remote file is copied to a temporary local file under its own name before
decoding, so its call_id and file name are the same as if it had been local.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

AUDIO_EXTENSIONS = {
    ".wav",
    ".flac",
    ".mp3",
    ".ogg",
    ".oga",
    ".opus",
    ".m4a",
    ".aac",
    ".mp4",
    ".wma",
    ".au",
    ".aif",
    ".aiff",
}

Source = Path | str  # a local path, or the URL of a file on an fsspec filesystem


def as_source(text: str) -> Source:
    """A command-line argument as a source: a URL stays a string (Path would fold its '//'), anything else a Path."""
    return text if "://" in text else Path(text)


def source_name(source: Source) -> str:
    """The file name of a source: what call ids, sidecar metadata and reports know a call by."""
    if isinstance(source, Path):
        return source.name
    return PurePosixPath(urlsplit(source).path).name


def list_audio(sources: Sequence[Source]) -> list[Source]:
    """Audio files among the sources (files as given; folders searched recursively by extension).

    In a folder every entry with an audio extension is listed, also a broken symbolic link or a folder named
    like `x.wav`: the batch reports those as error records (`unreadable_reason`) instead of skipping them
    without a word."""
    files: list[Source] = []
    for src in sources:
        if isinstance(src, str):
            files += _list_url(src)
        elif src.is_dir():
            files += sorted(p for p in src.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS)
        elif src.exists():
            files.append(src)
        else:
            raise FileNotFoundError(f"no such file or folder: {src}")
    return list(dict.fromkeys(files))


def unreadable_reason(source: Source) -> str | None:
    """Why a listed local path is not an audio file that can be read (a broken link, a folder named like
    audio, a pipe or device), checked before its bytes are read; None for a regular file or a URL."""
    if not isinstance(source, Path):
        return None
    if source.is_symlink() and not source.exists():
        return f"broken symbolic link: it points to {os.readlink(source)}, which does not exist"
    if source.is_dir():
        return "a folder with an audio file name, not an audio file"
    if not source.exists():
        return "file not found (removed after it was listed?)"
    if not source.is_file():
        return "not a regular file (a pipe, socket or device)"
    return None


def relative_name(source: Source, roots: Sequence[Source]) -> str:
    """The path of a listed file relative to the source folder it was found in, with '/' separators
    ('2026-11-03/call.wav'); a file given directly is known by its name. Sidecar metadata is keyed by it."""
    path = _plain(source)
    for root in roots:
        base = _plain(root)
        if base[0] == path[0] and path[1] != base[1] and path[1].is_relative_to(base[1]):
            return path[1].relative_to(base[1]).as_posix()
    return source_name(source)


def _plain(source: Source) -> tuple[str, PurePosixPath]:
    """(filesystem, absolute path) of a source, so a file and the folder it was listed from compare."""
    if isinstance(source, Path):
        return "local", PurePosixPath(source.absolute().as_posix())
    import fsspec

    fs, path = fsspec.core.url_to_fs(source)
    if _is_local(fs):
        return "local", PurePosixPath(Path(path).absolute().as_posix())
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol, PurePosixPath("/" + path.strip("/"))


def _list_url(url: str) -> list[Source]:
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    if _is_local(fs):
        return list_audio([Path(root)])
    if fs.isdir(root):
        found = sorted(p for p in fs.find(root) if PurePosixPath(p).suffix.lower() in AUDIO_EXTENSIONS)
        return [fs.unstrip_protocol(p) for p in found]
    if fs.isfile(root):
        return [url]
    raise FileNotFoundError(f"no such file or folder: {url}")


def _is_local(fs) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def source_sha256(source: Source) -> str:
    """SHA-256 of the audio bytes: the key that makes scoring resumable whatever the file is called."""
    from vpd_speech.audio.decode import file_sha256, stream_sha256

    if isinstance(source, Path):
        return file_sha256(source)
    import fsspec

    with fsspec.open(source, "rb") as f:
        return stream_sha256(f)


@contextmanager
def local_copy(source: Source) -> Iterator[Path]:
    """A local path to the source's bytes: the file itself, or a temporary copy (removed afterwards) of a URL."""
    if isinstance(source, Path):
        yield source
        return
    import fsspec

    fs, path = fsspec.core.url_to_fs(source)
    if _is_local(fs):
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="vpd-audio-") as tmp:
        dest = Path(tmp) / source_name(source)
        with fs.open(path, "rb") as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield dest
