"""Markdown tables (as in README's "ShapeWorld results") from a `shapeworld_edit.py` summary.json.

    python benchmarks/shapeworld/tables.py runs/shapeworld_edit/summary.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LABELS = {
    "oir": "**OIR default** (budgeted search, edit-first metric, original pixels kept outside the masks), true masks",
    "oir_regenerate": "OIR default with the whole image regenerated (`keep_outside=False`, the previous default)",
    "oir_exhaustive": "OIR, exhaustive search, edit-first metric",
    "oir_paper": "OIR with the paper's step choice (Eq. 1-3, exhaustive; shallow pairs inverted), pixels kept",
    "oir_attn": "OIR default, noise-difference masks",
    "shared_step": "ablation: one step shared by all pairs",
    "no_reinv": "ablation: no re-inversion",
    "oir_per_pair": "OIR default, each pair's guided prompt in its region during the final denoise",
    "per_pair_no_reinv": "the same without re-inversion",
    "best_fixed_strict": "best fixed depth in hindsight, strict",
    "best_fixed_2pair": "best fixed depth in hindsight, 2-pair",
    "best_keepfixed_strict": "best fixed depth + the same kept pixels (true masks), strict",
    "best_keepfixed_2pair": "best fixed depth + the same kept pixels (true masks), 2-pair",
    "diffedit": "DiffEdit (diffusers), its own masks",
    "diffedit_gt": "DiffEdit (diffusers), true masks",
    "ledits": "LEDITS++ (diffusers)",
}
TYPE_ROWS = ["oir", "oir_regenerate", "oir_paper", "shared_step", "best_fixed_strict", "best_keepfixed_strict",
             "diffedit_gt", "ledits"]


def pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def label(m: str, t: dict) -> str:
    return LABELS[m] + (f" (k = {t['k']})" if "k" in t else "")


def tables(summary: dict) -> str:
    t = summary["methods"]
    rows = [m for m in LABELS if m in t]
    out = ["| method | strict (24 dB) | strict 20 / 28 dB | pair success | 2-pair success | concept mismatch | "
           "preserved PSNR | UNet sample evals |", "|---|---|---|---|---|---|---|---|"]
    for m in rows:
        v, s = t[m], t[m]["strict_success"]
        psnr = "-" if v["bg_psnr_db"] is None else f"{v['bg_psnr_db']:.1f} dB"
        out.append(f"| {label(m, v)} | {pct(s['24'])} | {pct(s['20'])} / {pct(s['28'])} | {pct(v['pair_success'])} "
                   f"| {pct(v['pair_success_2pair'])} | {pct(v['concept_mismatch'])} | {psnr} | "
                   f"{v['unet_sample_evals']:,.0f} |")
    kinds = list(t["oir"]["strict_by_case_type"])
    out += ["", "| strict (24 dB) by case type | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for m in (m for m in TYPE_ROWS if m in t):
        out.append(f"| {label(m, t[m])} | " + " | ".join(f"{t[m]['strict_by_case_type'][k]:.0%}" for k in kinds)
                   + " |")
    fixed = sorted((int(m.split("_")[1]), m) for m in t if m.startswith("fixed_"))
    out += ["", "Fixed-depth frontier (strict / pair success / preserved PSNR; then with the kept pixels): " + ", ".join(
        f"k={k}: {t[m]['strict_success']['24']:.0%} / {t[m]['pair_success']:.0%} / {t[m]['bg_psnr_db']:.1f} dB"
        + (f" (kept: {t['keep' + m]['strict_success']['24']:.0%} / {t['keep' + m]['bg_psnr_db']:.1f} dB)"
           if "keep" + m in t else "") for k, m in fixed) + "."]
    for name, a in summary.get("agreement", {}).items():
        out.append(f"Agreement {name.replace('_vs_', ' vs ')}: same outcome {a['same_outcome']:.1%} of pairs, same "
                   f"step {a['same_step']:.1%}.")
    c = summary.get("search_cost_fraction_per_pair")
    if c:
        out.append(f"Default search cost per pair / exhaustive: {c['mean']:.1%} on average, {c['max']:.1%} at most.")
    return "\n".join(out)


if __name__ == "__main__":
    print(tables(json.loads(Path(sys.argv[1]).read_text())))
