"""ShapeWorld edit benchmark: OIR vs every fixed depth vs the diffusers editing peers, with exact ground truth.
Prints tables, writes JSON, a picture grid and the success/preservation frontier. Asserts nothing.

    python benchmarks/shapeworld_edit.py [--cases 100] [--split default|dev|test | --seed0 S] [--steps 50]
                                         [--out runs/shapeworld_edit] [--no-attention] [--no-peers]

Every method runs through the engine's own stages (oir_agent.engine.oir) on one counted Runtime; each method's
cost is the sample evaluations it caused (shared work, like the inversion, is charged to every method using it;
work batched across methods - the reassemblies, the fixed depths - is split by closed form and the counted total
is checked against the sum, so a miscount stops the run).
  oir                      the default: budgeted search, edit-first metric, ground-truth masks, the finished
                           image checked per pair (verify_edits: a pair whose edit the reassembly lost moves to a
                           deeper candidate, one retry, kept if fewer were lost)
  unverified               the default without that check; every variant below is reassembled without it too,
                           so compare them with this row
  oir_exhaustive           the same metric over every step (the budgeted search's reference)
  oir_paper                the first release's step choice: exhaustive search, the paper's metric (Eq. 1-3),
                           shallow pairs inverted from their candidate (with the default's keep_outside, so
                           the two metrics are compared under one reassembly)
  oir_paper_source_latent  the paper's choice of steps, shallow pairs pasted from z_r
  oir_invert_shallow       the default's choice of steps, shallow pairs inverted from their candidate
  oir_strict_background    the default with strict_background (outside the masks reset to the inversion path
                           at every step of the final denoise)
  oir_regenerate           the default without keep_outside (the whole image regenerated, as before)
  oir_attn                 the default with noise-difference (DiffEdit-style) masks from the same model (cost included)
  shared_step              ablation: one step for all pairs (the mean of the pairs' scores over all steps)
  no_reinv                 ablation: the default without re-inversion
  reinv_adaptive           the default with deep_reinversion_fraction=0.08: re 8% of N when every pair's chosen step
                           is deeper than r, else 20% (measured, not adopted: docs/DECISIONS.md)
  reinv_8                  the default with a fixed re-inversion of 8% of N, shallow pairs too
  oir_per_pair             the default with final_prompts="per-pair" (each pair's guided prompt inside its region
                           during the final denoise)
  per_pair_no_reinv        oir_per_pair without re-inversion
  final_target             the default with final_prompts="target" (the paper's final denoise: the target prompt
                           everywhere; the default until per-pair-shallow was measured better, docs/DECISIONS.md)
  fixed_k                  invert k levels, denoise k with the target prompt, k = 10%..100% of N by 10%
                           (all depths denoised in shared calls from the shared inversion; depth k is charged
                           k + 2k, and the counted denoising total must equal sum 2k)
  keepfixed_k              fixed_k with the default's keep_outside applied with the ground-truth masks (free)
  diffedit, diffedit_gt    StableDiffusionDiffEditPipeline with its own masks / the ground-truth masks
  ledits                   LEditsPPPipelineStableDiffusion, one edit concept (the target phrase) per pair
Judge (benchmarks/shapeworld/cases.py): pair success, concept mismatch, preserved-region PSNR, strict success.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from shapeworld.cases import ALL_TYPES, SPLITS, STRICT_DB, Case, cases_for, judge, pair_regions, strict_success  # noqa: E402

from oir_agent import OIRConfig, OIREditor, align_prompts  # noqa: E402
from oir_agent.engine.compose import keep_unedited  # noqa: E402
from oir_agent.engine.costs import edit_sample_evals, fixed_depth_sample_evals  # noqa: E402
from oir_agent.engine.metric import best_index  # noqa: E402
from oir_agent.engine.oir import (  # noqa: E402
    EnginePair,
    Reassembly,
    fixed_depth_edits,
    invert_image,
    own_prompts,
    reassemble_many,
    search_pairs,
    verified,
)
from oir_agent.engine.runtime import Runtime  # noqa: E402
from oir_agent.engine.search import rescore  # noqa: E402
from oir_agent.images import to_tensor  # noqa: E402
from oir_agent.masks.noise_difference import NoiseDifferenceMasks  # noqa: E402

FIXED_FRACTIONS = tuple(i / 10 for i in range(1, 11))  # k = 5, 10, ..., 50 of N = 50


def _u8(t: torch.Tensor) -> np.ndarray:
    return (t.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()


def shared_step(searches) -> int:
    """One step for all pairs: the best mean of the pairs' scores (every pair evaluated at every step)."""
    mean = torch.stack([s.score.double() for s in searches]).mean(0)
    return searches[0].steps[best_index(mean)]


