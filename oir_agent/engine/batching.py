"""Cross-request batching: concurrent edits share model calls on one device (docs/ARCHITECTURE.md, "Serving
many callers").

Each edit runs in its own thread and calls the models through its own Runtime. With a SharedBatcher attached,
a model call (UNet, VAE encode/decode, CLIP vision) becomes a request: the calling thread waits while requests
of the other active edits gather, then one of the waiting threads (the leader) runs every pending request of the
same kind and shape as one call and hands each caller its rows. A batch runs as soon as every active edit is
waiting (nothing more can arrive), or `max_wait_s` after its oldest request (an edit busy elsewhere, e.g. in
Python between calls, does not stall the others for longer). An edit's sequential chains (the inversion, the
final denoise: one latent per call when alone) thereby ride along with the other edits' work.

Numbers: a sample's result depends on the batch it is computed in only through floating-point summation order
(on this CPU ~1e-6 for the UNet, ~1e-5 for the VAE); tests pin the per-edit tolerance. Each edit's Cost counts
its own samples, exactly as alone, plus how many of its calls were shared and their total size.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch


class SharedCallFailed(RuntimeError):
    """The merged call ran out of memory: every caller retries its own rows alone (with its own splitting)."""


@dataclass
class _Request:
    kind: str
    key: Hashable
    inputs: Sequence[torch.Tensor]
    rows: int
    fn: Callable[..., torch.Tensor]
    arrived: float = field(default_factory=time.perf_counter)
    result: torch.Tensor | None = None
    error: BaseException | None = None
    batch_rows: int = 0  # rows of the call this request ran in (all callers)
    done: bool = False


class SharedBatcher:
    """Coalesces model calls of concurrent edits. Thread-safe; one per device (per editor)."""

    def __init__(self, max_rows: int | None = None, max_wait_s: float = 0.005):
        if max_rows is not None and max_rows < 1:
            raise ValueError("max_rows must be None or >= 1")
        self.max_rows = max_rows
        self.max_wait_s = max_wait_s
        self._cv = threading.Condition()
        self._members = 0
        self._pending: list[_Request] = []
        self._running = False
        self.calls = 0  # merged calls run (any kind)
        self.shared_calls = 0  # of those, calls that carried more than one request

    @contextmanager
    def member(self):
        """Marks one active edit for the duration of the block: batches wait for members' requests."""
        with self._cv:
            self._members += 1
        try:
            yield self
        finally:
            with self._cv:
                self._members -= 1
                self._cv.notify_all()

    @property
    def members(self) -> int:
        return self._members

    def run(self, kind: str, key: Hashable, inputs: Sequence[torch.Tensor],
            fn: Callable[..., torch.Tensor]) -> tuple[torch.Tensor, int]:
        """fn(*inputs) computed in a shared call: inputs are batched along dim 0 (same `kind` and `key` = same
        model and trailing shapes). Returns (this caller's rows of the output, rows of the call it ran in)."""
        req = _Request(kind, key, inputs, int(inputs[0].shape[0]), fn)
        with self._cv:
            self._pending.append(req)
            self._cv.notify_all()
            while not req.done:
                if self._running:
                    self._cv.wait()
                    continue
                wait = self._wait_left()
                if wait > 0:
                    self._cv.wait(timeout=wait)
                    continue
                batch = self._take()
                self._running = True
                self._cv.release()
                try:
                    self._execute(batch)
                finally:
                    self._cv.acquire()
                    self._running = False
                    self._cv.notify_all()
        if req.error is not None:
            raise req.error
        return req.result, req.batch_rows

    # --- inside the lock ---------------------------------------------------------------------------------
    def _wait_left(self) -> float:
        """0 when a batch should run now: every active edit has a request waiting, or the oldest waited enough."""
        if not self._pending:
            return self.max_wait_s
        if len(self._pending) >= max(1, self._members):
            return 0.0
        return self._pending[0].arrived + self.max_wait_s - time.perf_counter()

    def _take(self) -> list[_Request]:
        """The oldest request's group (same kind and key), oldest first, up to max_rows (the first always)."""
        first = self._pending[0]
        batch, rows = [], 0
        for req in list(self._pending):
            if req.kind != first.kind or req.key != first.key:
                continue
            if batch and self.max_rows is not None and rows + req.rows > self.max_rows:
                break
            batch.append(req)
            rows += req.rows
            self._pending.remove(req)
        return batch

    # --- outside the lock --------------------------------------------------------------------------------
    def _execute(self, batch: list[_Request]) -> None:
        total = sum(r.rows for r in batch)
        try:
            if len(batch) == 1:
                out = batch[0].fn(*batch[0].inputs)
            else:
                merged = [torch.cat([r.inputs[i] for r in batch]) for i in range(len(batch[0].inputs))]
                out = batch[0].fn(*merged)
        except torch.OutOfMemoryError as exc:
            error: BaseException = SharedCallFailed(f"out of memory in a shared call of {total} rows")
            error.__cause__ = exc
            self._finish(batch, error=error)
            return
        except BaseException as exc:  # delivered to every caller of this call
            self._finish(batch, error=exc)
            return
        start = 0
        for r in batch:
            r.result = out[start:start + r.rows]
            start += r.rows
        self.calls += 1
        self.shared_calls += len(batch) > 1
        self._finish(batch, total=total)

    def _finish(self, batch: list[_Request], error: BaseException | None = None, total: int = 0) -> None:
        with self._cv:
            for r in batch:
                r.error, r.batch_rows, r.done = error, total, True
            self._cv.notify_all()
