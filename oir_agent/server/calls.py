"""What every tool call shares: the editor holder, the device gate, progress, worker threads with cancel and
rollback, the last-resort error, result files and replies. Each tool lives in its own module under tools/."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, ResourceLink, TextContent

from .outputs import OutputStore, preview_jpeg

logger = logging.getLogger("oir_agent.server.app")

# Progress bands (percent) per editor stage, so one edit reports 0..100 monotonically.
_BANDS = {"queue": (0, 2), "load": (2, 5), "align": (5, 6), "masks": (6, 10), "inversion": (10, 20),
          "search": (20, 80), "scoring": (80, 88), "reassembly": (88, 90), "reinversion": (90, 93),
          "denoise": (93, 98), "write": (98, 100)}


class EditorHolder:
    """Builds the editor once, on first use (or at start with --preload), thread-safely."""

    def __init__(self, factory: Callable[[], Any]):
        self._factory = factory
        self._editor = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._editor is not None

    def get(self):
        with self._lock:
            if self._editor is None:
                t0 = time.perf_counter()
                self._editor = self._factory()
                logger.info("model loaded in %.1f s", time.perf_counter() - t0)
            return self._editor


class DeviceGate:
    """Admission control: up to `max_concurrent` jobs run on the device together (their model calls shared through
    the editor's batcher), at most `queue_size` wait; beyond that, refuse at once."""

    def __init__(self, queue_size: int, max_concurrent: int = 1):
        self.queue_size = queue_size
        self.max_concurrent = max_concurrent
        self._slots = anyio.Semaphore(max_concurrent)
        self._waiting = 0

    @property
    def running(self) -> int:
        return self.max_concurrent - self._slots.value

    @asynccontextmanager
    async def slot(self, on_queued: Callable[[int], Any]):
        if self._slots.value == 0 or self._waiting:
            if self._waiting >= self.queue_size:
                running = "an edit is running" if self.max_concurrent == 1 else f"{self.running} edits are running"
                raise ToolError(f"busy: {running} and {self._waiting} more are waiting (queue limit "
                                f"{self.queue_size}); retry later.")
            self._waiting += 1
            try:
                await on_queued(self._waiting)
                await self._slots.acquire()
            finally:
                self._waiting -= 1
        else:
            await self._slots.acquire()
        try:
            yield
        finally:
            self._slots.release()


class Progress:
    """Forwards editor ProgressEvents from the worker thread to the MCP client, mapped to 0..100."""

    def __init__(self, ctx: Context, cancel: threading.Event):
        self.ctx, self.cancel = ctx, cancel
        self._last = (-1, "")
        self._high = 0.0

    async def send(self, percent: float, message: str) -> None:
        percent = max(percent, self._high)  # never step back, whatever a stage reports
        key = (int(percent), message.split(":")[0])
        if key == self._last:
            return
        self._last, self._high = key, percent
        await self.ctx.report_progress(round(percent, 1), 100, message=message)

    def stage(self, stage: str, completed: int, total: int, message: str = "") -> float:
        lo, hi = _BANDS.get(stage, (98, 98))
        return lo + (hi - lo) * (completed / max(1, total))

    def from_thread(self, event) -> None:
        if self.cancel.is_set():
            return
        percent = self.stage(event.stage, event.completed, event.total)
        try:
            anyio.from_thread.run(self.send, percent, f"{event.stage}: {event.message}" if event.message
                                  else event.stage)
        except Exception:  # a client that went away must not break the edit
            logger.debug("progress notification dropped", exc_info=True)


async def run_in_worker(fn: Callable[[], Any], cancel: threading.Event,
                        rollback: Callable[[Any], None] | None = None) -> Any:
    """Run blocking model work in a thread; on request cancellation, set `cancel` and wait for the thread
    to stop (it raises Cancelled before its next UNet call) so the device is free when we return. If the
    thread finished anyway (the cancel came while it wrote its files), `rollback(its result)` undoes it, so a
    cancelled call never leaves files behind."""
    finished = threading.Event()
    outcome: list[Any] = []

    def work():
        try:
            value = fn()
            outcome.append(value)
            return value
        finally:
            finished.set()

    try:
        return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        cancel.set()
        with anyio.CancelScope(shield=True):
            while not finished.is_set():
                await anyio.sleep(0.02)
            if outcome and rollback is not None:
                rollback(outcome[0])
        raise


async def gated_edit(gate, progress, cancel: threading.Event, store: OutputStore, work: Callable[[], Any],
                     tool: str, before: Callable[[], Any] | None = None):
    """An edit-like call: `before()` (input checks, in a thread, no device) then `work(checked)` on the device behind
    the gate, cancellable, its files rolled back if cancelled; every failure one clear ToolError."""
    from ..errors import AlignmentError, Cancelled, OIRError

    try:
        checked = await anyio.to_thread.run_sync(before) if before is not None else None
        async with gate.slot(lambda n: progress.send(1, f"queue: waiting for a free slot (position {n})")):
            done = await run_in_worker(lambda: work(checked), cancel,
                                       rollback=lambda finished: store.delete(finished[1].values()))
    except (OIRError, ToolError) as exc:
        if isinstance(exc, AlignmentError):
            raise Refusal(exc) from exc
        if isinstance(exc, Cancelled):
            raise ToolError(f"cancelled: {tool} stopped before its next UNet call; no file was written.") from exc
        raise exc if isinstance(exc, ToolError) else ToolError(str(exc)) from exc
    except Exception as exc:
        raise internal_error(exc, tool) from exc
    await progress.send(100, "done")
    return done


class Refusal(ToolError):
    """The prompts or instruction could not be read: a tool error whose reply also carries, as structured data, the
    reason's code and what to send instead (`AlignmentError.suggestion`), so a client can retry without asking."""

    def __init__(self, exc):
        super().__init__(str(exc))
        self.code = getattr(exc, "code", "unreadable")
        self.suggestion = getattr(exc, "suggestion", None)

    def result(self) -> CallToolResult:
        data = {"error": {"message": str(self), "code": self.code, "suggestion": self.suggestion}}
        text = str(self)
        if self.suggestion:
            text += "\nsuggestion (retry with): " + json.dumps(self.suggestion)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data, is_error=True)


