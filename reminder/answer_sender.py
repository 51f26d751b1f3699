"""Sends the answers to inbound texts (and the urgent notices they raised) soon after the request,
from one thread of its own, so no web request, and no pooled connection, ever waits on pacing.

A webhook stores the text and queues its answer as an outbox row in the request, hands the row's
id here and returns. This thread waits for the pacer's slot holding nothing, then sends the row
through the outbox. A row that does not get here (the queue is full, the process stops) is still
queued in the database: the worker's next pass sends it. The claim decides who sends, never both.
"""

from __future__ import annotations

import logging
import queue
import threading

from reminder.outbox import Outbox

log = logging.getLogger("reminder.answers")

# Message ids waiting here at most; past that the worker's pass sends them (they are rows).
CAPACITY = 10_000


class AnswerSender:
    """One thread and a bounded queue of message ids, started on first use."""

    def __init__(self, outbox: Outbox, capacity: int = CAPACITY) -> None:
        self.outbox = outbox
        self._ids: queue.Queue[int] = queue.Queue(capacity)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, message_ids: list[int]) -> None:
        """Queue these messages for sending, in order; never blocks."""
        if not message_ids or self._stop.is_set():
            return
        self._start()
        for message_id in message_ids:
            try:
                self._ids.put_nowait(message_id)
            except queue.Full:
                log.warning(
                    "message %s: %d answers wait already; the worker's next pass sends it",
                    message_id,
                    self._ids.maxsize,
                )

    def join(self) -> None:
        """Wait until every message handed in so far was sent or given up on."""
        if self._thread is not None:
            self._ids.join()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread; what it has not sent stays queued in the database for the worker."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        while True:  # let a join() return: these stay queued rows, sent by the worker
            try:
                self._ids.get_nowait()
            except queue.Empty:
                return
            self._ids.task_done()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="answer-sender", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                message_id = self._ids.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                if self.outbox.wait_for_slot(message_id, self._stop):
                    self.outbox.send_now(message_id, self._stop)
            except Exception:
                # The row stays queued (or re-queued by the outbox): the worker sends it later.
                log.exception("message %s: the answer could not be sent now", message_id)
            finally:
                self._ids.task_done()
