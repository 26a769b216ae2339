"""Search study (dev split only): every candidate of every pair, its raw S_e / S_ne and its judged outcome.

    python benchmarks/shapeworld/search_study.py [--split dev|collision-dev] [--cases 40] [--skip 0]
                                                 [--out runs/search_study.json]

For each case the exhaustive search runs once with ground-truth masks; each pair's candidates are judged on
their own (the pair's edit alone: object right? preserved region PSNR?), so any step-picking rule can be scored
offline on the same candidates. Used to design the default search metric (docs/DECISIONS.md); never run it on
the test split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from shapeworld import cases as bench  # noqa: E402

from oir_agent import OIRConfig, OIREditor, align_prompts  # noqa: E402
from oir_agent.engine.oir import invert_image, search_settings  # noqa: E402
from oir_agent.engine.runtime import Runtime  # noqa: E402
from oir_agent.engine.search import PairInput, search_steps  # noqa: E402
from oir_agent.images import to_tensor  # noqa: E402
from oir_agent.shapeworld.world import edit_scene  # noqa: E402


def single_edit_case(case, edit):
    """The case restricted to one edit: what a candidate of that pair alone should show."""
    changes = {}
    if edit.where != "background":
        changes[edit.where] = {k: v for k, v in (("colour", edit.target_colour), ("shape", edit.target_shape)) if v}
    target = edit_scene(case.source, changes, edit.target_background)
    return bench.Case(id=case.id, type=case.type, source=case.source, target=target, edits=[edit])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--split", choices=["dev", "collision-dev"], default="dev", help="a dev split (never a test one)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the split's first SKIP cases (to run halves)")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--out", default=str(ROOT / "runs" / "search_study.json"))
    ap.add_argument("--clip-mask", choices=["box", "mask"], default="box", help="what S_e sees (OIRConfig.clip_mask)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    editor = OIREditor.from_pretrained("shapes", device="cpu")
    # every step, scored by the paper's metric (the study records each candidate; the metric's choice is not used)
    cfg = OIRConfig(num_inference_steps=args.steps, search="exhaustive", search_metric="paper",
                    clip_mask=args.clip_mask, decode_batch=64, clip_batch=64)
    settings = search_settings(cfg, thumbnail_side=32)
    records = []
    t0 = time.time()
    for case in bench.cases_for(args.split, args.cases)[args.skip:]:
        alignment = align_prompts(case.source.caption, case.target.caption)
        regions = bench.pair_regions(case, alignment.pairs)
        rt = Runtime(editor.components)
        image = to_tensor(Image.fromarray(case.source.image))
        inv = invert_image(rt, image, case.source.caption, case.target.caption,
                           [p.guided_prompt for p in alignment.pairs], args.steps)
        schedule, emb, traj = inv.schedule, inv.embeddings, inv.trajectory
        inputs = [PairInput(guided_row=2 + k, clip_text=p.target, mask=torch.from_numpy(m), clip_source_text=p.source)
                  for k, (p, (_, m)) in enumerate(zip(alignment.pairs, regions))]
        searches = search_steps(rt, schedule, emb, traj, 0, inputs, image, settings)
        for p, (where, _), s in zip(alignment.pairs, regions, searches):
            edit = next(e for e in case.edits if e.where == where)
            sub = single_edit_case(case, edit)
            judged = [bench.judge(sub, np.asarray(t.permute(1, 2, 0))) for t in s.thumbnails]
            records.append({"case": case.id, "type": case.type, "kind": edit.kind, "pair": [p.source, p.target],
                            "steps": s.steps, "s_edit": s.s_edit.tolist(), "s_background": s.s_background.tolist(),
                            "s_source": s.s_source.tolist(),
                            "inside_change": s.inside_change.tolist() if s.inside_change is not None else None,
                            "success": [bool(j["success"][0]) for j in judged],
                            "psnr": [j["bg_psnr"] if j["bg_psnr"] is not None and np.isfinite(j["bg_psnr"]) else None
                                     for j in judged]})
        print(f"case {case.id} done, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(records))
    print(f"wrote {args.out}: {len(records)} pairs")


if __name__ == "__main__":
    main()
