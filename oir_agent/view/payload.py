"""What the edit view shows, as JSON with the pictures inline (data: URLs): the input, the result, each pair's mask
and candidate thumbnails, its score curve and chosen step, cost, time and warnings. No file-system path is in it.

One builder, two sources: an EditResult (the server's edit_image / refine_edit, `oir-agent view --serve` after a
refine) or a diagnostics file with its images and, optionally, the saved edit (`oir-agent view`).
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image

from ..images import preview_jpeg, to_pil

VIEW_KEY = "oir-agent/view"  # the tool result's _meta entry (hosts pass _meta to the view, not to the model)
PICTURE_SIDE = 640  # input and result are shown at most this large (the full-size result stays an oir:// link)
THUMB_SIDE = 96


def payload_from_result(result, output_uri: str | None = None, diagnostics: dict | None = None) -> dict[str, Any]:
    """The view of an EditResult (its pairs carry masks and candidate thumbnails); `diagnostics`: its to_dict()
    when the caller already has it."""
    masks = [p.mask_array for p in result.pairs]
    thumbs = [list(p.candidates) for p in result.pairs]
    source = result.input_image if result.input_image is not None else result.image
    return build(diagnostics or result.to_dict(), source, result.image, masks, thumbs, output_uri)


def payload_from_files(diagnostics: dict, input_image: Image.Image, output_image: Image.Image,
                       stored=None) -> dict[str, Any]:
    """The view of a diagnostics JSON and its images; `stored` (a saved edit) adds masks and candidates."""
    masks: list = [None] * len(diagnostics["pairs"])
    thumbs: list = [[] for _ in diagnostics["pairs"]]
    if stored is not None:
        masks = [m.mask for m in stored.masks]
        thumbs = [[to_pil(t) for t in s.thumbnails] for s in stored.searches]
    return build(diagnostics, input_image, output_image, masks, thumbs, None)


def build(d: dict, input_image: Image.Image, output_image: Image.Image, masks: list, thumbs: list,
          output_uri: str | None) -> dict[str, Any]:
    pairs = []
    for k, p in enumerate(d["pairs"]):
        s = p["search"]
        steps = list(s["steps"])
        shown = thumbs[k] if k < len(thumbs) and len(thumbs[k]) == len(steps) else []
        mask = masks[k] if k < len(masks) else None
        pairs.append({
            "id": p.get("id") or p["source"], "source": p["source"], "target": p["target"],
            "kind": p.get("kind", "object"), "optimal_step": p["optimal_step"], "steps": steps,
            "score": s["score"], "s_edit": s["s_edit"], "metric": s.get("metric", ""),
            "strategy": s.get("strategy", ""), "mask_provider": p["mask"]["provider"],
            "area_fraction": p["mask"]["area_fraction"],
            "mask": _mask_url(mask) if mask is not None else None,
            "thumbs": [_jpeg_url(t, THUMB_SIDE) for t in shown],
        })
    return {
        "version": 1, "edit_id": d.get("edit_id"), "model": d.get("model"),
        "source_prompt": d["source_prompt"], "target_prompt": d["target_prompt"],
        "num_inference_steps": d["num_inference_steps"], "cost": d["cost"], "timings_s": d.get("timings_s", {}),
        "warnings": d.get("warnings", []), "output_uri": output_uri,
        "input": _jpeg_url(input_image.resize(output_image.size) if input_image.size != output_image.size
                           else input_image, PICTURE_SIDE),
        "result": _jpeg_url(output_image, PICTURE_SIDE), "pairs": pairs,
    }


def _jpeg_url(image: Image.Image, side: int) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(preview_jpeg(image, side)).decode("ascii")


def _mask_url(mask) -> str:
    arr = np.asarray(mask).astype(bool)
    img = Image.fromarray((arr * 255).astype(np.uint8), mode="L")
    if max(img.size) > PICTURE_SIDE:
        img.thumbnail((PICTURE_SIDE, PICTURE_SIDE), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