class Runner:
    """Runs every method on a case; the inversion (and the exhaustive candidates) are shared where methods agree."""

    def __init__(self, editor: OIREditor, steps: int, attention: bool = True, peers: bool = True,
                 exhaustive: bool = True, overrides: dict | None = None):
        self.editor, self.n, self.attention, self.exhaustive = editor, steps, attention, exhaustive
        self.config = OIRConfig(num_inference_steps=steps, **(overrides or {}))  # the product's defaults
        self.depths = sorted({max(1, round(f * steps)) for f in FIXED_FRACTIONS})
        self.peers = None
        if peers:
            from peers import DiffEdit, LEditsPP

            self.peers = (DiffEdit(editor.components, steps), LEditsPP(editor.components, steps))

    def run(self, case: Case) -> dict:
        cfg, n = self.config, self.n
        r = cfg.resolved_reassembly_step
        alignment = align_prompts(case.source.caption, case.target.caption)
        regions = pair_regions(case, alignment.pairs)
        gt = [torch.from_numpy(m) for _, m in regions]
        pairs = [EnginePair(guided_prompt=p.guided_prompt, clip_text=p.target, mask=m, clip_source_text=p.source)
                 for p, m in zip(alignment.pairs, gt)]
        guided = [p.guided_prompt for p in alignment.pairs]
        image = to_tensor(Image.fromarray(case.source.image))
        rt = Runtime(self.editor.components)
        spent = lambda: rt.cost.unet_sample_evals
        out: dict = {"pairs": [(p.source, p.target, where) for p, (where, _) in zip(alignment.pairs, regions)]}

        before = spent()
        inv = invert_image(rt, image, case.source.caption, case.target.caption, guided, n)
        inv_cost = spent() - before

        # Searches: the default (budgeted, edit-first), every step once (the same metric's exhaustive reference, and
        # the paper's metric on the same candidates), and the default with attention masks.
        before = spent()
        budgeted = search_pairs(rt, inv, pairs, cfg, thumbnail_side=32)
        budgeted_cost = inv_cost + spent() - before
        out["search_steps"] = [s.steps for s in budgeted]
        variants = {  # name: (reassembly, cost of what it reuses)
            "unverified": (Reassembly(gt, budgeted, cfg), budgeted_cost),
            "oir_invert_shallow": (Reassembly(gt, budgeted, cfg.replace(shallow_rule="invert-candidate")),
                                   budgeted_cost),
            "oir_strict_background": (Reassembly(gt, budgeted, cfg.replace(strict_background=True)), budgeted_cost),
            "oir_regenerate": (Reassembly(gt, budgeted, cfg.replace(keep_outside=False)), budgeted_cost),
            "no_reinv": (Reassembly(gt, budgeted, cfg, reinversion_steps=0), budgeted_cost),
            "reinv_adaptive": (Reassembly(gt, budgeted, cfg.replace(deep_reinversion_fraction=0.08)), budgeted_cost),
            "reinv_8": (Reassembly(gt, budgeted, cfg.replace(reinversion_fraction=0.08)), budgeted_cost),
            "oir_per_pair": (Reassembly(gt, budgeted, cfg.replace(final_prompts="per-pair")), budgeted_cost),
            "final_target": (Reassembly(gt, budgeted, cfg.replace(final_prompts="target")), budgeted_cost),
            "per_pair_no_reinv": (Reassembly(gt, budgeted, cfg.replace(final_prompts="per-pair"), reinversion_steps=0),
                                  budgeted_cost),
        }
        if self.exhaustive:
            ex_cfg = cfg.replace(search="exhaustive")
            before = spent()
            exhaustive = search_pairs(rt, inv, pairs, ex_cfg, thumbnail_side=32)
            exhaustive_cost = inv_cost + spent() - before
            paper = [rescore(s, "paper") for s in exhaustive]
            paper_cfg = ex_cfg.replace(search_metric="paper", shallow_rule="invert-candidate")
            variants.update({
                "oir_exhaustive": (Reassembly(gt, exhaustive, ex_cfg), exhaustive_cost),
                "oir_paper": (Reassembly(gt, paper, paper_cfg), exhaustive_cost),
                "oir_paper_source_latent": (Reassembly(gt, paper, paper_cfg.replace(shallow_rule="source-latent")),
                                            exhaustive_cost),
                "shared_step": (Reassembly(gt, exhaustive, ex_cfg, steps=[shared_step(exhaustive)] * len(pairs)),
                                exhaustive_cost),
            })
        if self.attention:
            before = spent()
            found = NoiseDifferenceMasks(rt).masks_for_prompts(Image.fromarray(case.source.image), guided,
                                                         [case.source.caption] * len(guided), seed=0)
            attn = [torch.from_numpy(a.mask) for a in found]
            attn_pairs = [EnginePair(p.guided_prompt, p.clip_text, m, clip_source_text=p.clip_source_text)
                          for p, m in zip(pairs, attn)]
            searches = search_pairs(rt, inv, attn_pairs, cfg, thumbnail_side=32)
            variants["oir_attn"] = (Reassembly(attn, searches, cfg), inv_cost + spent() - before)
            out["attention_iou"] = [float((a.mask & m).sum() / max(1, (a.mask | m).sum()))
                                    for a, (_, m) in zip(found, regions)]

        # Every variant's reassembly in shared calls; each is charged its own closed-form share, and the counted
        # total must equal the sum of the shares.
        before = spent()
        finished = reassemble_many(rt, inv, [v for v, _ in variants.values()])
        shares = {}
        for name, (item, _) in variants.items():
            chosen = item.steps or [s.optimal_step for s in item.searches]
            re = item.config.reinversion_steps_for(chosen) if item.reinversion_steps is None else item.reinversion_steps
            own = sum(own_prompts(item.config, item.masks, chosen, r))
            shares[name] = edit_sample_evals(0, [], chosen, r, re, item.config.shallow_rule, own)
        if spent() - before != sum(shares.values()):
            raise RuntimeError(f"reassembly cost {spent() - before} != closed form {sum(shares.values())}")
        for (name, (item, base)), (img, _, _) in zip(variants.items(), finished):
            out[name] = {"image": _u8(img), "steps": item.steps or [s.optimal_step for s in item.searches],
                         "evals": base + shares[name]}
        # The default: the finished image checked per pair (verify_edits), charged the unchecked reassembly's cost
        # plus what the check's retry spends.
        (item, _), (img, _, pasted) = variants["unverified"], finished[list(variants).index("unverified")]
        before = spent()
        if cfg.verify_edits:
            img, checked, _ = verified(rt, inv, pairs, item, img, pasted)
        else:
            checked = item.searches
        out["oir"] = {"image": _u8(img), "steps": [s.optimal_step for s in checked],
                      "evals": out["unverified"]["evals"] + spent() - before}

        # Fixed depths from the shared inversion in shared calls; depth k alone costs k (inversion) + 2k (denoise).
        before = spent()
        images = fixed_depth_edits(rt, inv, self.depths, cfg.guidance_scale)
        if spent() - before != sum(2 * k for k in self.depths):
            raise RuntimeError("fixed-depth denoising cost differs from sum(2k)")
        masks = torch.stack(gt)
        keep = lambda img: keep_unedited(inv.image, img, masks, cfg)  # as OIR's
        for k, img in zip(self.depths, images):
            out[f"fixed_{k}"] = {"image": _u8(img), "steps": [k] * len(pairs), "evals": fixed_depth_sample_evals(k)}
            out[f"keepfixed_{k}"] = {"image": _u8(keep(img)), "steps": [k] * len(pairs),
                                     "evals": fixed_depth_sample_evals(k)}

        if self.peers is not None:
            diffedit, ledits = self.peers
            union = np.any([m for _, m in regions], axis=0)
            for name, mask in (("diffedit", None), ("diffedit_gt", union)):
                img, evals, _ = diffedit.edit(case.source.image, case.source.caption, case.target.caption, mask)
                out[name] = {"image": img, "steps": [0] * len(pairs), "evals": evals}
            img, evals = ledits.edit(case.source.image, case.source.caption, [p.target for p in alignment.pairs])
            out["ledits"] = {"image": img, "steps": [0] * len(pairs), "evals": evals}
        return out


