"""`vpd stream serve`: the WebSocket server for live calls (the `websockets` package, asyncio).

One Pipeline (one set of models) serves every call. Model work never runs on the event loop: one thread
(worker.py) does the live steps of all calls, the pieces of every call ready at that moment in one batched
transcription, another the final scoring of calls that ended, so a call that ends does not stall the live
ones. Each call has a bounded queue of PCM frames; when it is full the server
stops reading that connection, which slows the sender down (TCP backpressure) instead of filling memory.
A bad message or bad audio ends only its own call, with an error event that says why.

Security: loopback only by default. Another address needs `allow_remote` and a shared token (env
VPD_STREAM_TOKEN), sent as `Authorization: Bearer <token>` or as `token` in the start message. The monitor
(monitor.py, for the web app's live board) takes subscribers on this machine with their own token only.
Plain HTTP GET on the same port: `/metrics` (Prometheus text, metrics.py) and `/healthz`, with the stream's
token when one is set.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from vpd_speech.audio.decode import AudioError
from vpd_speech.config import PipelineConfig
from vpd_speech.pipeline import Pipeline
from vpd_speech.reports.outputs import write_call, write_tables
from vpd_speech.run.stream.alerts import AlertSink
from vpd_speech.run.stream.live import LiveCall
from vpd_speech.run.stream.metrics import Arrivals, Metrics
from vpd_speech.run.stream.monitor import MONITOR_TOKEN_ENV, Monitor, check_monitor_token
from vpd_speech.run.stream.protocol import (
    Alert,
    End,
    ErrorEvent,
    Final,
    ProtocolError,
    Ready,
    ServerEvent,
    Start,
    parse_client_message,
)
from vpd_speech.run.stream.worker import LiveWorker, StepDone
from vpd_speech.store.metadata import MetadataError, parse_started_at, pseudonymise

log = logging.getLogger("vpd_speech.run.stream")

TOKEN_ENV = "VPD_STREAM_TOKEN"
MAX_FRAME_BYTES = 4 << 20  # one PCM frame: 4 MiB is over 2 minutes of 8 kHz stereo
START_TIMEOUT_S = 30.0
METRICS_PATH, HEALTH_PATH = "/metrics", "/healthz"
CLOSE_POLICY, CLOSE_BAD_DATA, CLOSE_BUSY = 1008, 1007, 1013
# Live steps and final scoring run at the same time, so the OpenMP threads of CTranslate2 and torch share
# the cores; spinning while they wait (OpenMP's default) made the classifier's torch encoder ~25x slower
# (1 s instead of 0.04 s a sentence on 2 busy cores). Passive waiting costs CTranslate2 nothing measurable.
OMP_WAIT_POLICY = "PASSIVE"


def live_config(config: PipelineConfig) -> PipelineConfig:
    """The settings a stream server runs with: at least two recogniser workers, so that a live step never
    queues behind the final scoring of a call that ended (2 calls at once: p95 4.8 s -> 2.1 s)."""
    if config.asr.workers >= 2:
        return config
    return config.model_copy(update={"asr": config.asr.model_copy(update={"workers": 2})})


class ServeError(ValueError):
    """The server refuses to start with these settings; the message says what to change."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def check_bind(host: str, allow_remote: bool, token: str | None) -> None:
    """Loopback needs nothing; any other address needs the explicit flag and a shared token."""
    if is_loopback(host):
        return
    if not allow_remote:
        raise ServeError(
            f"refusing to listen on {host}: live calls are personal data, so the server listens on loopback only. "
            f"To accept other machines pass --allow-remote and set {TOKEN_ENV} to a shared secret."
        )
    if not token or len(token) < 16:
        raise ServeError(f"--allow-remote needs a shared token of at least 16 characters in {TOKEN_ENV}")


@dataclass
class _Stop:
    ended: str  # "end" (the client said so) or "dropped"


