"""An automated agent loop over the MCP stdio client: edit, read the diagnostics, refine a pair whose edit did not
take, compare. What an LLM assistant does with the same tools, without the LLM.

    .venv/bin/python examples/agent_loop.py                    # the shipped ShapeWorld model and scene (offline)
    .venv/bin/python examples/agent_loop.py --model tiny       # random weights: the loop runs, the pictures are noise

The scene's masks ship with it and are passed as explicit pairs. Rule used here: a pair is "weak" when its edit
score (CLIP of the region with the target minus with the source)
at the chosen step is not above zero; it is refined at the evaluated step with the best edit score, then at
deeper steps, until the score turns positive or the steps run out.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "oir_agent" / "presets" / "shapes" / "demo"


def edit_score(pair: dict, step: int) -> float | None:
    s = pair["search"]
    if step not in s["steps"]:
        return None
    j = s["steps"].index(step)
    e, src = s["s_edit"][j], (s["s_source"] or [None] * len(s["steps"]))[j]
    return None if e is None else e - (src or 0.0)


def weak_pairs(diagnostics: dict) -> list[dict]:
    return [p for p in diagnostics["pairs"] if (edit_score(p, p["optimal_step"]) or 0.0) <= 0.0]


async def main(args) -> int:
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    server = StdioServerParameters(command=sys.executable, args=[
        str(ROOT / "server.py"), "--model", args.model, "--allowed-dir", str(DEMO), "--output-dir", str(out)])
    async with Client(server, read_timeout_seconds=1800) as client:
        first = await client.call_tool("edit_image", {
            "image": "scene.png", "source_prompt": args.source_prompt, "steps": args.steps, "return_image": "link",
            "pairs": [{"source": "red circle", "target": "green triangle", "mask": "mask_left.png"},
                      {"source": "blue square", "target": args.right_target, "mask": "mask_right.png"}]})
        if first.is_error:
            print(first.content[0].text, file=sys.stderr)
            return 1
        d = first.structured_content
        print(f"edit {d['edit_id']}: steps {[p['optimal_step'] for p in d['pairs']]}, "
              f"{d['cost']['unet_sample_evals']} sample evaluations, {d['output']['uri']}")
        for w in d["warnings"]:
            print(f"  warning: {w}")
        total = d["cost"]["unet_sample_evals"]
        for pair in weak_pairs(d):
            name = pair["source"]
            tried = {pair["optimal_step"]}
            evaluated = [s for s in pair["search"]["steps"] if s not in tried]
            best = max(evaluated, key=lambda s: edit_score(pair, s) or float("-inf"), default=None)
            plan = ([best] if best else []) + [s for s in range(pair["optimal_step"] + 5, args.steps + 1, 5)]
            print(f"pair {name!r}: edit score {edit_score(pair, pair['optimal_step'])} at step "
                  f"{pair['optimal_step']}: refining")
            for step in plan:
                if step in tried:
                    continue
                tried.add(step)
                r = await client.call_tool("refine_edit", {"edit_id": d["edit_id"], "steps": {name: step},
                                                           "return_image": "link"})
                if r.is_error:
                    print(f"  refine failed: {r.content[0].text}", file=sys.stderr)
                    return 1
                rd = r.structured_content
                new = next(p for p in rd["pairs"] if p["source"] == name)
                score = edit_score(new, step)
                total += rd["cost"]["unet_sample_evals"]
                print(f"  step {step}: edit score {score:+.3f}, {rd['cost']['unet_sample_evals']} sample evaluations, "
                      f"{rd['output']['uri']}")
                if score is not None and score > 0:
                    print(f"  pair {name!r} now reads as {pair['target']!r} to CLIP at step {step}")
                    break
            else:
                view = await client.call_tool("view_candidates", {"edit_id": d["edit_id"], "pair": name})
                shown = [c["step"] for c in view.structured_content["candidates"]] if not view.is_error else []
                print(f"  pair {name!r} still does not read as {pair['target']!r} to CLIP at any step tried: leave the "
                      f"choice to a person or a vision model (view_candidates returned steps {shown} as images)")
        print(f"total {total} sample evaluations (one full edit: {d['cost']['unet_sample_evals']})")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="shapes")
    ap.add_argument("-s", "--source-prompt",
                    default="a red circle on the left and a blue square on the right on a gray background")
    ap.add_argument("--right-target", default="blue circle",  # a shape-only change: the one the model finds hard
                    help="what the blue square on the right becomes (the left red circle becomes a green triangle)")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--out", default="out/agent_loop")
    sys.exit(asyncio.run(main(ap.parse_args())))