def summarise(cases: list[Case], results: list[dict]) -> dict:
    methods = [m for m in results[0] if isinstance(results[0][m], dict) and "image" in results[0][m]]
    table, per_case, judged = {}, {}, {}
    for m in methods:
        succ, succ2, mism, psnrs, evals = [], [], [], [], []
        strict = {t: [] for t in STRICT_DB}
        steps_by_kind: dict[str, list[int]] = {}
        by_type: dict[str, list[bool]] = {}
        strict_by_type: dict[str, list[bool]] = {}
        judged[m] = []
        for case, res in zip(cases, results):
            j = judge(case, res[m]["image"])
            judged[m].append(j)
            succ += j["success"]
            if case.num_pairs == 2:
                succ2 += j["success"]
            mism += j["mismatch"]
            if j["bg_psnr"] is not None and np.isfinite(j["bg_psnr"]):
                psnrs.append(j["bg_psnr"])
            for t in STRICT_DB:
                strict[t].append(strict_success(j, t))
            evals.append(res[m]["evals"])
            for e, s in zip(case.edits, res[m]["steps"]):
                steps_by_kind.setdefault(e.kind, []).append(s)
            by_type.setdefault(case.type, []).extend(j["success"])
            strict_by_type.setdefault(case.type, []).append(strict_success(j))
            per_case.setdefault(m, []).append({"success": [bool(x) for x in j["success"]],
                                               "mismatch": [bool(x) for x in j["mismatch"]],
                                               "steps": [int(x) for x in res[m]["steps"]],
                                               "strict": bool(strict_success(j)),
                                               "bg_psnr": float(j["bg_psnr"]) if j["bg_psnr"] is not None
                                               and np.isfinite(j["bg_psnr"]) else None})
        table[m] = {"pair_success": float(np.mean(succ)), "pair_success_2pair": float(np.mean(succ2)) if succ2 else None,
                    "strict_success": {f"{t:g}": float(np.mean(v)) for t, v in strict.items()},
                    "concept_mismatch": float(np.mean(mism)) if mism else None,
                    "bg_psnr_db": float(np.mean(psnrs)) if psnrs else None, "unet_sample_evals": float(np.mean(evals)),
                    "mean_step_by_kind": {k: float(np.mean(v)) for k, v in sorted(steps_by_kind.items())},
                    "success_by_case_type": {k: float(np.mean(by_type[k])) for k in ALL_TYPES if k in by_type},
                    "strict_by_case_type": {k: float(np.mean(strict_by_type[k])) for k in ALL_TYPES
                                            if k in strict_by_type}}
    for prefix in ("fixed", "keepfixed"):
        fixed = [m for m in table if m.startswith(prefix + "_")]
        if not fixed:
            continue
        best_strict = max(fixed, key=lambda m: (table[m]["strict_success"]["24"], -int(m.split("_")[1])))
        best_plain = max(fixed, key=lambda m: (table[m]["pair_success_2pair"] or table[m]["pair_success"],
                                               -int(m.split("_")[1])))
        table[f"best_{prefix}_strict"] = dict(table[best_strict], k=int(best_strict.split("_")[1]))
        table[f"best_{prefix}_2pair"] = dict(table[best_plain], k=int(best_plain.split("_")[1]))
    agreement = {}
    for a, b in (("oir", "oir_exhaustive"), ("oir", "oir_paper")):
        if a in judged and b in judged:
            same_outcome = [x == y for ja, jb in zip(judged[a], judged[b]) for x, y in zip(ja["success"], jb["success"])]
            same_step = [x == y for r in results for x, y in zip(r[a]["steps"], r[b]["steps"])]
            agreement[f"{a}_vs_{b}"] = {"same_outcome": float(np.mean(same_outcome)), "same_step": float(np.mean(same_step))}
    ious = [i for res in results for i in res.get("attention_iou", [])]
    budget = [sum(2 * i for i in steps) / (results[0]["n"] * (results[0]["n"] + 1))
              for res in results for steps in res["search_steps"]] if "n" in results[0] else []
    return {"methods": table, "agreement": agreement, "attention_mask_iou": float(np.mean(ious)) if ious else None,
            "search_cost_fraction_per_pair": {"mean": float(np.mean(budget)), "max": float(np.max(budget))} if budget
            else None, "cases": len(cases), "two_pair_cases": sum(c.num_pairs == 2 for c in cases),
            "per_case": [{"id": c.id, "type": c.type, "source": c.source.caption, "target": c.target.caption,
                          "edits": [e.kind for e in c.edits], "search_steps": results[i].get("search_steps"),
                          **{m: per_case[m][i] for m in methods}}
                         for i, c in enumerate(cases)]}


