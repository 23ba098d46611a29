"""Compare ways to run the multilingual-e5-small encoder on CPU: speed, memory, size, agreement.

Candidates, all on the same texts (caller utterances of the dev split of eval/data/corpus.tsv), the same
threads (2), max length (model_classifier.MAX_LENGTH), prefix "query: ", mean pooling and L2 normalisation:

    shipped    vpd_speech/nlp/bert.py + model_classifier.quantize_int8, loaded by model_classifier.load_encoder
               exactly as NormMatrixClassifier does (memory-mapped weights, float pages dropped after quantizing)
    fp32       the same bert.py encoder in float32 (the reference for agreement)
    torch-dq   the float32 encoder through torch.ao.quantization.quantize_dynamic (nn.Linear, qint8, in place;
               float pages dropped as for shipped)
    ort-fp32   the float32 encoder exported to ONNX (torch.onnx.export, TorchScript exporter) run by ONNX Runtime
    ort-int8   that ONNX file through onnxruntime.quantization.quantize_dynamic (QInt8 weights), ONNX Runtime

The ONNX candidates tokenize with the same tokenizer (model_classifier.BatchTokenizer's `tokenizers` object, to
numpy) and never import torch. Export needs the `onnx` package (not a project dependency); the files are cached
in --onnx-dir.

Each candidate runs in its own fresh subprocess (started one after another, so loads do not compete), which
then serves timing commands; the parent interleaves the candidates batch by batch and text by text (order rotated each time),
because other jobs share the machine and its 2 cores. Per candidate:
    import s    importing torch (or onnxruntime) and the project modules
    load s      building the encoder and tokenizer from disk (page cache warm)
    texts/s     throughput over all texts at --batch (length-sorted batches, as model_classifier.encode),
                median over --rounds passes
    ms @1       median latency of one text alone (--single texts)
    RSS         after imports; peak (ru_maxrss) and current after loading and embedding everything
"x shipped" is the median of the paired ratios to shipped (same round / same text); rounds are paired
as a whole, each one's batches interleaved. Each timed call waits --gap seconds first, so that the previous
candidate's spinning thread pool (OpenMP, ONNX Runtime) is idle and does not slow the next one.
Agreement: cosine of each candidate's batched embeddings to fp32 (mean, min); "alone vs batch" is the min
cosine between a text embedded alone and the same text in its batch (per-batch activation scales make
outputs depend on the batch); caller-label agreement runs NormMatrixClassifier's heads on each candidate's
embeddings (labels equal to fp32's and to shipped's, accuracy against the corpus label).

    PYTHONPATH=. .venv/bin/python -m eval.bench_encoder [--rounds 3] [--batch 16] [--single 40]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval" / "data" / "corpus.tsv"
CANDIDATES = ("shipped", "fp32", "torch-dq", "ort-fp32", "ort-int8")
TORCH_CANDIDATES = ("shipped", "fp32", "torch-dq")
ONNX_FILES = {"ort-fp32": "e5-fp32.onnx", "ort-int8": "e5-int8.onnx"}


def dev_caller_texts(limit: int | None = None) -> tuple[list[str], list[str]]:
    with open(CORPUS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = [r for r in rows if r["split"] == "dev" and r["role"] == "caller"]
    return [r["text"] for r in rows[:limit]], [r["label"] for r in rows[:limit]]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- loading the candidates


def load_torch(name: str, encoder_dir: Path, threads: int):
    import mmap

    import torch

    from vpd_speech.nlp.model_classifier import load_encoder

    torch.set_num_threads(threads)
    if name == "shipped":
        return load_encoder(encoder_dir, None, {"quantize": "int8"})
    if name == "fp32":
        return load_encoder(encoder_dir, None, {})
    # torch-dq: load_encoder's steps, then torch's dynamic quantization instead of quantize_int8
    from torch.ao.quantization import quantize_dynamic

    from vpd_speech.nlp.bert import BertConfig, bert_encoder
    from vpd_speech.nlp.model_classifier import BatchTokenizer, mapped_safetensors

    tokenizer = BatchTokenizer(encoder_dir / "tokenizer.json")
    state, mapped = mapped_safetensors(encoder_dir / "model.safetensors")
    with torch.device("meta"):
        model = bert_encoder(BertConfig.from_folder(encoder_dir))
    model.load_state_dict(state, strict=False, assign=True)
    model.eval()
    model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)  # no deepcopy of the map
    mapped.madvise(mmap.MADV_DONTNEED)
    return tokenizer, model


def torch_embed(tokenizer, model, texts, batch: int) -> np.ndarray:
    from vpd_speech.nlp.model_classifier import encode

    x = encode(tokenizer, model, texts, batch)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def load_ort(path: Path, encoder_dir: Path, threads: int):
    import onnxruntime as ort

    from vpd_speech.nlp.model_classifier import BatchTokenizer

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return BatchTokenizer(encoder_dir / "tokenizer.json"), session


def ort_embed(tokenizer, session, texts, batch: int) -> np.ndarray:
    """model_classifier.encode with ONNX Runtime: same prefix, length sort, truncation, padding and pooling."""
    from vpd_speech.nlp.model_classifier import MAX_LENGTH, PREFIX

    tok = tokenizer.tokenizer
    tok.enable_truncation(MAX_LENGTH)
    tok.enable_padding(pad_id=tokenizer.pad_id, pad_token="<pad>")
    prefixed = [PREFIX + t for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(prefixed[i]))
    out = np.empty((len(texts), 384), dtype=np.float32)
    for start in range(0, len(texts), batch):
        idx = order[start : start + batch]
        enc = tok.encode_batch([prefixed[i].strip() for i in idx])
        ids = tokenizer.e5_ids[np.array([e.ids for e in enc], dtype=np.int64)]
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
        m = mask[:, :, None].astype(np.float32)
        out[idx] = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


# ----------------------------------------------------------------------------- one subprocess per candidate


def worker(name: str, encoder_dir: Path, onnx_dir: Path, threads: int, batch: int, out: Path) -> None:
    """Load one candidate, then serve the parent's timing commands on stdin (one JSON reply per line):
    "batch K" (the K-th length-sorted batch of `batch` texts), "single I" (text I alone), "stats" (RSS, embeddings written to `out`)."""
    t0 = time.perf_counter()
    if name in TORCH_CANDIDATES:
        import torch  # noqa: F401

        import vpd_speech.nlp.bert
        import vpd_speech.nlp.model_classifier

        embed = torch_embed
    else:
        import onnxruntime  # noqa: F401

        import vpd_speech.nlp.model_classifier  # noqa: F401

        embed = ort_embed
    t_import = time.perf_counter() - t0
    rss_import = rss_mb()
    t0 = time.perf_counter()
    if name in TORCH_CANDIDATES:
        tokenizer, model = load_torch(name, encoder_dir, threads)
    else:
        tokenizer, model = load_ort(onnx_dir / ONNX_FILES[name], encoder_dir, threads)
    t_load = time.perf_counter() - t0
    rss_load = rss_mb()
    texts, _ = dev_caller_texts()
    embed(tokenizer, model, texts[:batch], batch)  # warm-up
    from vpd_speech.nlp.model_classifier import PREFIX

    order = sorted(range(len(texts)), key=lambda i: len(PREFIX + texts[i]))
    emb, alone = np.zeros((len(texts), 384), dtype=np.float32), {}
    print(json.dumps({"import_s": t_import, "load_s": t_load, "rss_import": rss_import, "rss_load": rss_load}),
          flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            break
        t0 = time.perf_counter()
        if cmd[0] == "batch":  # batch K of the length-sorted texts, as model_classifier.encode makes them
            idx = order[int(cmd[1]) * batch : (int(cmd[1]) + 1) * batch]
            emb[idx] = embed(tokenizer, model, [texts[i] for i in idx], batch)
            reply = {"s": time.perf_counter() - t0}
        elif cmd[0] == "single":
            i = int(cmd[1])
            alone[i] = embed(tokenizer, model, [texts[i]], 1)[0]
            reply = {"s": time.perf_counter() - t0}
        else:  # stats
            idx = sorted(alone)
            np.savez(out, batch=emb, alone=np.stack([alone[i] for i in idx]), alone_idx=np.array(idx))
            reply = {"peak_rss": peak_rss_mb(), "rss_end": rss_mb(), "torch_imported": "torch" in sys.modules}
        print(json.dumps(reply), flush=True)


# ----------------------------------------------------------------------------- ONNX files


def build_onnx(encoder_dir: Path, onnx_dir: Path, threads: int) -> dict:
    """Export fp32 ONNX and quantize it (once; reused while both files exist). Returns seconds per step."""
    fp32, int8 = onnx_dir / ONNX_FILES["ort-fp32"], onnx_dir / ONNX_FILES["ort-int8"]
    times = {}
    onnx_dir.mkdir(parents=True, exist_ok=True)
    if not fp32.is_file():
        import torch

        tokenizer, model = load_torch("fp32", encoder_dir, threads)
        enc = tokenizer(["query: een voorbeeldzin om te exporteren", "query: kort"], max_length=128)
        t0 = time.perf_counter()
        torch.onnx.export(
            model,
            (enc["input_ids"], enc["attention_mask"]),
            str(fp32),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "last_hidden_state": {0: "batch", 1: "seq"}},
            opset_version=17,
        )
        times["export_s"] = time.perf_counter() - t0
    if not int8.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        t0 = time.perf_counter()
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        times["quantize_s"] = time.perf_counter() - t0
    return times


def disk_mb(paths) -> float:
    return sum(p.stat().st_size for p in paths) / 2**20


# ----------------------------------------------------------------------------- the report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder-dir", type=Path, default=None, help="default: vpd_speech.nlp.e5.default_model_dir()")
    ap.add_argument("--onnx-dir", type=Path, default=Path(tempfile.gettempdir()) / "vpd-bench-encoder")
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--single", type=int, default=40, help="texts timed alone (batch 1)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--gap", type=float, default=0.05, help="idle seconds before each timed call")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    from vpd_speech.nlp.e5 import default_model_dir

    encoder_dir = args.encoder_dir or default_model_dir()
    if args.worker:
        worker(args.worker, encoder_dir, args.onnx_dir, args.threads, args.batch, args.out)
        return

    names = [n for n in args.candidates.split(",") if n]
    build = build_onnx(encoder_dir, args.onnx_dir, args.threads) if any(n in ONNX_FILES for n in names) else {}
    texts, gold = dev_caller_texts()
    print(f"{len(texts)} dev caller texts, batch {args.batch}, {args.single} timed alone, {args.threads} threads, "
          f"{args.rounds} rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"ONNX in {args.onnx_dir} {build or '(cached)'}", flush=True)

    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": str(args.threads)}
    emb_dir = Path(tempfile.mkdtemp(prefix="bench-encoder-"))
    procs, info = {}, {}
    for name in names:  # started one after another, so that no two loads compete
        cmd = [sys.executable, "-m", "eval.bench_encoder", "--worker", name, "--out", str(emb_dir / f"{name}.npz"),
               "--encoder-dir", str(encoder_dir), "--onnx-dir", str(args.onnx_dir), "--batch", str(args.batch),
               "--threads", str(args.threads)]
        procs[name] = subprocess.Popen(cmd, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        info[name] = json.loads(procs[name].stdout.readline() or "null") or sys.exit(f"{name} failed to load")

    def ask(name: str, command: str) -> dict:
        time.sleep(args.gap)  # let the previous candidate's spinning worker threads go idle first
        procs[name].stdin.write(command + "\n")
        procs[name].stdin.flush()
        return json.loads(procs[name].stdout.readline() or "null") or sys.exit(f"{name} failed on {command}")

    rates: dict[str, list[float]] = {n: [] for n in names}
    single: dict[str, list[float]] = {n: [] for n in names}
    n_batches = -(-len(texts) // args.batch)
    for r in range(args.rounds):  # candidates interleaved batch by batch, order rotated each batch
        spent = dict.fromkeys(names, 0.0)
        for k in range(n_batches):
            j = (k + r) % len(names)
            for name in names[j:] + names[:j]:
                spent[name] += ask(name, f"batch {k}")["s"]
        for name in names:
            rates[name].append(len(texts) / spent[name])
        print(f"  round {r + 1}: " + "  ".join(f"{n} {rates[n][-1]:.1f}/s" for n in names), file=sys.stderr, flush=True)
    for i in range(args.single):
        order = names[i % len(names):] + names[: i % len(names)]
        for name in order:
            single[name].append(ask(name, f"single {i}")["s"])
    for name in names:
        info[name].update(ask(name, "stats"))
        procs[name].stdin.close()
        procs[name].wait()

    def paired(values: dict[str, list[float]], name: str) -> float:
        if "shipped" not in values:
            return float("nan")
        return statistics.median(a / b for a, b in zip(values[name], values["shipped"]))

    emb = {n: np.load(emb_dir / f"{n}.npz") for n in names}
    ref = emb["fp32"]["batch"] if "fp32" in emb else None

    labels = {}
    try:
        from vpd_speech.nlp.model_classifier import NormMatrixClassifier

        clf = NormMatrixClassifier(threads=args.threads)
        for n in names:
            clf.embed = lambda _texts, e=emb[n]["batch"]: e.copy()
            labels[n] = [c.label for c in clf.classify(texts, "caller")]
    except Exception as exc:  # noqa: BLE001 - the table is still useful without labels
        print(f"(no caller labels: {exc})", file=sys.stderr)

    sizes = {n: disk_mb([encoder_dir / "model.safetensors", encoder_dir / "tokenizer.json"]) for n in TORCH_CANDIDATES}
    for n, f in ONNX_FILES.items():
        if (args.onnx_dir / f).is_file():
            sizes[n] = disk_mb([args.onnx_dir / f, encoder_dir / "tokenizer.json"])

    print()
    print("| candidate | texts/s @16 | x shipped | ms @1 | x shipped | load s | import s | peak RSS MB | x shipped "
          "| RSS after import MB | RSS at end MB | disk MB | cos fp32 mean | cos fp32 min | alone vs batch min cos "
          "| caller = fp32 | caller = shipped | caller acc |")
    print("|" + "---|" * 18)
    for n in names:
        e = emb[n]
        cos = (e["batch"] * ref).sum(1) if ref is not None else np.array([np.nan])
        alone = (e["alone"] * e["batch"][e["alone_idx"]]).sum(1).min()
        lab = labels.get(n)
        agree_fp32 = np.mean([a == b for a, b in zip(lab, labels["fp32"])]) if lab and "fp32" in labels else np.nan
        agree_ship = np.mean([a == b for a, b in zip(lab, labels["shipped"])]) if lab and "shipped" in labels else np.nan
        acc = np.mean([a == b for a, b in zip(lab, gold)]) if lab else np.nan
        i = info[n]
        peak_x = i["peak_rss"] / info["shipped"]["peak_rss"] if "shipped" in info else float("nan")
        print(f"| {n} | {statistics.median(rates[n]):.1f} | {paired(rates, n):.2f} "
              f"| {1000 * statistics.median(single[n]):.1f} | {paired(single, n):.2f} "
              f"| {i['load_s']:.2f} | {i['import_s']:.2f} | {i['peak_rss']:.0f} | {peak_x:.2f} "
              f"| {i['rss_import']:.0f} | {i['rss_end']:.0f} | {sizes.get(n, float('nan')):.0f} | {cos.mean():.4f} | {cos.min():.4f} "
              f"| {alone:.4f} | {agree_fp32:.3f} | {agree_ship:.3f} | {acc:.3f} |")
    print()
    print("torch imported in the ONNX workers:",
          {n: info[n]["torch_imported"] for n in names if n in ONNX_FILES})


if __name__ == "__main__":
    main()