def refusals(tool):
    """Decorator for a tool: a Refusal raised inside becomes its error reply with the suggestion as data."""
    import functools

    @functools.wraps(tool)
    async def wrapped(*args, **kwargs):
        try:
            return await tool(*args, **kwargs)
        except Refusal as refusal:
            return refusal.result()

    return wrapped


def internal_error(exc: BaseException, tool: str) -> ToolError:
    """The last resort: an exception nobody anticipated becomes one clear line for the client, with an id that
    finds the full traceback in the server's log (stderr)."""
    incident = uuid.uuid4().hex[:8]
    logger.error("internal error %s in %s", incident, tool, exc_info=exc)
    return ToolError(f"internal error (id {incident}) in {tool}: {type(exc).__name__}. The server keeps running; "
                     "the details are in its log. Retry, or change the arguments.")


def event(stage: str, completed: int, total: int, message: str):
    from ..types import ProgressEvent

    return ProgressEvent(stage=stage, completed=completed, total=total, message=message)


def write_edit(result, store: OutputStore, sheet: bool, input_ref: str | None):
    """Atomic writes of the result (and sheet, diagnostics); all or nothing: when one write fails (a full disk), the
    files already written are removed, so failed or cancelled edits leave nothing behind."""
    names: dict[str, str] = {}
    try:
        names["image"] = store.save_image(result.image, "edit")
        if sheet:
            from ..report import contact_sheet

            names["sheet"] = store.save_image(contact_sheet(result), "sheet")
        result.files = {"input": input_ref, "output": store.uri(names["image"]), "diagnostics": None,
                        "sheet": store.uri(names["sheet"]) if "sheet" in names else None}
        names["diagnostics"] = store.save_text(json.dumps(result.to_dict(), indent=2), "diagnostics")
    except BaseException:
        store.delete(names.values())
        raise
    return result, names


