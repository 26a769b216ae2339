"""The extract_edit_pairs tool: the aligner alone (instant, no image, no model, never queued)."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from ...errors import AlignmentError, OIRError
from ..calls import Refusal, internal_error, reply
from ..schema import PairsResult
from ..state import server_state

ANNOTATIONS = ToolAnnotations(title="Extract edit pairs", readOnlyHint=True, idempotentHint=True, openWorldHint=False)
UI = {"visibility": ["model"]}  # not for the view


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
        from ...errors import AlignmentError
        from ...text.aligner import align_prompts
        from ...text.instructions import parse_instruction

        if instruction:
            return parse_instruction(instruction, source_prompt=source_prompt)
        if source_prompt is None or target_prompt is None:
            raise AlignmentError("give source_prompt and target_prompt, or an instruction (optionally with "
                                 "source_prompt).")
        return align_prompts(source_prompt, target_prompt)

    try:
        alignment = await anyio.to_thread.run_sync(align)
    except AlignmentError as exc:
        return Refusal(exc).result()
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
    return reply([TextContent(type="text", text=text)], data, server_state(ctx).settings)