def print_tables(summary: dict) -> None:
    fmt = lambda v, f: "-" if v is None else format(v, f)
    label = lambda m, t: f"{m}({t['k']})" if "k" in t else m
    print(f"\nShapeWorld edit benchmark: {summary['cases']} cases ({summary['two_pair_cases']} two-pair)")
    print(f"{'method':26s} {'pair':>6s} {'2-pair':>6s} {'strict20':>8s} {'22':>6s} {'24':>6s} {'26':>6s} {'28':>6s} "
          f"{'mismat':>6s} {'bgPSNR':>6s} {'evals':>7s}")
    for m, t in summary["methods"].items():
        s = t["strict_success"]
        print(f"{label(m, t):26s} {t['pair_success']:6.1%} {fmt(t['pair_success_2pair'], '6.1%')} {s['20']:8.1%} "
              f"{s['22']:6.1%} {s['24']:6.1%} {s['26']:6.1%} {s['28']:6.1%} {fmt(t['concept_mismatch'], '6.1%')} "
              f"{fmt(t['bg_psnr_db'], '6.1f')} {t['unet_sample_evals']:7.0f}")
    kinds = list(next(iter(summary["methods"].values()))["success_by_case_type"])
    for key, title in (("success_by_case_type", "pair success"), ("strict_by_case_type", "strict success (24 dB)")):
        print(f"\n{title} by case type\n{'method':26s} " + " ".join(f"{k:>12s}" for k in kinds))
        for m, t in summary["methods"].items():
            print(f"{label(m, t):26s} " + " ".join(f"{t[key][k]:12.1%}" for k in kinds))
    for name, a in summary["agreement"].items():
        print(f"agreement {name}: same outcome {a['same_outcome']:.1%}, same step {a['same_step']:.1%}")
    if summary.get("search_cost_fraction_per_pair"):
        c = summary["search_cost_fraction_per_pair"]
        print(f"default search cost per pair / exhaustive: mean {c['mean']:.1%}, max {c['max']:.1%}")
    if summary["attention_mask_iou"] is not None:
        print(f"attention-mask IoU vs ground truth: {summary['attention_mask_iou']:.3f}")


