"""What cross-request batching can buy on this device, measured: the UNet's time per row against the rows per call,
and the share of a solo edit spent in UNet calls (the part batching merges).

    python benchmarks/bench_rows.py [--model tiny|shapes|sd-random] [--rows 1 2 4 8 16 32] [--steps 10] [--device D]

For each rows-per-call it times UNet calls at the model's working latent size (the same latents, timesteps and text
embeddings shapes an edit uses) and prints ms/call and ms/row. Then it runs one edit of the benchmark request
alone (bench_serve's tiny request), times every UNet call inside it, and prints the edit's UNet share f and its
ms/row. The bound: when the UNet calls of many concurrent edits merge into calls of the cheapest size, an edit's
UNet time falls by s = (the edit's ms/row) / (lowest ms/row); if the rest (VAE, CLIP, Python) did not fall,
edits/min could rise at most 1 / ((1 - f) + f / s) (Amdahl), and even if the rest took no time, s / f. On a CPU,
where a call's cost grows with its rows, s is small; on an accelerator a one-latent call leaves the device mostly
idle and s is large. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_rows(unet, latent_shape: tuple[int, int, int], context: tuple[int, int], rows: int, device, dtype,
              repeats: int) -> float:
    """Seconds per UNet call of `rows` rows (median of `repeats` after two warm-up calls)."""
    x = torch.randn(rows, *latent_shape, device=device, dtype=dtype)
    t = torch.full((rows,), 500, device=device, dtype=torch.long)
    c = torch.randn(rows, *context, device=device, dtype=dtype)
    times = []
    with torch.no_grad():
        for i in range(repeats + 2):
            _sync(device)
            start = time.perf_counter()
            unet(x, t, c)
            _sync(device)
            if i >= 2:
                times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def solo_edit_share(editor, steps: int) -> tuple[float, float, int, int]:
    """(edit seconds, seconds inside UNet calls, UNet calls, UNet rows) of one benchmark edit run alone."""
    from reliability import EX, SRC, TGT

    from oir_agent import OIRConfig

    unet = editor.components.unet
    spent = {"s": 0.0, "calls": 0, "rows": 0}
    starts: list[float] = []
    device = editor.components.device

    def before(_module, args, kwargs):
        _sync(device)
        starts.append(time.perf_counter())

    def after(_module, args, kwargs, _out):
        _sync(device)
        spent["s"] += time.perf_counter() - starts.pop()
        spent["calls"] += 1
        sample = args[0] if args else kwargs["sample"]
        spent["rows"] += int(sample.shape[0])

    cfg = OIRConfig(num_inference_steps=steps, seed=1)
    editor.edit(EX / "dumplings.png", source_prompt=SRC, target_prompt=TGT, config=cfg)  # warm-up
    hooks = [unet.register_forward_pre_hook(before, with_kwargs=True),
             unet.register_forward_hook(after, with_kwargs=True)]
    try:
        start = time.perf_counter()
        editor.edit(EX / "dumplings.png", source_prompt=SRC, target_prompt=TGT, config=cfg)
        total = time.perf_counter() - start
    finally:
        for h in hooks:
            h.remove()
    return total, spent["s"], spent["calls"], spent["rows"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="tiny")
    p.add_argument("--rows", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32])
    p.add_argument("--steps", type=int, default=10, help="inference steps of the solo edit (bench_serve's default)")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--device", default=None)
    a = p.parse_args(argv)

    from oir_agent import OIREditor

    editor = OIREditor.from_pretrained(a.model, device=a.device)
    c = editor.components
    unet = c.unet
    device, dtype = c.device, unet.dtype
    from PIL import Image
    from reliability import EX

    width, height = Image.open(EX / "dumplings.png").size
    latent = (unet.config.in_channels, height // c.vae_scale_factor, width // c.vae_scale_factor)
    context = (c.tokenizer.model_max_length, unet.config.cross_attention_dim)
    print(f"{a.model} on {device} ({dtype}), threads {torch.get_num_threads()}: UNet at latent {latent}, "
          f"context {context}", flush=True)
    per_row = {}
    for rows in a.rows:
        s = time_rows(unet, latent, context, rows, device, dtype, a.repeats)
        per_row[rows] = s / rows
        print(f"  rows {rows:>3}: {s * 1000:8.2f} ms/call  {s * 1000 / rows:7.2f} ms/row", flush=True)
    total, in_unet, calls, rows = solo_edit_share(editor, a.steps)
    f = in_unet / total
    s = (in_unet / rows) / min(per_row.values())
    print(f"solo edit ({a.steps} steps): {total:.3f} s, {in_unet:.3f} s in {calls} UNet calls ({rows} rows, "
          f"{rows / max(1, calls):.1f} rows/call, {in_unet * 1000 / rows:.2f} ms/row): UNet share f = {f:.2f}",
          flush=True)
    print(f"UNet speed-up from merging (the edit's ms/row / lowest ms/row): s = {s:.2f}; edits/min bound from "
          f"merging UNet calls: 1/((1-f) + f/s) = {1.0 / ((1.0 - f) + f / s):.2f}x; even if everything else took no "
          f"time: s/f = {s / f:.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
