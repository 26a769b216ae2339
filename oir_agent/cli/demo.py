"""`oir-agent demo`: a 2-pair edit with the shipped ShapeWorld model on a shipped image, offline, on CPU."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEMO = Path(__file__).parents[1] / "presets" / "shapes" / "demo"


def run_demo(args) -> int:
    from PIL import Image

    from ..config import OIRConfig
    from ..editor import OIREditor
    from ..files import save_image
    from ..request import prepare_edit
    from .output import StageProgress, check_writable, write_outputs

    spec = json.loads((DEMO / "edit.json").read_text())
    out = Path(args.output_dir)
    paths = out / "edited.png", out / "diagnostics.json", out / "sheet.png"
    check_writable(str(paths[0]), "--output-dir")
    request = prepare_edit(DEMO / "scene.png", source_prompt=spec["source_prompt"],
                           target_prompt=spec["target_prompt"], masks={k: DEMO / v for k, v in spec["masks"].items()},
                           config=OIRConfig(seed=0))
    editor = OIREditor.from_pretrained("shapes", device=args.device)
    bar = StageProgress(enabled=not args.quiet)
    try:
        result = editor.run(request, progress=bar)
    finally:
        bar.close()
    with Image.open(DEMO / "scene.png") as scene:
        save_image(scene.convert("RGB"), out / "input.png")
    write_outputs(result, *paths, input_path=out / "input.png")
    print(f"source: {result.source_prompt}\ntarget: {result.target_prompt}", file=sys.stderr)
    for p in result.pairs:
        print(f"  {p.source!r} -> {p.target!r}: optimal inversion step {p.optimal_step}/{result.num_inference_steps}",
              file=sys.stderr)
    print(f"  {result.cost.unet_sample_evals} UNet sample evaluations in {result.cost.unet_calls} calls, "
          f"{result.timings_s['total']:.1f} s", file=sys.stderr)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for p in (out / "input.png",) + paths:
        print(p)
    return 0