@dataclass
class _Feed:
    """What the connection reader hands the call's worker: PCM frames, then a _Stop."""

    queue: asyncio.Queue
    failed: str | None = None  # bad audio: the worker stopped reading the queue
    arrivals: Arrivals | None = None  # when the call's audio came in, to time its final events


class StreamServer:
    """Accepts live calls; results go to `out_dir` (and `store`) exactly as `vpd score` writes them.

    `pipeline` is the shared model instance; without one it is loaded (in the model thread) when the first
    call is accepted. `config.stream` holds the server's own settings."""

    def __init__(
        self,
        config: PipelineConfig,
        out_dir: Path | str,
        pipeline: Pipeline | None = None,
        store=None,
        token: str | None = None,
        pseudonym_key: bytes | None = None,
        monitor_token: str | None = None,
    ):
        self.config = config = live_config(config)
        self.options = config.stream
        self.pipeline = pipeline
        self.worker: LiveWorker | None = None  # the live steps of all calls; started with the first call
        self._loading = asyncio.Lock()
        self.out_dir = Path(out_dir)
        self.store = store
        self.token = token or None
        self.pseudonym_key = pseudonym_key
        o = self.options
        self.alerts = AlertSink(o.webhook_url, o.alert_log, timeout_s=o.webhook_timeout_s, retries=o.webhook_retries)
        self._final = ThreadPoolExecutor(1, thread_name_prefix="vpd-final")
        self.active: set[str] = set()
        self.metrics = Metrics()
        self._open_calls: dict[str, tuple[LiveCall, _Feed]] = {}  # for the gauges of /metrics
        self.n_written = 0
        self.monitor = Monitor(monitor_token)  # every event of every call, to the web app's live board

    # ------------------------------------------------------------------ running

    async def run(
        self, host: str, port: int, stop: asyncio.Event, ready: Callable[[int], None] | None = None, ssl=None
    ):
        """Serve until `stop` is set; then open calls are ended as dropped, scored and stored."""
        async with serve(
            self.handle, host, port, max_size=MAX_FRAME_BYTES, compression=None, ssl=ssl, process_request=self.http
        ) as server:
            if ready is not None:
                ready(server.sockets[0].getsockname()[1])
            await stop.wait()
        self.close()

    def close(self) -> None:
        """Finish the threads and the alert queue; rebuild the out folder's tables if calls were written."""
        if self.worker is not None:
            self.worker.close()
        self._final.shutdown()
        self.alerts.close()
        if self.n_written:
            write_tables(self.out_dir, parquet=self.config.output.parquet)

    # ------------------------------------------------------------------ one connection

    async def handle(self, ws: ServerConnection) -> None:
        if self.monitor.wants(ws):
            await self.monitor.serve(ws)
            return
        try:
            start, metadata = await self._open(ws)
        except ProtocolError as e:
            self.metrics.add("vpd_stream_calls_total", outcome="refused")
            await self._refuse(ws, None, str(e), CLOSE_POLICY)
            return
        except (TimeoutError, ConnectionClosed):
            return
        if start.call_id in self.active:
            self.metrics.add("vpd_stream_calls_total", outcome="refused")
            await self._refuse(ws, start.call_id, f"call {start.call_id} is already streaming", CLOSE_POLICY)
            return
        if len(self.active) >= self.options.max_calls:
            self.metrics.add("vpd_stream_calls_total", outcome="refused_busy")
            await self._refuse(
                ws,
                start.call_id,
                f"server busy: {len(self.active)} calls open, the most this server takes (stream.max_calls); "
                "try again later or another server",
                CLOSE_BUSY,
            )
            return
        self.active.add(start.call_id)
        self.metrics.add("vpd_stream_calls_total", outcome="accepted")
        self.monitor.opened(start.call_id, metadata)
        try:
            async with self._loading:  # the first calls wait for the one load of the models
                if self.pipeline is None:
                    loop = asyncio.get_running_loop()
                    self.pipeline = await loop.run_in_executor(self._final, Pipeline, self.config)
                if self.worker is None:
                    self.worker = LiveWorker(self.pipeline.transcriber.sharing_model(), self.options, self.metrics)
            await self._call(ws, LiveCall(self.pipeline, start, metadata, self.options, self.worker.transcriber))
        finally:
            self.active.discard(start.call_id)

    async def _open(self, ws: ServerConnection) -> tuple[Start, dict[str, str]]:
        message = await asyncio.wait_for(ws.recv(), START_TIMEOUT_S)
        if isinstance(message, bytes):
            raise ProtocolError("audio before the start message: send a JSON 'start' message first")
        start = parse_client_message(message)
        if not isinstance(start, Start):
            raise ProtocolError("the first message must be 'start'")
        if self.token is not None:
            header = ws.request.headers.get("Authorization", "") if ws.request else ""
            given = start.token or header.removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise ProtocolError("missing or wrong token")
        return start, self._metadata(start)

    def _metadata(self, start: Start) -> dict[str, str]:
        """Call metadata as the store wants it: started_at in UTC (default: now), the caller's number only
        as its keyed pseudonym, the agent channel from the start message."""
        meta = {k: v for k, v in start.metadata.items() if v and k not in ("caller_number", "agent_channel")}
        if "agent_channel" in start.metadata:
            raise ProtocolError("metadata: give agent_channel in the start message itself")
        try:
            started = parse_started_at(start.metadata.get("started_at", ""))
        except MetadataError as e:
            raise ProtocolError(f"metadata: {e}") from None
        meta["started_at"] = (started or datetime.now(UTC).replace(tzinfo=None, microsecond=0)).isoformat()
        if start.metadata.get("caller_number"):
            if self.pseudonym_key is None:
                raise ProtocolError(
                    "metadata: caller_number needs the pseudonym key on the server (VPD_PSEUDONYM_KEY or --key-file)"
                )
            ref = pseudonymise(start.metadata["caller_number"], self.pseudonym_key)
            if ref:
                meta["caller_ref"] = ref
        if start.agent_channel:
            meta["agent_channel"] = start.agent_channel
        return meta

    async def _call(self, ws: ServerConnection, live: LiveCall) -> None:
        """Read frames into the call's queue until 'end' or a dropped connection; the worker does the rest."""
        feed = _Feed(asyncio.Queue(self.options.queue_frames), arrivals=Arrivals())
        self._open_calls[live.call_id] = (live, feed)
        worker = asyncio.create_task(self._work(ws, live, feed))
        await self._send(ws, Ready(call_id=live.call_id))
        ended = "dropped"
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    if feed.failed is None:  # after bad audio the rest is ignored until the call is closed
                        await feed.queue.put(message)
                    continue
                try:
                    msg = parse_client_message(message)
                except ProtocolError as e:
                    await self._send(ws, ErrorEvent(call_id=live.call_id, message=str(e), fatal=False))
                    continue
                if isinstance(msg, End):
                    ended = "end"
                    break
                await self._send(
                    ws, ErrorEvent(call_id=live.call_id, message="the call is already started", fatal=False)
                )
        except ConnectionClosed:
            pass
        finally:
            if feed.failed is None:
                await feed.queue.put(_Stop(ended))
            try:
                await worker
            finally:
                self._open_calls.pop(live.call_id, None)

    async def _work(self, ws: ServerConnection, live: LiveCall, feed: _Feed) -> None:
        """Feed frames to the call, run a live step whenever enough audio came in, and finish the call."""
        loop = asyncio.get_running_loop()
        while True:
            items = [await feed.queue.get()]
            while not feed.queue.empty():
                items.append(feed.queue.get_nowait())
            try:
                for pcm in (i for i in items if isinstance(i, bytes)):
                    live.push(pcm)
                feed.arrivals.mark(live.buffer.n, time.monotonic())
            except AudioError as e:
                feed.failed = str(e)  # set before any await: the reader stops queueing at once
                await self._send(ws, ErrorEvent(call_id=live.call_id, message=feed.failed, fatal=True))
                break
            stop = next((i for i in items if isinstance(i, _Stop)), None)
            if stop is not None:
                break
            if live.due():
                await self._emit(ws, await self._step(live, feed))
        ended = "error" if feed.failed else stop.ended
        live.close_input()
        feed.arrivals.mark(live.buffer.n, time.monotonic())
        await self._emit(ws, await self._step(live, feed, flush=True))
        try:
            result, path = await loop.run_in_executor(self._final, self._finish, live, ended)
        except Exception as e:  # reported to the client and the log; the server goes on
            log.exception("call %s: final scoring failed", live.call_id)
            await self._send(ws, ErrorEvent(call_id=live.call_id, message=f"final scoring failed: {e}", fatal=True))
            return
        await self._emit(ws, live.final_alerts(result))
        t = result.timeline
        final = Final(
            call_id=result.call_id,
            status=result.status,
            error=result.error,
            path=str(path),
            duration_s=live.duration_s,
            max_level=t.max_level if t else None,
            max_label=t.max_label if t else None,
            advice=t.advice.advice if t and t.advice else None,
            n_utterances=len(result.utterances),
            ended=ended,
        )
        await self._send(ws, final)
        log.info(
            "call %s %s: %s", live.call_id, ended, final.model_dump_json(include={"status", "max_level", "advice"})
        )
        if feed.failed:
            await ws.close(CLOSE_BAD_DATA, "bad audio")

    async def _step(self, live: LiveCall, feed: _Feed, flush: bool = False) -> list[ServerEvent]:
        """Run a live step in the worker; an internal failure is reported and the call goes on. Each final
        piece's latency (from the arrival of its end to now, when its events go out) is recorded."""
        try:
            done: StepDone = await asyncio.wrap_future(self.worker.submit(live, flush))
        except Exception as e:  # a bug must not end the call: it is logged and the call goes on
            log.exception("call %s: live step failed", live.call_id)
            return [ErrorEvent(call_id=live.call_id, message=f"internal error in live processing: {e}", fatal=False)]
        now = time.monotonic()
        for end in done.final_ends:
            arrived = feed.arrivals.time_of(end)
            if arrived is not None:
                self.metrics.observe_latency(now - arrived)
        return done.events

    def _finish(self, live: LiveCall, ended: str):
        result = live.finish(ended)
        self.metrics.add("vpd_stream_calls_ended_total", ended=ended)
        path = write_call(result, self.out_dir)
        if self.store is not None:
            self.store.write_call(result)
        self.n_written += 1
        return result, path

    async def _emit(self, ws: ServerConnection, events: list[ServerEvent]) -> None:
        for event in events:
            if isinstance(event, Alert):
                self.metrics.add("vpd_stream_alerts_total")
                log.warning("ALERT call %s: %s at %.1f s", event.call_id, event.kind, event.time)
                self.alerts.send(event.model_dump(mode="json"))
            await self._send(ws, event)

    async def _send(self, ws: ServerConnection, event: ServerEvent, publish: bool = True) -> None:
        try:
            await ws.send(event.model_dump_json())
        except ConnectionClosed:
            pass  # the client is gone; scoring and alerts go on
        if publish:
            self.monitor.publish(event)

    # ------------------------------------------------------------------ plain HTTP: /metrics, /healthz

    def http(self, ws: ServerConnection, request: Request) -> Response | None:
        """Answer GET /metrics and /healthz as plain HTTP (the stream's token when one is set); anything
        else goes on to the WebSocket handshake (calls, the monitor)."""
        path = request.path.split("?", 1)[0]
        if path not in (METRICS_PATH, HEALTH_PATH):
            return None
        if self.token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return ws.respond(401, "missing or wrong token\n")
        if path == HEALTH_PATH:
            status, text = self.health()
            return ws.respond(status, text + "\n")
        response = ws.respond(200, self.metrics_text())
        del response.headers["Content-Type"]  # respond() says text/plain; Prometheus wants its version too
        response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
        return response

    def health(self) -> tuple[int, str]:
        """For a load balancer: 200 while calls are taken, 503 when full or when the live worker died."""
        if self.worker is not None and not self.worker.alive:
            return 503, "live worker stopped"
        if len(self.active) >= self.options.max_calls:
            return 503, f"full: {len(self.active)} of {self.options.max_calls} calls (stream.max_calls)"
        return 200, f"ok: {len(self.active)} of {self.options.max_calls} calls"

    def metrics_text(self) -> str:
        """/metrics: the counters and latencies, with the gauges of this moment."""
        behind = {c: round(live.behind_s, 3) for c, (live, _) in self._open_calls.items()}
        gauges = {
            "vpd_stream_calls_open": len(self.active),
            "vpd_stream_calls_max": self.options.max_calls,
            "vpd_stream_worker_queue": self.worker.waiting if self.worker else 0,
            "vpd_stream_behind_seconds": max(behind.values(), default=0.0),
            "vpd_stream_alerts_waiting": self.alerts.waiting,
            "vpd_stream_webhook_failures_total": self.alerts.failed_posts,
            "vpd_stream_webhook_undelivered_total": self.alerts.undelivered,
        }
        per_call = {
            "vpd_stream_call_behind_seconds": behind,
            "vpd_stream_call_queue_frames": {c: feed.queue.qsize() for c, (_, feed) in self._open_calls.items()},
        }
        return self.metrics.render(gauges, per_call)

    async def _refuse(self, ws: ServerConnection, call_id: str | None, message: str, code: int) -> None:
        log.info("refused a call: %s", message)
        await self._send(ws, ErrorEvent(call_id=call_id, message=message, fatal=True), publish=False)
        await ws.close(code, message[:120])


