"""Alert delivery: a webhook (HTTP POST of the alert as JSON) and/or a JSON-lines log file.

Delivery runs in its own thread with a queue, so a slow or unreachable receiver never holds up scoring. A
failed POST is retried with growing waits (1, 2, 4, ... s); when every attempt fails, that is logged.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger("vpd_speech.run.stream.alerts")


class AlertSink:
    """Sends alerts (JSON-ready dicts) to the webhook and the log file; `send` returns at once."""

    def __init__(
        self,
        webhook_url: str | None = None,
        log_path: str | Path | None = None,
        timeout_s: float = 5.0,
        retries: int = 4,
        backoff_s: float = 1.0,
    ):
        self.webhook_url, self.timeout_s, self.retries, self.backoff_s = webhook_url, timeout_s, retries, backoff_s
        self.log_path = Path(log_path) if log_path else None
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.failed_posts = 0  # webhook attempts that failed (retried or not), for /metrics
        self.undelivered = 0  # alerts the webhook never took after all retries, for /metrics
        if self.webhook_url or self.log_path:
            self._thread = threading.Thread(target=self._run, name="vpd-alerts", daemon=True)
            self._thread.start()

    @property
    def waiting(self) -> int:
        """Alerts queued for delivery and not yet handled."""
        return self._queue.qsize()

    def send(self, alert: dict) -> None:
        if self._thread is not None:
            self._queue.put(alert)

    def close(self, timeout_s: float = 30.0) -> None:
        """Deliver what is queued (waiting at most `timeout_s`), then stop the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while (alert := self._queue.get()) is not None:
            if self.log_path is not None:
                self._append(alert)
            if self.webhook_url:
                self._post(alert)

    def _append(self, alert: dict) -> None:
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(alert, ensure_ascii=False) + "\n")
        except OSError as e:
            log.error("alert for call %s not written to %s: %s", alert.get("call_id"), self.log_path, e)

    def _post(self, alert: dict) -> None:
        body = json.dumps(alert, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.webhook_url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    response.read()
                return
            except (urllib.error.URLError, OSError) as e:  # HTTPError (4xx/5xx) is a URLError
                reason = e
                self.failed_posts += 1
            if attempt < self.retries:
                log.warning("alert webhook failed (%s), attempt %d of %d", reason, attempt + 1, self.retries + 1)
                time.sleep(self.backoff_s * 2**attempt)
        self.undelivered += 1
        log.error(
            "alert for call %s not delivered to the webhook after %d attempts: %s",
            alert.get("call_id"),
            self.retries + 1,
            reason,
        )
