"""The edit_image tool: the whole OIR edit (pairs, masks, inversion, search, reassembly) behind the device gate."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from mcp.server.apps import client_supports_apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field

from ...config import default, knobs
from ...view.page import VIEW_URI
from ..calls import Progress, edit_reply, event, gated_edit, refusals, write_edit
from ..inputs import argument_reference, load_image_argument
from ..schema import EditToolResult
from ..state import server_state

ANNOTATIONS = ToolAnnotations(title="Edit image (OIR)", readOnlyHint=False, destructiveHint=False,
                              idempotentHint=True, openWorldHint=False)
UI = {"resourceUri": VIEW_URI, "visibility": ["model"]}  # the view shows its result; the view cannot start edits
_K = knobs()


class PairArgument(BaseModel):
    source: str = Field(description="the object's words exactly as in source_prompt, e.g. 'dumplings'")
    target: str = Field(description="what it becomes, e.g. 'fried rice'")
    mask: str | None = Field(default=None, description="optional mask image (path/URI/base64 like `image`); "
                                                       "white = the object")


@refusals
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
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, description=_K["seed"].help)] = default("seed"),
    steps: Annotated[int, Field(ge=2, le=1000, description=_K["num_inference_steps"].help)]
    = default("num_inference_steps"),
    pair_steps: Annotated[dict[str, int] | None,
                          Field(description="optional: fix a pair's inversion step (1..steps) and skip its "
                                            "search, keyed by the pair's id or source phrase (or number, 1-based), "
                                            "e.g. {\"dumplings\": 30}; higher = more change. Read optimal_step "
                                            "and the score curves of an earlier result to choose")] = None,
    keep_margin: Annotated[float, Field(ge=0.0, le=0.5, description=_K["keep_margin"].help)] = default("keep_margin"),
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
    state = server_state(ctx)
    if steps > state.settings.max_steps:
        raise ToolError(f"steps={steps} is over this server's limit of {state.settings.max_steps}; use 50 or fewer.")
    cancel = threading.Event()
    progress = Progress(ctx, cancel)

    def prepare():
        """Every input checked before the model is touched (a bad call fails fast even on a cold server)."""
        from ...config import OIRConfig
        from ...request import prepare_edit

        img = load_image_argument(image, state.policy, "image")
        masks = None
        if pairs:
            given = [p.mask for p in pairs]
            if any(given) and not all(given):
                raise ToolError("give a mask for every pair or for none (the others would be guessed "
                                "inconsistently).")
            if all(given):
                masks = [load_image_argument(m, state.policy, f"mask for {p.source!r}") for m, p in zip(given, pairs)]
        config = OIRConfig(num_inference_steps=steps, seed=seed, keep_outside=keep_margin < 0.5,
                           keep_margin=keep_margin, mask_provider="given" if masks is not None else "auto")
        return prepare_edit(img, source_prompt=source_prompt, target_prompt=target_prompt,
                            instruction=instruction, pairs=[(p.source, p.target) for p in pairs] if pairs else None,
                            masks=masks, config=config, steps=pair_steps)

    def work(request):
        progress.from_thread(event("load", 0, 1, "loading model" if not state.holder.loaded else "model ready"))
        editor = state.holder.get()
        result = editor.run(request, progress=progress.from_thread, cancel=cancel)
        result, names = write_edit(result, state.store, diagnostic_sheet, argument_reference(image))
        return result, names, editor.edits.occupancy()

    result, names, memory = await gated_edit(state.gate, progress, cancel, state.store, work, "edit_image",
                                             before=prepare)
    return edit_reply(result, names, state.store, state.settings, return_image, candidates=return_candidates,
                      edit_memory=memory, view=client_supports_apps(ctx))
