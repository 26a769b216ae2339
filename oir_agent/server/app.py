"""The MCP server (mcp 2.x MCPServer): a thin adapter over OIREditor. It knows nothing of tensors.

Tools: edit_image (the edit), extract_edit_pairs (the aligner alone, instant), find_objects (masks only).
Resources: oir://outputs/{name} (results, sheets, diagnostics). One edit at a time per device, a bounded
waiting queue, progress by stage, cancellation at the next UNet call, hostile inputs refused clearly.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from ..errors import OIRError
from .calls import (
    DeviceGate,
    EditorHolder,
    Progress,
    _edit_reply,
    _event,
    _image_block,
    _reply,
    _write_edit,
    gated_edit,
    internal_error,
    run_in_worker,
)
from .inputs import InputPolicy, argument_reference, load_image_argument
from .outputs import OutputStore
from .schema import EditToolResult, ObjectsResult, PairsResult

logger = logging.getLogger(__name__)

INSTRUCTIONS = """Edit images with Object-aware Inversion and Reassembly (OIR): several objects changed at once,
each at its own best inversion depth, background preserved. Typical flow: call extract_edit_pairs first
(instant) to check that your prompts yield the pairs you mean, then edit_image. Give a source_prompt that
describes the image and a target_prompt that is the SAME sentence with only the objects to change edited
(or an instruction such as "replace the cat with a dog"). Results come back as a preview, a full-size
oir://outputs/ URI (pass it as `image` to keep editing) and diagnostics (pairs, masks, chosen steps, cost)
with an edit_id. If one object changed too little or too much, look at its candidates (view_candidates, or
edit_image with return_candidates=true) and call refine_edit(edit_id, steps={object: step}): it reuses the
edit's search and costs a few percent of an edit."""

@dataclass
class ServerSettings:
    """How the server runs; defaults are safe for a local desktop client."""

    allowed_dirs: list[Path] = field(default_factory=lambda: [Path.cwd()])
    output_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "oir-agent" / "outputs")
    queue_size: int = 2  # edits allowed to wait behind the running ones; more get "busy, retry later"
    max_concurrent: int = 1  # edits running together on the device, sharing model calls (cross-request batching)
    structured: bool = True  # False: diagnostics as text only (for clients that drop images next to structured data)
    max_steps: int = 100
    max_file_bytes: int = 30 * 1024 * 1024
    max_pixels: int = 40_000_000
    preview_side: int = 1024


class PairArgument(BaseModel):
    source: str = Field(description="the object's words exactly as in source_prompt, e.g. 'dumplings'")
    target: str = Field(description="what it becomes, e.g. 'fried rice'")
    mask: str | None = Field(default=None, description="optional mask image (path/URI/base64 like `image`); "
                                                       "white = the object")


def strict_arguments(server: MCPServer, name: str) -> None:
    """Refuse arguments a tool does not have (the SDK ignores them silently, so an agent would never learn that its
    argument had no effect; the published input schema says additionalProperties: false), and report argument
    errors in one line that names the argument, not pydantic's multi-line dump."""
    from pydantic import ValidationError

    tool = server._tool_manager.get_tool(name)  # the SDK has no public hook for the argument model
    base = tool.fn_metadata.arg_model
    strict = type(base.__name__, (base,), {"model_config": {**base.model_config, "extra": "forbid"},
                                             "__module__": base.__module__})
    tool.fn_metadata.arg_model = strict
    tool.parameters = strict.model_json_schema(by_alias=True)
    known = sorted(n for n in strict.model_fields)
    original = tool.run

    async def run(arguments, context, convert_result=False):
        try:
            return await original(arguments, context, convert_result=convert_result)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            problems = []
            for err in exc.__cause__.errors():
                where = ".".join(str(x) for x in err["loc"]) or "arguments"
                what = ("unknown argument (this tool's arguments are " + ", ".join(known) + ")"
                        if err["type"] == "extra_forbidden" else err["msg"])
                problems.append(f"{where}: {what}")
            raise ToolError(f"invalid arguments for {name}: " + "; ".join(problems)) from exc.__cause__

    object.__setattr__(tool, "run", run)  # Tool is a pydantic model: set the method on this instance only