def frontier(summary: dict, path: Path, size: tuple[int, int] = (900, 600)) -> None:
    """Pair success (y) vs preserved-region PSNR (x): the fixed depths as a line, every other method as a point."""
    t = summary["methods"]
    pts = {m: (v["bg_psnr_db"], v["pair_success"]) for m, v in t.items()
           if v["bg_psnr_db"] is not None and not m.startswith("best_")}
    xs = [p[0] for p in pts.values()]
    x0, x1 = min(xs) - 1, max(xs) + 1
    w, h, pad = size[0], size[1], 60
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    to = lambda x, y: (pad + (x - x0) / (x1 - x0) * (w - 2 * pad), h - pad - y * (h - 2 * pad))
    d.line([to(x0, 0), to(x1, 0)], fill="black")
    d.line([to(x0, 0), to(x0, 1)], fill="black")
    for i in range(11):
        y = i / 10
        d.text((to(x0, y)[0] - 40, to(x0, y)[1] - 6), f"{y:.0%}", fill="black")
        d.line([to(x0, y), to(x1, y)], fill=(230, 230, 230))
    for x in range(int(x0) + 1, int(x1) + 1):
        d.text((to(x, 0)[0] - 6, h - pad + 8), f"{x}", fill="black")
    d.text((w // 2 - 120, h - 25), "preserved-region PSNR (dB)", fill="black")
    d.text((10, 10), "pair success; lines: fixed depth k (grey), the same + original pixels kept outside the "
                     "masks (blue); points: methods", fill="black")
    for prefix, grey in (("fixed_", (120, 120, 120)), ("keepfixed_", (170, 170, 210))):
        fixed = sorted((int(m.split("_")[1]), p) for m, p in pts.items() if m.startswith(prefix))
        if len(fixed) > 1:
            d.line([to(*p) for _, p in fixed], fill=grey, width=2)
        for k, p in fixed:
            x, y = to(*p)
            d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=grey)
            d.text((x + 4, y + 2), f"k={k}" if prefix == "fixed_" else f"k={k}+keep", fill=grey)
    colours = [(200, 30, 30), (30, 90, 200), (20, 150, 60), (160, 60, 160), (220, 130, 0), (0, 150, 150),
               (120, 80, 20), (90, 90, 200), (200, 80, 120), (60, 60, 60)]
    for i, (m, p) in enumerate((m, p) for m, p in pts.items() if not m.startswith(("fixed_", "keepfixed_"))):
        x, y = to(*p)
        c = colours[i % len(colours)]
        d.ellipse([x - 5, y - 5, x + 5, y + 5], fill=c)
        d.text((x + 7, y - 12), m, fill=c)
    img.save(path)


def grid(cases, results, path: Path, best_k: int, rows: int = 8) -> None:
    """Picture grid, one case per row, spread over the case list (every edit type)."""
    cols = ["source", "target", "oir", "oir_paper", "oir_attn", f"fixed_{best_k}", "shared_step", "diffedit", "ledits"]
    tiles = []
    picks = sorted(set(np.linspace(0, len(cases) - 1, min(rows, len(cases))).round().astype(int).tolist()))
    for case, res in [(cases[i], results[i]) for i in picks]:
        row = [case.source.image if c == "source" else case.target.image if c == "target"
               else res[c]["image"] if c in res else np.zeros_like(case.source.image) for c in cols]
        tiles.append(np.concatenate([np.pad(t, ((1, 1), (1, 1), (0, 0)), constant_values=255) for t in row], 1))
    Image.fromarray(np.concatenate(tiles, 0)).resize((len(cols) * 34 * 4, len(tiles) * 34 * 4), Image.NEAREST).save(path)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="shapes")
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--split", choices=sorted(SPLITS), default="default",
                    help="seed block: default (README's run), dev (design), test (never looked at while designing)")
    ap.add_argument("--seed0", type=int, default=None, help="first case seed (overrides --split)")
    ap.add_argument("--out", default=str(ROOT / "runs" / "shapeworld_edit"))
    ap.add_argument("--no-attention", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-exhaustive", action="store_true",
                    help="skip the exhaustive search and what reuses it (paper metric, shared step): a quicker dev run")
    ap.add_argument("--config", action="append", default=[], metavar="FIELD=VALUE",
                    help="dev experiments: override an OIRConfig field for every OIR method (value parsed as JSON)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    seed0 = args.seed0 if args.seed0 is not None else SPLITS[args.split]
    editor = OIREditor.from_pretrained(args.model, device="cpu")
    cases = cases_for(args.split, args.cases, args.seed0)
    overrides = {}
    for item in args.config:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    runner = Runner(editor, args.steps, attention=not args.no_attention, peers=not args.no_peers,
                    exhaustive=not args.no_exhaustive, overrides=overrides)
    results = []
    t0 = time.time()
    for i, case in enumerate(cases):
        results.append(dict(runner.run(case), n=args.steps))
        if (i + 1) % 5 == 0:
            print(f"  {i + 1}/{len(cases)} cases, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
        if (i + 1) % 10 == 0 and i + 1 < len(cases):  # a partial summary survives an interrupted run
            partial = summarise(cases[:i + 1], results)
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / "summary_partial.json").write_text(json.dumps(dict(partial, seed0=seed0), indent=2))
    summary = summarise(cases, results)
    summary.update(steps=args.steps, seed0=seed0, split=args.split if args.seed0 is None else None,
                   seconds=time.time() - t0, config_overrides=overrides)
    print_tables(summary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    grid(cases, results, out / "grid.png", summary["methods"]["best_fixed_strict"]["k"])
    frontier(summary, out / "frontier.png")
    print(f"wrote {out / 'summary.json'}, {out / 'grid.png'} and {out / 'frontier.png'}")
    return summary


if __name__ == "__main__":
    main()
