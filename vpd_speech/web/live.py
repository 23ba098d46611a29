"""The live board: the calls `vpd stream serve` is handling, relayed to coordinators' browsers.

`relay` subscribes to the stream server's monitor (run/stream/monitor.py: a WebSocket on loopback with the
monitor token) and feeds every event to a `LiveBoard`. The board keeps, per call, its current and highest
level, status and meldadvies, and the latest alerts; each change goes to the browsers that follow the
board (server-sent events, app.py), as `call` and `alert` messages. Transcript text never reaches the
board: only levels, and the alerts' quotes that the stream server already masked. A relay that loses the
stream server tries again, waiting 1 s up to 30 s; the board says whether it is connected.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from datetime import UTC, datetime

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

log = logging.getLogger("vpd_speech.web.live")

ALERTS_KEPT = 50
FINISHED_KEPT = 20  # calls that ended stay on the board, the most recent ones
SUBSCRIBER_QUEUE = 1000
ALERT_FIELDS = ("call_id", "kind", "time", "level", "quote", "note", "agent_id", "team", "sent_at")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class LiveBoard:
    """The state of the board, built from the stream server's events, and its browser subscribers."""

    def __init__(self, configured: bool = False):
        self.configured = configured  # a stream server to follow was given
        self.connected = False
        self.calls: dict[str, dict] = {}
        self.alerts: deque[dict] = deque(maxlen=ALERTS_KEPT)
        self._subscribers: set[asyncio.Queue] = set()

    # ------------------------------------------------------------------ state

    def apply(self, event: dict) -> None:
        """Take one monitor event and tell the subscribers what changed."""
        call_id, kind = event.get("call_id"), event.get("type")
        if not call_id:
            return
        call = self.calls.get(call_id)
        if call is None:
            call = self.calls[call_id] = {"call_id": call_id, "agent_id": None, "team": None, "started_at": None,
                                          "level": 0, "max_level": 0, "status": "live", "advice": None, "alerts": 0}  # fmt: skip
        call["updated"] = _now()
        if kind == "ready":
            call.update({k: v for k, v in (event.get("call") or {}).items() if k in ("agent_id", "team", "started_at")})
        elif kind == "level_change":
            call.update(level=event["level"], max_level=max(call["max_level"], event["max_level"]))
        elif kind == "alert":
            alert = {k: event.get(k) for k in ALERT_FIELDS}
            self.alerts.appendleft(alert)
            call["alerts"] += 1
            call["max_level"] = max(call["max_level"], event.get("level") or 0)
            call["agent_id"] = call["agent_id"] or event.get("agent_id")
            call["team"] = call["team"] or event.get("team")
            self._tell({"type": "alert", "alert": alert})
        elif kind == "error" and event.get("fatal"):
            call["status"] = "fout"
        elif kind == "final":
            call.update(status="klaar" if event.get("status") == "ok" else "fout", advice=event.get("advice"),
                        max_level=max(call["max_level"], event.get("max_level") or 0))  # fmt: skip
            self._forget_old()
        elif kind != "utterance":
            return
        self._tell({"type": "call", "call": dict(call)})

    def _forget_old(self) -> None:
        finished = [c for c in self.calls.values() if c["status"] != "live"]
        for c in sorted(finished, key=lambda c: c["updated"])[:-FINISHED_KEPT]:
            del self.calls[c["call_id"]]

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._tell({"type": "status", "connected": connected, "configured": self.configured})

    def snapshot(self) -> dict:
        return {"type": "snapshot", "connected": self.connected, "configured": self.configured,
                "calls": list(self.calls.values()), "alerts": list(self.alerts)}  # fmt: skip

    # ------------------------------------------------------------------ subscribers

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(SUBSCRIBER_QUEUE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def _tell(self, message: dict) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:  # a browser that fell behind gets the whole board again instead
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait({"type": "resync"})


async def relay(board: LiveBoard, url: str, token: str, stop: asyncio.Event) -> None:
    """Follow the stream server's monitor until `stop` is set, reconnecting when the connection is lost."""
    delay = 1.0
    while not stop.is_set():
        try:
            async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10,
                               proxy=None, max_size=2**20) as ws:  # fmt: skip
                board.set_connected(True)
                delay = 1.0
                log.info("live board: following %s", url)
                async for message in ws:
                    board.apply(json.loads(message))
            reason = f"closed: {ws.close_code} {ws.close_reason}"
        except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake, InvalidURI, ValueError) as e:
            reason = str(e) or type(e).__name__
        board.set_connected(False)
        log.warning("live board: stream server monitor %s: %s; trying again in %.0f s", url, reason, delay)
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except TimeoutError:
            delay = min(30.0, delay * 2)


def sse(message: dict) -> str:
    """One server-sent event: its type as the event name, the message as JSON data."""
    return f"event: {message['type']}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"