def build_server(editor_factory: Callable[[], Any], settings: ServerSettings | None = None) -> MCPServer:
    """The MCP server; `editor_factory()` returns an OIREditor (called once, lazily)."""
    settings = settings or ServerSettings()
    holder = EditorHolder(editor_factory)
    gate = DeviceGate(settings.queue_size, settings.max_concurrent)
    policy = InputPolicy(allowed_dirs=settings.allowed_dirs, output_dir=settings.output_dir,
                         max_file_bytes=settings.max_file_bytes, max_pixels=settings.max_pixels)
    store = OutputStore(settings.output_dir)
    if store.removed_stale:
        logger.info("removed %d stale temporary file(s) from %s", store.removed_stale, store.root)
    server = MCPServer("oir-agent", instructions=INSTRUCTIONS, version="0.1.0")
    server.holder = holder  # for --preload and tests

    edit_annotations = ToolAnnotations(title="Edit image (OIR)", readOnlyHint=False, destructiveHint=False,
                                       idempotentHint=True, openWorldHint=False)

    async def edit_image(
        image: Annotated[str, Field(description="the picture to edit: a file path under an allowed folder, a file:// "
                                                "URI, a data:image/...;base64 URL (or bare base64), or the "
                                                "oir://outputs/... URI of an earlier result to keep editing. Images "
                                                "up to the server's file limit (30 MB by default); for large images "
                                                "prefer a path or oir:// URI over inline data")],
        ctx: Context,
        source_prompt: Annotated[str | None, Field(description="a short sentence describing the image as it is, "
                                                               "naming the objects to change, e.g. 'a bowl of "
                                                               "dumplings on the left and chopsticks on the right'")] = None,
        target_prompt: Annotated[str | None, Field(description="the SAME sentence with only the objects to change "
                                                               "edited, e.g. 'a bowl of fried rice on the left and a "
                                                               "knife on the right'; keep every other word")] = None,
        instruction: Annotated[str | None, Field(description="instead of target_prompt: e.g. 'replace the dumplings "
                                                             "with fried rice and the chopsticks with a knife' "
                                                             "(works best with source_prompt)")] = None,
        pairs: Annotated[list[PairArgument] | None, Field(description="optional explicit editing pairs (needs "
                                                                      "source_prompt); give masks for all or none")] = None,
        seed: Annotated[int, Field(ge=0, le=2**31 - 1, description="random seed; same seed, same result")] = 0,
        steps: Annotated[int, Field(ge=2, le=1000, description="DDIM steps (50 = paper quality; 20-30 is "
                                                               "faster and usually fine)")] = 50,
        pair_steps: Annotated[dict[str, int] | None,
                              Field(description="optional: fix a pair's inversion step (1..steps) and skip its "
                                                "search, keyed by the pair's source phrase, e.g. {\"dumplings\": "
                                                "30}; higher = more change. Read optimal_step and the score curves "
                                                "of an earlier result to choose")] = None,
        keep_margin: Annotated[float, Field(ge=0.0, le=0.5, description="how far an edit may reach past its object's "
                                            "mask (fraction of the shorter side); outside it the input's own "
                                            "pixels are kept. Raise it (e.g. 0.15) when a new object is much "
                                            "larger than the old one; 0.5 keeps nothing")] = 0.0625,
        return_image: Annotated[Literal["preview", "link", "both"],
                                Field(description="preview: a JPEG in the reply; link: only the full-size "
                                                  "oir://outputs/ URI; both (default)")] = "both",
        return_candidates: Annotated[bool, Field(description="also return the contact sheet (every candidate of "
                                                             "every pair with its step number, the chosen one "
                                                             "marked, score curves) as an image, to choose steps "
                                                             "for refine_edit")] = False,
        diagnostic_sheet: Annotated[bool, Field(description="also write a contact sheet of every candidate "
                                                            "with the score curves")] = False,
    ) -> Annotated[CallToolResult, EditToolResult]:
        """Edit several objects of an image at once with OIR (each object at its own best inversion depth, the
        rest preserved). Describe the image in source_prompt and give target_prompt as the same sentence with
        only the objects to change replaced (or an instruction). Call extract_edit_pairs first if unsure.
        Returns a preview, the full-size result as an oir://outputs/ URI, and diagnostics per pair (mask,
        score curve, chosen step), the exact compute cost and an edit_id for refine_edit. Takes seconds to
        minutes; reports progress."""
        if steps > settings.max_steps:
            raise ToolError(f"steps={steps} is over this server's limit of {settings.max_steps}; use 50 or fewer.")
        cancel = threading.Event()
        progress = Progress(ctx, cancel)

        def prepare():
            """Every input checked before the model is touched (a bad call fails fast even on a cold server)."""
            from ..config import OIRConfig
            from ..request import prepare_edit

            img = load_image_argument(image, policy, "image")
            masks = None
            if pairs:
                given = [p.mask for p in pairs]
                if any(given) and not all(given):
                    raise ToolError("give a mask for every pair or for none (the others would be guessed "
                                    "inconsistently).")
                if all(given):
                    masks = [load_image_argument(m, policy, f"mask for {p.source!r}") for m, p in zip(given, pairs)]
            config = OIRConfig(num_inference_steps=steps, seed=seed, keep_outside=keep_margin < 0.5,
                               keep_margin=keep_margin, mask_provider="given" if masks is not None else "auto")
            return prepare_edit(img, source_prompt=source_prompt, target_prompt=target_prompt,
                                instruction=instruction, pairs=[(p.source, p.target) for p in pairs] if pairs else None,
                                masks=masks, config=config, steps=pair_steps)

        def work(request):
            progress.from_thread(_event("load", 0, 1, "loading model" if not holder.loaded else "model ready"))
            editor = holder.get()
            result = editor.run(request, progress=progress.from_thread, cancel=cancel)
            result.edit_memory = editor.edits.occupancy()  # reported with the result (OutputModel.edit_memory)
            return _write_edit(result, store, diagnostic_sheet, argument_reference(image))

        result, names = await gated_edit(gate, progress, cancel, store, work, "edit_image", before=prepare)
        return _edit_reply(result, names, store, settings, return_image, candidates=return_candidates)

    async def extract_edit_pairs(
        ctx: Context,
        source_prompt: Annotated[str | None, Field(description="a sentence describing the image")] = None,
        target_prompt: Annotated[str | None, Field(description="the same sentence with the objects to change "
                                                               "edited")] = None,
        instruction: Annotated[str | None, Field(description="or an instruction, e.g. 'replace the cat with a "
                                                             "dog' (with source_prompt if you have one)")] = None,
    ) -> Annotated[CallToolResult, PairsResult]:
        """Show the editing pairs, mask phrases and guided prompts that edit_image would use for these prompts
        (instant, no image, no model). Use it to check your prompts before an edit: each pair should be one
        object (or attribute) of the source prompt and what it becomes."""

        def align():
            from ..errors import AlignmentError
            from ..text.aligner import align_prompts
            from ..text.instructions import parse_instruction

            if instruction:
                return parse_instruction(instruction, source_prompt=source_prompt)
            if source_prompt is None or target_prompt is None:
                raise AlignmentError("give source_prompt and target_prompt, or an instruction (optionally with "
                                     "source_prompt).")
            return align_prompts(source_prompt, target_prompt)

        try:
            alignment = await anyio.to_thread.run_sync(align)
        except OIRError as exc:
            raise ToolError(str(exc)) from exc
        except Exception as exc:
            raise internal_error(exc, "extract_edit_pairs") from exc
        data = alignment.to_dict()
        lines = [f"{i}. [{p['kind']}] {p['source']!r} -> {p['target']!r} (mask phrase {p['mask_phrase']!r}); guided "
                 f"prompt: {p['guided_prompt']!r}" for i, p in enumerate(data["pairs"], 1)]
        text = f"target prompt: {data['target_prompt']!r}\n" + "\n".join(lines)
        if data["warnings"]:
            text += "\nwarnings: " + " | ".join(data["warnings"])
        return _reply([TextContent(type="text", text=text)], data, settings)

    async def find_objects(
        image: Annotated[str, Field(description="the picture, in any form edit_image accepts")],
        phrases: Annotated[list[str], Field(min_length=1, max_length=8, description="objects to find, e.g. "
                                                                                    "['dumplings', 'chopsticks']")],
        ctx: Context,
        provider: Annotated[Literal["auto", "grounded-sam", "noise-difference", "attention"],
                            Field(description="mask maker (auto: Grounded-SAM when available)")] = "auto",
    ) -> Annotated[CallToolResult, ObjectsResult]:
        """Find objects and return their masks as a tinted overlay picture plus boxes and scores, without
        editing. Use it to check that the objects you want to edit are found where you expect."""
        cancel = threading.Event()
        progress = Progress(ctx, cancel)

        def work(img):
            from ..images import to_rgb
            from ..report import mask_overlay, objects_report

            img = to_rgb(img)  # the displayed orientation (EXIF applied): boxes and overlay match what people see
            editor = holder.get()
            results, work_img = editor.find_objects(img, phrases, provider=provider, cancel=cancel)
            overlay = mask_overlay(work_img, [r.mask for r in results], phrases, [r.score for r in results])
            name = store.save_image(overlay.resize(img.size) if overlay.size != img.size else overlay, "objects")
            return objects_report(phrases, results, work_img.size, img.size), overlay, name

        try:
            img = await anyio.to_thread.run_sync(lambda: load_image_argument(image, policy, "image"))
            async with gate.slot(lambda n: progress.send(1, f"queue: waiting (position {n})")):
                report, overlay, name = await run_in_worker(lambda: work(img), cancel,
                                                            rollback=lambda done: store.delete([done[2]]))
        except OIRError as exc:
            raise ToolError(str(exc)) from exc
        except Exception as exc:
            raise internal_error(exc, "find_objects") from exc
        data = {"objects": report, "overlay_uri": store.uri(name)}
        text = "\n".join(f"{o['phrase']!r}: {'found' if o['found'] else 'NOT FOUND'} (score {o['score']}, box "
                         f"{o['box']}, {o['area_fraction']:.1%} of the image)" for o in report)
        content = [_image_block(overlay, settings), TextContent(type="text", text=text),
                   ResourceLink(type="resource_link", uri=store.uri(name), name=name, mimeType="image/png")]
        return _reply(content, data, settings)

    server.add_tool(edit_image, description=inspect.cleandoc(edit_image.__doc__), annotations=edit_annotations,
                    structured_output=settings.structured)
    pairs_annotations = ToolAnnotations(title="Extract edit pairs", readOnlyHint=True, idempotentHint=True,
                                        openWorldHint=False)
    server.add_tool(extract_edit_pairs, description=inspect.cleandoc(extract_edit_pairs.__doc__),
                    annotations=pairs_annotations, structured_output=settings.structured)
    find_annotations = ToolAnnotations(title="Find objects (masks)", readOnlyHint=False, destructiveHint=False,
                                       idempotentHint=True, openWorldHint=False)
    server.add_tool(find_objects, description=inspect.cleandoc(find_objects.__doc__),
                    annotations=find_annotations, structured_output=settings.structured)
    from .refine_tools import add_refine_tools

    add_refine_tools(server, holder, gate, store, settings)
    for name in ("edit_image", "extract_edit_pairs", "find_objects", "refine_edit", "view_candidates"):
        strict_arguments(server, name)

    @server.resource("oir://outputs/{name}", mime_type="application/octet-stream")
    def outputs(name: str) -> bytes:
        """A file this server wrote: a full-size result PNG, a contact sheet, or diagnostics JSON."""
        found = store.read(name)
        if found is None:
            raise ResourceNotFoundError(f"no output named {name!r}")
        return found[0]

    return server