class BackgroundServer:
    """A StreamServer on its own thread and event loop, for tests and benchmarks: `url`, then `close()`."""

    def __init__(self, server: StreamServer, host: str = "127.0.0.1", port: int = 0):
        self.server = server
        self.port: int | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(host, port),), daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the stream server did not start")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def _main(self, host: str, port: int) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()

        def ready(port: int) -> None:
            self.port = port
            self._ready.set()

        await self.server.run(host, port, self._stop, ready)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(120)


def run_server(
    config,
    host: str,
    port: int,
    out_dir: Path,
    store_target: str | None = None,
    allow_remote: bool = False,
    key_file: Path | None = None,
    tls: tuple[Path, Path] | None = None,
    on_ready: Callable[[str, bool], None] | None = None,
) -> None:
    """`vpd stream serve`: check the address, load the models once, serve until Ctrl-C / SIGTERM.
    `on_ready(url, token_required)` is called once the port is bound."""
    from vpd_speech.store.database import Store
    from vpd_speech.store.metadata import load_key

    os.environ.setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)  # read when torch loads, with the classifier
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    check_bind(host, allow_remote, token)
    monitor_token = os.environ.get(MONITOR_TOKEN_ENV, "").strip() or None
    check_monitor_token(monitor_token)
    try:
        key = load_key(key_file)
    except MetadataError:
        if key_file is not None:
            raise
        key = None  # calls that send a caller_number are refused with a clear message
    ssl_context = None
    if tls is not None:
        import ssl

        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(*tls)
    elif not is_loopback(host):
        log.warning("listening on %s without TLS: put a TLS proxy in front, or pass --tls-cert/--tls-key", host)
    store = Store.open(store_target) if store_target else None
    server = StreamServer(
        config,
        out_dir,
        pipeline=Pipeline(live_config(config)),
        store=store,
        token=token,
        pseudonym_key=key,
        monitor_token=monitor_token,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        scheme = "wss" if ssl_context else "ws"

        def ready(bound: int) -> None:
            if on_ready is not None:
                on_ready(f"{scheme}://{host}:{bound}", token is not None)

        await server.run(host, port, stop, ready, ssl=ssl_context)

    try:
        asyncio.run(main())
    finally:
        if store is not None:
            store.close()