def edit_reply(result, names: dict, store: OutputStore, settings, return_image: str, candidates: bool = False,
               edit_memory: dict | None = None, view: bool = False) -> CallToolResult:
    """edit_image's / refine_edit's reply; `edit_memory`: the editor's store of kept edits after this one; `view`:
    the client shows MCP App views, so the result's _meta carries the pictures the edit view needs."""
    data = result.to_dict()
    data["output"] = {"uri": store.uri(names["image"]), "width": result.image.width, "height": result.image.height,
                      "sheet_uri": store.uri(names["sheet"]) if "sheet" in names else None,
                      "diagnostics_uri": store.uri(names["diagnostics"]), "edit_memory": edit_memory}
    content: list = []
    if return_image in ("preview", "both"):
        content.append(image_block(result.image, settings))
    content.append(TextContent(type="text", text=summary(data)))
    if return_image in ("link", "both"):
        content.append(ResourceLink(type="resource_link", uri=data["output"]["uri"], name=names["image"],
                                    mimeType="image/png", description="full-size edited image"))
    if "sheet" in names:
        content.append(ResourceLink(type="resource_link", uri=data["output"]["sheet_uri"], name=names["sheet"],
                                    mimeType="image/png", description="candidates and score curves per pair"))
    if candidates:  # the contact sheet inline, for a vision model to read step numbers off
        from ..report import contact_sheet

        sheet = preview_jpeg(contact_sheet(result), max_side=2048, max_bytes=SHEET_MAX_BYTES)
        content.append(ImageContent(type="image", data=base64.b64encode(sheet).decode("ascii"), mimeType="image/jpeg"))
    out = reply(content, data, settings)
    if view:
        from ..view.payload import VIEW_KEY, payload_from_result

        out.meta = {**(out.meta or {}), VIEW_KEY: payload_from_result(result, data["output"]["uri"], data)}
    return out


SHEET_MAX_BYTES = 1_000_000


def reply(content: list, data: dict, settings) -> CallToolResult:
    if settings.structured:
        return CallToolResult(content=content, structured_content=data)
    return CallToolResult(content=content + [TextContent(type="text", text=json.dumps(data))])


def image_block(image, settings) -> ImageContent:
    data = preview_jpeg(image, settings.preview_side)
    return ImageContent(type="image", data=base64.b64encode(data).decode("ascii"), mimeType="image/jpeg")


def summary(d: dict) -> str:
    """A short text an LLM can read: pairs, chosen steps, where the result is, warnings."""
    n = d["num_inference_steps"]
    lines = [f"Edited {len(d['pairs'])} pair(s) in {d['timings_s'].get('total', 0):.1f} s "
             f"({d['cost']['unet_sample_evals']} UNet sample evaluations in {d['cost']['unet_calls']} calls)."]
    for p in d["pairs"]:
        m = p["mask"]
        lines.append(f"- {p['source']!r} -> {p['target']!r}: inversion step {p['optimal_step']}/{n} "
                     f"(mask {m['provider']}, {m['area_fraction']:.0%} of the image)")
    out = d.get("output") or {}
    if out:
        lines.append(f"Full-size result ({out['width']}x{out['height']}): {out['uri']} (pass it as `image` to edit "
                     "further).")
    if d.get("edit_id"):
        lines.append(f"edit_id {d['edit_id']}: to change one object's strength without redoing the search, call "
                     "refine_edit(edit_id, steps={source phrase: step}) (higher step = more change); "
                     "view_candidates shows each pair's candidates.")
    if d["warnings"]:
        lines.append("Warnings: " + " | ".join(d["warnings"]))
    return "\n".join(lines)
