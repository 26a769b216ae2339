"""ShapeWorld edit benchmark: OIR vs fixed-depth editing, with exact ground truth. Prints a table, writes JSON
and a picture grid. Asserts nothing: if the paper's claim does not hold here, the numbers say so.

    python benchmarks/shapeworld_edit.py [--cases 100] [--steps 50] [--out runs/shapeworld_edit]

Methods (one DDIM inversion per case, shared by all of them):
  (a) oir_gt        OIR with ground-truth masks
  (b) oir_attn      OIR with attention (DiffEdit) masks from the same model
  (c) fixed_k       invert to level k and denoise with the target prompt (k = 20%..100% of N); best k in hindsight
  (d) shared_step   OIR ablation: one inversion step for all pairs (argmax of the pairs' mean search metric)
      no_reinv      OIR ablation: no re-inversion (re = 0)
Metrics: pair success (the object's region shows the target colour and shape; the background its target
colour), background PSNR outside all edited regions, concept mismatch (an object shows another pair's target
attribute), mean chosen step per edit type, UNet sample evaluations per edit.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oir_agent import OIRConfig, OIREditor, align_prompts  # noqa: E402
from oir_agent.engine import reassembly  # noqa: E402
from oir_agent.engine.inversion import invert  # noqa: E402
from oir_agent.engine.runtime import Runtime  # noqa: E402
from oir_agent.engine.sampler import Job, run_jobs  # noqa: E402
from oir_agent.engine.schedule import DDIMSchedule  # noqa: E402
from oir_agent.engine.search import PairInput, SearchSettings, search_steps  # noqa: E402
from oir_agent.images import to_tensor  # noqa: E402
from oir_agent.masks.attention import AttentionMasks  # noqa: E402
from oir_agent.engine.geometry import dilate  # noqa: E402
from oir_agent.shapeworld.evaluate import psnr, read_background, read_object, side_region  # noqa: E402
from oir_agent.shapeworld.world import BACKGROUNDS, COLOURS, SHAPES, Scene, edit_scene, sample_scene  # noqa: E402

SEED0 = 2_000_000  # disjoint from training (0..23,999) and the gates (>= 1,000,000)
FIXED_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 1.0)  # k = 10, 20, 30, 40, 50 of N = 50
TYPES = ["colour", "shape", "colour+shape", "background", "obj+obj", "obj+bg"]
SHARES = {"colour": 10, "shape": 10, "colour+shape": 10, "background": 10, "obj+obj": 40, "obj+bg": 20}


@dataclass
class Edit:
    where: str  # "left" | "right" | "background"
    kind: str  # "colour" | "shape" | "colour+shape" | "background"
    target_colour: str | None = None
    target_shape: str | None = None
    target_background: str | None = None


@dataclass
class Case:
    id: int
    type: str
    source: Scene
    target: Scene
    edits: list[Edit] = field(default_factory=list)

    @property
    def num_pairs(self) -> int:
        return len(self.edits)


def _object_edit(rng, obj, kind: str, avoid: tuple = ()) -> Edit:
    colours = [c for c in COLOURS if c != obj.colour and c not in avoid]
    shapes = [s for s in SHAPES if s != obj.shape and s not in avoid]
    e = Edit(where=obj.side, kind=kind)
    if "colour" in kind:
        e.target_colour = str(rng.choice(colours))
    if "shape" in kind:
        e.target_shape = str(rng.choice(shapes))
    return e


def make_cases(n: int, seed0: int = SEED0) -> list[Case]:
    """n edit cases, edit types in fixed shares (40% single-pair, 60% two-pair), deterministic."""
    order = [t for t in TYPES for _ in range(SHARES[t])]
    cases = []
    for i in range(n):
        kind = order[i % len(order)] if n >= len(order) else order[(i * len(order)) // n]
        rng = np.random.default_rng(seed0 + i)
        scene = sample_scene(seed0 + i, num_objects=2 if kind in ("obj+obj", "obj+bg") else int(rng.choice([1, 2])))
        edits: list[Edit] = []
        if kind in ("colour", "shape", "colour+shape"):
            edits.append(_object_edit(rng, scene.objects[int(rng.integers(len(scene.objects)))], kind))
        elif kind == "background":
            edits.append(Edit("background", "background",
                              target_background=str(rng.choice([b for b in BACKGROUNDS if b != scene.background]))))
        elif kind == "obj+obj":
            first = _object_edit(rng, scene.objects[0], str(rng.choice(["colour", "shape", "colour+shape"])))
            avoid = (first.target_colour, first.target_shape)  # distinct targets make concept mismatch visible
            edits += [first, _object_edit(rng, scene.objects[1], str(rng.choice(["colour", "shape", "colour+shape"])),
                                          avoid)]
        else:
            edits += [_object_edit(rng, scene.objects[int(rng.integers(2))], str(rng.choice(["colour", "shape"]))),
                      Edit("background", "background",
                           target_background=str(rng.choice([b for b in BACKGROUNDS if b != scene.background])))]
        changes = {e.where: {k: v for k, v in (("colour", e.target_colour), ("shape", e.target_shape)) if v}
                   for e in edits if e.where != "background"}
        bg = next((e.target_background for e in edits if e.where == "background"), None)
        cases.append(Case(id=i, type=kind, source=scene, target=edit_scene(scene, changes, bg), edits=edits))
    return cases


def pair_regions(case: Case, pairs) -> list[tuple[str, np.ndarray]]:
    """(where, ground-truth source mask) of each aligned pair, from the pair's position in the caption."""
    caption = case.source.caption
    left_end = caption.find(" on the left")
    bg_start = caption.rfind(" on a ")
    sides = {o.side: m for o, m in zip(case.source.objects, case.source.masks)}
    out = []
    for p in pairs:
        start = p.source_span[0]
        if start > bg_start:
            out.append(("background", case.source.background_mask))
        elif "left" in sides and (left_end < 0 or start < left_end):
            out.append(("left", sides["left"]))
        else:
            out.append(("right", sides["right"]))
    return out


