"""Benchmark the norm-matrix classifier on CPU: model load time and utterances/s at batch inference.

Uses ~15-word Dutch contact-centre utterances (eval.bench_e5's generator), torch limited to --threads.
Prints load time (encoder + int8 quantization + heads), throughput for callers and agents (median of
--repeat runs; includes the marker layer, which supplies evidence and features), for both as the pipeline
classifies a call (agent turns first, then each caller turn with the agent's turn before it: since 0.9 the
caller head reads that turn, embedded once) and single-utterance latency, next to the marker rules alone.

    .venv/bin/python -m eval.bench_classifier [--n 512] [--threads 2] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model-dir", default=None)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    import torch

    t_import = time.perf_counter() - t0
    torch.set_num_threads(args.threads)
    from eval.bench_e5 import utterances
    from vpd_speech.nlp.markers import MarkerClassifier
    from vpd_speech.nlp.model_classifier import NormMatrixClassifier

    t0 = time.perf_counter()
    clf = NormMatrixClassifier(model_dir=args.model_dir, threads=args.threads, batch_size=args.batch_size)
    load = time.perf_counter() - t0
    texts = utterances(args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    clf.classify(texts[:64], "caller")  # warm-up

    def rate(fn, n: int = len(texts)) -> float:
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            runs.append(n / (time.perf_counter() - t))
        return statistics.median(runs)

    caller = rate(lambda: clf.classify(texts, "caller"))
    agent = rate(lambda: clf.classify(texts, "agent"))
    # as the pipeline classifies a call: the agent's turns, then each caller turn with the agent's turn before it
    before = utterances(2 * args.n)[args.n:]
    call = rate(lambda: (clf.classify(before, "agent"), clf.classify(texts, "caller", before)), 2 * len(texts))
    markers = MarkerClassifier()
    rules = rate(lambda: markers.classify(texts, "caller"))
    single = []
    for t in texts[:30]:
        s = time.perf_counter()
        clf.classify([t], "caller")
        single.append(time.perf_counter() - s)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; import torch {t_import:.2f} s")
    print(f"model load       {load:.2f} s  (tokenizer, encoder, int8 linear layers, heads)")
    print(f"utterances       {len(texts)} x {words:.1f} words, batch {args.batch_size}")
    print(f"throughput       caller {caller:.1f} utt/s, agent {agent:.1f} utt/s (median of {args.repeat})")
    print(f"a call's turns   {call:.1f} utt/s (agent turns, then caller turns read after their turn before)")
    print(f"single utterance {1000 * statistics.median(single):.1f} ms")
    print(f"marker rules     {rules:.0f} utt/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
