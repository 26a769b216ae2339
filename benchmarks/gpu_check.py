"""The one GPU check: run it first on any GPU machine (<= 8 minutes on one H100-class GPU, nothing downloaded).

    python benchmarks/gpu_check.py [--device cuda] [--steps 50] [--models sd-random sdxl-random]
    python benchmarks/gpu_check.py --device cpu --models tiny tiny-sdxl --steps 4 --side 64   # the code path, on CPU

For each model (random weights at the real architectures: `sd-random` = SD 1.x at 512 px, `sdxl-random` = SDXL at
1024 px) and each of fp16 and bf16: one warm-up edit, then a default two-pair edit (budgeted search, given masks)
timed by stage; the UNet's achieved TFLOP/s (counted sample evaluations x FLOPs per evaluation from
bench_families.py, over the stages that run the UNet) against the device's peak; peak device memory; whether the
result is finite; and whether a rerun gives the same bytes. Then `bench_rows.py --device cuda` (what cross-request
batching can buy here). Every section prints its figures or its error and the script goes on. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from oir_agent import OIRConfig, OIREditor  # noqa: E402

DEMO = ROOT / "oir_agent" / "presets" / "shapes" / "demo"
NATIVE = {"sd-random": 512, "sdxl-random": 1024, "tiny": 64, "tiny-sdxl": 64}
FAMILY = {"sd-random": "SD 1.x", "sdxl-random": "SDXL"}
PEAK_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "L40S": 362.0}  # dense fp16/bf16 tensor-core peaks


def editor_for(name: str, device: str, dtype: torch.dtype) -> OIREditor:
    return OIREditor.from_pretrained(name, device=device, dtype=dtype)  # the random presets build on the device


def inputs(side: int):
    from PIL import Image

    spec = json.loads((DEMO / "edit.json").read_text())
    image = Image.open(DEMO / "scene.png").convert("RGB").resize((side, side), Image.NEAREST)
    masks = {k: Image.open(DEMO / v).convert("L").resize((side, side), Image.NEAREST) for k, v in spec["masks"].items()}
    return image, spec["source_prompt"], spec["target_prompt"], masks


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def check(name: str, dtype: torch.dtype, args) -> None:
    side = args.side or NATIVE[name]
    label = f"{name} {str(dtype).split('.')[-1]} {side}px"
    t0 = time.perf_counter()
    editor = editor_for(name, args.device, dtype)
    print(f"[{label}] built in {time.perf_counter() - t0:.1f} s", flush=True)
    image, source, target, masks = inputs(side)
    config = OIRConfig(num_inference_steps=args.steps, max_side=side)
    editor.edit(image, source_prompt=source, target_prompt=target, masks=masks,
                config=config.replace(num_inference_steps=min(args.steps, 6)))  # warm-up (kernels, allocator)
    if args.device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    sync(args.device)
    t0 = time.perf_counter()
    result = editor.edit(image, source_prompt=source, target_prompt=target, masks=masks, config=config)
    sync(args.device)
    wall = time.perf_counter() - t0
    d = result.to_dict()
    unet_s = sum(d["timings_s"].get(k, 0.0) for k in ("inversion", "search", "reassembly"))
    line = {k: round(v, 2) for k, v in d["timings_s"].items() if k != "load"}
    print(f"[{label}] edit {wall:.1f} s; stages {line}; {d['cost']['unet_sample_evals']} UNet sample evaluations "
          f"in {d['cost']['unet_calls']} calls; steps {[p['optimal_step'] for p in d['pairs']]}", flush=True)
    if name in FAMILY:
        from bench_families import FAMILIES, unet_flops

        flops, _ = unet_flops(dict(FAMILIES[FAMILY[name]], side=side))
        achieved = d["cost"]["unet_sample_evals"] * flops / max(unet_s, 1e-9) / 1e12
        gpu = torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu"
        peak = next((v for k, v in PEAK_TFLOPS.items() if k in gpu), None)
        print(f"[{label}] UNet {achieved:.0f} TFLOP/s achieved over the UNet stages"
              + (f" = {100 * achieved / peak:.0f}% of {gpu}'s {peak:.0f} TFLOP/s dense peak" if peak else f" ({gpu})"))
    if args.device.startswith("cuda"):
        print(f"[{label}] peak device memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB", flush=True)
    pixels = np.asarray(result.image, dtype=np.float32)
    scores = [s for p in d["pairs"] for s in p["search"]["s_edit"]]
    print(f"[{label}] finite result: {bool(np.isfinite(pixels).all())}; finite scores: "
          f"{all(s is not None for s in scores)}; non-constant image: {float(pixels.std()) > 0}")
    again = editor.edit(image, source_prompt=source, target_prompt=target, masks=masks, config=config)
    print(f"[{label}] rerun gives the same bytes: {again.image.tobytes() == result.image.tobytes()}", flush=True)
    del editor
    if args.device.startswith("cuda"):
        torch.cuda.empty_cache()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--models", nargs="+", default=["sd-random", "sdxl-random"])
    ap.add_argument("--dtypes", nargs="+", default=["fp16", "bf16"])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--side", type=int, default=None, help="working size (default: each model's native size)")
    ap.add_argument("--no-rows", action="store_true", help="skip bench_rows.py")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.device.startswith("cuda"):
        print(f"device {torch.cuda.get_device_name()}, torch {torch.__version__}, CUDA {torch.version.cuda}")
    dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
    for name in args.models:
        for dt in (["fp32"] if args.device == "cpu" else args.dtypes):
            try:
                check(name, dtypes[dt], args)
            except Exception as exc:  # report and go on: one failing section must not hide the others
                print(f"[{name} {dt}] FAILED: {type(exc).__name__}: {str(exc)[:300]}", flush=True)
    if not args.no_rows and args.device.startswith("cuda"):
        cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_rows.py"), "--device", args.device, "--model",
               "sd-random", "--rows", "1", "2", "4", "8", "16", "32", "--repeats", "5"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
            print(out.stdout[-3000:] or out.stderr[-2000:])
        except subprocess.TimeoutExpired:
            print("bench_rows.py: over its 150 s here; run it alone")
    print(f"gpu_check done in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
