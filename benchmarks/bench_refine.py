"""What a refine (re-pick of steps from a kept edit) costs against the edit itself, and what a kept edit weighs.

    python benchmarks/bench_refine.py

Prints, for the tiny preset and the trained `shapes` model at N = 50 (two pairs, given masks): the edit's and
a refine's counted sample evaluations and wall time, and the kept entry's bytes; then the bytes of a kept
2-pair edit at 512x512 on Stable Diffusion (sd-random's shapes), computed from tensor sizes.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def measure(model: str, image, source: str, pairs, masks, repeats: int = 3) -> None:
    from oir_agent import OIRConfig, OIREditor

    editor = OIREditor.from_pretrained(model)
    t = time.perf_counter()
    result = editor.edit(image, source_prompt=source, pairs=pairs, masks=masks, config=OIRConfig())
    edit_s = time.perf_counter() - t
    steps = [p.optimal_step for p in result.pairs]
    stored = editor.edits.get(result.edit_id)
    alt = next(i for i in result.pairs[0].search.steps if i != steps[0])
    walls, costs = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        refined = editor.refine(result.edit_id, {result.pairs[0].source: alt})
        walls.append(time.perf_counter() - t)
        costs.append(refined.cost.unet_sample_evals)
    wall = statistics.median(walls)
    print(f"{model:>7}: edit {result.cost.unet_sample_evals:,} sample evals in {edit_s:.2f} s; refine "
          f"{costs[0]} sample evals ({costs[0] / result.cost.unet_sample_evals:.1%}) in {wall:.2f} s "
          f"(wall ratio {wall / edit_s:.1%}); kept entry {stored.nbytes / 2**20:.2f} MB "
          f"({len(stored.searches[0].steps) + len(stored.searches[1].steps)} candidates)")


def sd_entry_bytes(n: int = 50, side: int = 512, candidates_per_pair: int = 14, pairs: int = 2) -> int:
    """A kept 2-pair edit at side x side on SD 1.x, from tensor sizes: fp32 latents 4 x side/8 x side/8, CLIP-L
    text embeddings 77 x 768 for 2 + K prompts, the working image, masks, 128 px thumbnails."""
    f32, latent = 4, 4 * (side // 8) ** 2
    trajectory = (n + 1) * latent * f32
    embeddings = (2 + pairs) * 77 * 768 * f32
    image = 3 * side * side * f32
    masks = pairs * side * side * 2  # bool, as a tensor and as the report's array
    per_candidate = 2 * latent * f32 + 3 * 128 * 128  # latent at level 0 and at r, plus a uint8 thumbnail
    return trajectory + embeddings + image + masks + pairs * candidates_per_pair * per_candidate


def main() -> None:
    from conftest import SOURCE, scene, scene_masks

    measure("tiny", scene(), SOURCE, [("red circle", "green triangle"), ("blue square", "yellow circle")],
            list(scene_masks()))
    demo = ROOT / "oir_agent" / "presets" / "shapes" / "demo"
    measure("shapes", demo / "scene.png", "a red circle on the left and a blue square on the right on a gray background",
            [("red circle", "green triangle"), ("blue square", "yellow circle")],
            [demo / "mask_left.png", demo / "mask_right.png"])
    print(f"SD 1.x, 512x512, 2 pairs, N = 50, 14 candidates per pair: {sd_entry_bytes() / 2**20:.1f} MB per kept "
          f"edit (the default 512 MB keeps ~{512 * 2**20 // sd_entry_bytes()} edits)")


if __name__ == "__main__":
    main()