def judge(case: Case, image: np.ndarray) -> dict:
    """Pair success, concept mismatch and background PSNR of one result image (uint8 32x32x3)."""
    objects_union = np.zeros(image.shape[:2], bool)
    for m in case.target.masks:
        objects_union |= m
    bg_name, bg_rgb = read_background(image, exclude=_dilate(objects_union))
    readings = {side: read_object(image, side_region(side), bg_rgb) for side in ("left", "right")}
    success, mismatch = [], []
    edited = np.zeros(image.shape[:2], bool)
    for e in case.edits:
        if e.where == "background":
            success.append(bg_name == e.target_background)
            continue
        tgt = next(o for o in case.target.objects if o.side == e.where)
        r = readings[e.where]
        success.append(r is not None and r.colour == tgt.colour and r.shape == tgt.shape)
        others = [o for o in case.edits if o.where not in ("background", e.where)]
        src = next(o for o in case.source.objects if o.side == e.where)
        leaked = False
        for other in others:
            if r is None:
                continue
            if other.target_colour and other.target_colour not in (tgt.colour, src.colour) and r.colour == other.target_colour:
                leaked = True
            if other.target_shape and other.target_shape not in (tgt.shape, src.shape) and r.shape == other.target_shape:
                leaked = True
        if others:
            mismatch.append(leaked)
        for scene in (case.source, case.target):
            for o, m in zip(scene.objects, scene.masks):
                if o.side == e.where:
                    edited |= m
    if any(e.where == "background" for e in case.edits):
        keep = np.zeros_like(edited)
        for o, m in zip(case.source.objects, case.source.masks):
            if o.side not in [e.where for e in case.edits]:
                keep |= m
        keep &= ~_dilate(edited)
    else:
        keep = ~_dilate(edited)
    bg_psnr = psnr(image, case.source.image, keep) if keep.any() else None
    return {"success": success, "mismatch": mismatch, "bg_psnr": bg_psnr}


