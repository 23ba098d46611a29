"""The stream server's monitor: every event of every call, to subscribers on this machine (the web app's live board).

A subscriber opens a WebSocket on `MONITOR_PATH` of the stream server from a loopback address, with
`Authorization: Bearer <token>` where the token is env VPD_MONITOR_TOKEN of the server (16 characters or
more; without it the monitor is off). It then receives, as JSON text, each event the server sends to any
call's client (ready, utterance, level_change, alert, error, final). A `ready` event also carries `call`:
the call's agent_id, team and started_at (never the caller's number or pseudonym). Subscribers only listen:
what they send is ignored. A subscriber that does not keep up (more than `QUEUE_EVENTS` waiting) is closed,
so that it knows it missed events; calls never wait for a subscriber.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from vpd_speech.run.stream.protocol import Ready, ServerEvent

log = logging.getLogger("vpd_speech.run.stream.monitor")

MONITOR_PATH = "/monitor"
MONITOR_TOKEN_ENV = "VPD_MONITOR_TOKEN"
QUEUE_EVENTS = 10_000
CALL_FIELDS = ("agent_id", "team", "started_at")  # what a subscriber learns about a call besides its events
CLOSE_POLICY, CLOSE_TOO_SLOW = 1008, 1013


def _peer_is_loopback(ws: ServerConnection) -> bool:
    from vpd_speech.run.stream.server import is_loopback

    peer = ws.remote_address
    return bool(peer) and is_loopback(str(peer[0]).removeprefix("::ffff:"))


class Monitor:
    """Fans the server's call events out to loopback subscribers that hold the monitor token."""

    def __init__(self, token: str | None):
        self.token = token or None
        self._queues: dict[asyncio.Queue, ServerConnection] = {}
        self._calls: dict[str, dict[str, str]] = {}

    @staticmethod
    def wants(ws: ServerConnection) -> bool:
        """Is this connection for the monitor (and not a call)?"""
        return bool(ws.request) and ws.request.path.split("?", 1)[0] == MONITOR_PATH

    def opened(self, call_id: str, metadata: dict[str, str]) -> None:
        """Remember what subscribers may know of a call that was accepted."""
        self._calls[call_id] = {k: metadata[k] for k in CALL_FIELDS if metadata.get(k)}

    def publish(self, event: ServerEvent) -> None:
        """Queue one event for every subscriber; never waits."""
        if not self._queues or event.call_id is None:
            return
        data = event.model_dump(mode="json")
        if isinstance(event, Ready):
            data["call"] = self._calls.get(event.call_id, {})
        elif event.type == "final":
            self._calls.pop(event.call_id, None)
        text = json.dumps(data, ensure_ascii=False)
        for queue, ws in list(self._queues.items()):
            try:
                queue.put_nowait(text)
            except asyncio.QueueFull:
                log.warning("monitor subscriber %s fell behind by %d events: closed", ws.remote_address, QUEUE_EVENTS)
                del self._queues[queue]
                asyncio.get_running_loop().create_task(ws.close(CLOSE_TOO_SLOW, "too slow: events were dropped"))

    async def serve(self, ws: ServerConnection) -> None:
        """One subscriber: check where it comes from and its token, then send it events until it goes."""
        refusal = self._refusal(ws)
        if refusal:
            log.info("monitor subscriber %s refused: %s", ws.remote_address, refusal)
            await ws.close(CLOSE_POLICY, refusal)
            return
        queue: asyncio.Queue = asyncio.Queue(QUEUE_EVENTS)
        self._queues[queue] = ws
        log.info("monitor subscriber %s connected", ws.remote_address)
        listening = asyncio.create_task(self._drain(ws))
        try:
            while not listening.done():
                getting = asyncio.create_task(queue.get())
                await asyncio.wait({getting, listening}, return_when=asyncio.FIRST_COMPLETED)
                if not getting.done():
                    getting.cancel()
                    break
                await ws.send(getting.result())
        except ConnectionClosed:
            pass
        finally:
            self._queues.pop(queue, None)
            listening.cancel()
            log.info("monitor subscriber %s gone", ws.remote_address)

    def _refusal(self, ws: ServerConnection) -> str | None:
        if self.token is None:
            return f"the monitor is off: set {MONITOR_TOKEN_ENV} on the stream server"
        if not _peer_is_loopback(ws):
            return "the monitor accepts subscribers on this machine only"
        header = ws.request.headers.get("Authorization", "") if ws.request else ""
        if not hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), self.token.encode()):
            return "missing or wrong monitor token"
        return None

    @staticmethod
    async def _drain(ws: ServerConnection) -> None:
        """Read (and ignore) what the subscriber sends, until it closes."""
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass


def check_monitor_token(token: str | None) -> None:
    if token is not None and len(token) < 16:
        raise ValueError(f"{MONITOR_TOKEN_ENV} must be at least 16 characters")
