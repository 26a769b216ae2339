"""The find_objects tool: masks only, with a tinted overlay (no edit)."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import Field

from ...config import FIND_PROVIDERS
from ...errors import OIRError
from ..calls import Progress, image_block, internal_error, reply, run_in_worker
from ..inputs import load_image_argument
from ..schema import ObjectsResult
from ..state import server_state

ANNOTATIONS = ToolAnnotations(title="Find objects (masks)", readOnlyHint=False, destructiveHint=False,
                              idempotentHint=True, openWorldHint=False)
UI = {"visibility": ["model"]}  # not for the view


async def find_objects(
    image: Annotated[str, Field(description="the picture, in any form edit_image accepts")],
    phrases: Annotated[list[str], Field(min_length=1, max_length=8, description="objects to find, e.g. "
                                                                                "['dumplings', 'chopsticks']")],
    ctx: Context,
    provider: Annotated[Literal[FIND_PROVIDERS],  # type: ignore[valid-type]
                        Field(description="mask maker (auto: Grounded-SAM when available)")] = "auto",
) -> Annotated[CallToolResult, ObjectsResult]:
    """Find objects and return their masks as a tinted overlay picture plus boxes and scores, without
    editing. Use it to check that the objects you want to edit are found where you expect."""
    state = server_state(ctx)
    cancel = threading.Event()
    progress = Progress(ctx, cancel)

    def work(img):
        from ...images import to_rgb
        from ...report import mask_overlay, objects_report

        img = to_rgb(img)  # the displayed orientation (EXIF applied): boxes and overlay match what people see
        editor = state.holder.get()
        results, work_img = editor.find_objects(img, phrases, provider=provider, cancel=cancel)
        overlay = mask_overlay(work_img, [r.mask for r in results], phrases, [r.score for r in results])
        name = state.store.save_image(overlay.resize(img.size) if overlay.size != img.size else overlay, "objects")
        return objects_report(phrases, results, work_img.size, img.size), overlay, name

    try:
        img = await anyio.to_thread.run_sync(lambda: load_image_argument(image, state.policy, "image"))
        async with state.gate.slot(lambda n: progress.send(1, f"queue: waiting (position {n})")):
            report, overlay, name = await run_in_worker(lambda: work(img), cancel,
                                                        rollback=lambda done: state.store.delete([done[2]]))
    except OIRError as exc:
        raise ToolError(str(exc)) from exc
    except Exception as exc:
        raise internal_error(exc, "find_objects") from exc
    data = {"objects": report, "overlay_uri": state.store.uri(name)}
    text = "\n".join(f"{o['phrase']!r}: {'found' if o['found'] else 'NOT FOUND'} (score {o['score']}, box "
                     f"{o['box']}, {o['area_fraction']:.1%} of the image)" for o in report)
    content = [image_block(overlay, state.settings), TextContent(type="text", text=text),
               ResourceLink(type="resource_link", uri=state.store.uri(name), name=name, mimeType="image/png")]
    return reply(content, data, state.settings)