def _dilate(m: np.ndarray) -> np.ndarray:
    """One pixel of growth (3x3 square)."""
    return dilate(torch.from_numpy(m), 1).numpy()


def _u8(t: torch.Tensor) -> np.ndarray:
    return (t.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()


class Runner:
    """Runs every method on a case, sharing the inversion (and the search where methods share masks)."""

    def __init__(self, editor: OIREditor, steps: int, with_attention: bool = True):
        self.editor, self.n, self.with_attention = editor, steps, with_attention
        self.config = OIRConfig(num_inference_steps=steps)
        self.schedule = DDIMSchedule.from_config(editor.components.scheduler_config, steps)

    def run(self, case: Case) -> dict:
        cfg, n = self.config, self.n
        r, re = cfg.resolved_reassembly_step, cfg.resolved_reinversion_steps
        alignment = align_prompts(case.source.caption, case.target.caption)
        regions = pair_regions(case, alignment.pairs)
        rt = Runtime(self.editor.components)
        emb = rt.encode_prompts([case.source.caption, case.target.caption] +
                                [p.guided_prompt for p in alignment.pairs])
        rows = list(range(2, 2 + len(alignment.pairs)))
        image = to_tensor(Image.fromarray(case.source.image)).to(rt.device)
        z0 = rt.encode_images(image[None])[0]
        traj = invert(rt, self.schedule, emb, z0, 0)
        base_cost = rt.cost.unet_sample_evals
        out: dict = {"pairs": [(p.source, p.target, where) for p, (where, _) in zip(alignment.pairs, regions)]}
        gt_masks = [torch.from_numpy(m) for _, m in regions]
        mask_sets = {"oir_gt": gt_masks}
        if self.with_attention:
            attn = AttentionMasks(rt).masks_for_prompts(Image.fromarray(case.source.image),
                                                        [p.guided_prompt for p in alignment.pairs],
                                                        [case.source.caption] * len(rows), seed=0)
            mask_sets["oir_attn"] = [torch.from_numpy(a.mask) for a in attn]
            out["attention_iou"] = [float((a.mask & m).sum() / max(1, (a.mask | m).sum()))
                                    for a, (_, m) in zip(attn, regions)]
        settings = SearchSettings(guidance_scale=cfg.guidance_scale, reassembly_step=r, max_batch=None,
                                  decode_batch=64, clip_batch=64, clip_region=cfg.clip_region,
                                  clip_crop_margin=cfg.clip_crop_margin, clip_patch_coverage=cfg.clip_patch_coverage,
                                  thumbnail_side=32)
        for name, masks in mask_sets.items():
            before = rt.cost.unet_sample_evals
            inputs = [PairInput(guided_row=row, clip_text=p.target, mask=m.to(rt.device))
                      for row, p, m in zip(rows, alignment.pairs, masks)]
            searches = search_steps(rt, self.schedule, emb, traj, 0, inputs, image, settings)
            search_cost = rt.cost.unet_sample_evals - before
            variants = {name: (searches, re)}
            if name == "oir_gt":
                variants["shared_step"] = (self._shared(searches), re)
                variants["no_reinv"] = (searches, 0)
            for vname, (s, re_v) in variants.items():
                before = rt.cost.unet_sample_evals
                img = self._reassemble(rt, emb, traj, s, rows, masks, r, re_v)
                out[vname] = {"image": img, "steps": [x.optimal_step for x in s],
                              "evals": base_cost + search_cost + rt.cost.unet_sample_evals - before}
        # (c) fixed depth, all k at once.
        ks = [max(1, round(f * n)) for f in FIXED_FRACTIONS]
        jobs = [Job(latent=traj[k], start=k, end=0, cond=1, uncond=0, guidance_scale=cfg.guidance_scale) for k in ks]
        lat = torch.stack([o.latent for o in run_jobs(rt, self.schedule, emb, jobs)])
        imgs = rt.decode_latents(lat, len(ks))
        for k, img in zip(ks, imgs):
            out[f"fixed_{k}"] = {"image": _u8(img), "steps": [k] * len(rows), "evals": 3 * k}  # invert k + CFG 2k
        return out

    @staticmethod
    def _shared(searches):
        mean = torch.stack([s.score for s in searches]).mean(0)
        best = searches[0].steps[int(torch.nonzero(mean == mean.max())[0, 0])]
        shared = []
        for s in searches:
            c = copy.copy(s)
            c.optimal_step = best
            shared.append(c)
        return shared

    def _reassemble(self, rt, emb, traj, searches, rows, masks, r, re) -> np.ndarray:
        cfg = self.config
        h, w = traj.shape[-2:]
        lm = reassembly.latent_masks(torch.stack(masks), h, w, cfg.mask_dilation, cfg.latent_mask_threshold)
        at_r = reassembly.latents_at_reassembly(rt, self.schedule, emb, searches, rows, r, None)
        pasted = reassembly.paste(traj[r], at_r, lm)
        final = reassembly.reinvert_and_denoise(rt, self.schedule, emb, pasted, r, re, 0, 1, cfg.guidance_scale, None,
                                                None)
        return _u8(rt.decode_latents(final[None], 1)[0])


def summarise(cases: list[Case], results: list[dict]) -> dict:
    methods = [m for m in results[0] if isinstance(results[0][m], dict) and "image" in results[0][m]]
    table = {}
    per_case: dict[str, list[dict]] = {}
    for m in methods:
        succ, succ2, mism, psnrs, evals = [], [], [], [], []
        steps_by_type: dict[str, list[int]] = {}
        success_by_kind: dict[str, list[bool]] = {}
        success_by_case_type: dict[str, list[bool]] = {}
        for case, res in zip(cases, results):
            j = judge(case, res[m]["image"])
            succ += j["success"]
            if case.num_pairs == 2:
                succ2 += j["success"]
            mism += j["mismatch"]
            if j["bg_psnr"] is not None and np.isfinite(j["bg_psnr"]):
                psnrs.append(j["bg_psnr"])
            evals.append(res[m]["evals"])
            for e, s, ok in zip(case.edits, res[m]["steps"], j["success"]):
                steps_by_type.setdefault(e.kind, []).append(s)
                success_by_kind.setdefault(e.kind, []).append(ok)
            success_by_case_type.setdefault(case.type, []).extend(j["success"])
            per_case.setdefault(m, []).append({"success": j["success"], "steps": list(res[m]["steps"]),
                                               "bg_psnr": j["bg_psnr"] if j["bg_psnr"] is not None
                                               and np.isfinite(j["bg_psnr"]) else None})
        table[m] = {"pair_success": float(np.mean(succ)), "pair_success_2pair": float(np.mean(succ2)) if succ2 else None,
                    "concept_mismatch": float(np.mean(mism)) if mism else None,
                    "bg_psnr_db": float(np.mean(psnrs)) if psnrs else None, "unet_sample_evals": float(np.mean(evals)),
                    "mean_step_by_type": {k: float(np.mean(v)) for k, v in sorted(steps_by_type.items())},
                    "success_by_edit_kind": {k: float(np.mean(v)) for k, v in sorted(success_by_kind.items())},
                    "success_by_case_type": {k: float(np.mean(success_by_case_type[k]))
                                             for k in TYPES if k in success_by_case_type}}
    fixed = [m for m in table if m.startswith("fixed_")]
    # Best k in hindsight, judged where the target is stated: 2-pair cases (all cases if there are none).
    best = max(fixed, key=lambda m: table[m]["pair_success_2pair"] or table[m]["pair_success"])
    table["best_fixed"] = dict(table[best], k=int(best.split("_")[1]))
    ious = [i for res in results for i in res.get("attention_iou", [])]
    return {"methods": table, "attention_mask_iou": float(np.mean(ious)) if ious else None, "cases": len(cases),
            "two_pair_cases": sum(c.num_pairs == 2 for c in cases),
            "per_case": [{"id": c.id, "type": c.type, "source": c.source.caption, "target": c.target.caption,
                          "edits": [e.kind for e in c.edits], **{m: per_case[m][i] for m in methods}}
                         for i, c in enumerate(cases)]}


def print_table(summary: dict) -> None:
    print(f"\nShapeWorld edit benchmark: {summary['cases']} cases ({summary['two_pair_cases']} two-pair)")
    print(f"{'method':14s} {'pair succ':>9s} {'2-pair succ':>11s} {'mismatch':>9s} {'bg PSNR':>8s} {'evals':>7s}  "
          "mean chosen step by edit type")
    fmt = lambda v, f: "-" if v is None else format(v, f)
    for m, t in summary["methods"].items():
        label = m if m != "best_fixed" else f"best_fixed{t['k']}"
        steps = ", ".join(f"{k} {v:.0f}" for k, v in t["mean_step_by_type"].items())
        print(f"{label:14s} {t['pair_success']:9.1%} {fmt(t['pair_success_2pair'], '11.1%'):>11s} "
              f"{fmt(t['concept_mismatch'], '9.1%'):>9s} {fmt(t['bg_psnr_db'], '8.1f'):>8s} "
              f"{t['unet_sample_evals']:7.0f}  {steps}")
    kinds = list(next(iter(summary["methods"].values()))["success_by_case_type"])
    print(f"\npair success by case type\n{'method':14s} " + " ".join(f"{k:>13s}" for k in kinds))
    for m, t in summary["methods"].items():
        label = m if m != "best_fixed" else f"best_fixed{t['k']}"
        print(f"{label:14s} " + " ".join(f"{t['success_by_case_type'][k]:13.1%}" for k in kinds))
    if summary["attention_mask_iou"] is not None:
        print(f"attention-mask IoU vs ground truth: {summary['attention_mask_iou']:.3f}")


def grid(cases, results, path: Path, best_k: int, rows: int = 8) -> None:
    """Picture grid, one case per row; columns: source, target, oir_gt, oir_attn, best fixed k, shared_step,
    no_reinv."""
    cols = ["source", "target", "oir_gt", "oir_attn", "best_fixed", "shared_step", "no_reinv"]
    best = f"fixed_{best_k}"
    tiles = []
    picks = sorted(set(np.linspace(0, len(cases) - 1, min(rows, len(cases))).round().astype(int).tolist()))
    for case, res in [(cases[i], results[i]) for i in picks]:  # spread over the case list: every edit type
        row = []
        for c in cols:
            if c == "source":
                row.append(case.source.image)
            elif c == "target":
                row.append(case.target.image)
            elif c == "best_fixed":
                row.append(res[best]["image"])
            elif c in res:
                row.append(res[c]["image"])
            else:
                row.append(np.zeros_like(case.source.image))
        tiles.append(np.concatenate([np.pad(t, ((1, 1), (1, 1), (0, 0)), constant_values=255) for t in row], 1))
    Image.fromarray(np.concatenate(tiles, 0)).resize((len(cols) * 34 * 4, len(tiles) * 34 * 4), Image.NEAREST).save(path)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="shapes")
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--out", default=str(ROOT / "runs" / "shapeworld_edit"))
    ap.add_argument("--no-attention", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    editor = OIREditor.from_pretrained(args.model, device="cpu")
    cases = make_cases(args.cases)
    runner = Runner(editor, args.steps, with_attention=not args.no_attention)
    results = []
    t0 = time.time()
    for i, case in enumerate(cases):
        results.append(runner.run(case))
        if (i + 1) % 10 == 0:
            print(f"  {i + 1}/{len(cases)} cases, {time.time() - t0:.0f} s", file=sys.stderr)
    summary = summarise(cases, results)
    summary["steps"] = args.steps
    summary["seconds"] = time.time() - t0
    print_table(summary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    grid(cases, results, out / "grid.png", summary["methods"]["best_fixed"]["k"])
    print(f"wrote {out / 'summary.json'} and {out / 'grid.png'}")
    return summary


if __name__ == "__main__":
    main()
