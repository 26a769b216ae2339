"""Speed, cost and memory of one OIR edit, against its own unbatched self, a plain diffusers edit, and the
compute floor. Prints figures; asserts nothing.

    python benchmarks/bench_edit.py                      # tiny preset, CPU, 2 pairs, 96x64, N=50
    python benchmarks/bench_edit.py --model sd-random --size 512      # FLOPs per UNet eval / per edit, memory
    python benchmarks/bench_edit.py --model sd-random --size 512 --run-edit --device cuda   # + seconds, % of peak

(a) OIR, default batching (all candidates of all pairs together)   (b) the same edit, max_batch=2 (one CFG
job per UNet call)   (c) diffusers' StableDiffusionImg2ImgPipeline, strength 1.0, same steps, same components
(d) the compute floor: (a)'s sample evaluations x the best per-sample UNet time measured in this run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import rss_mb  # noqa: E402

from oir_agent import OIRConfig, OIREditor  # noqa: E402
from oir_agent.engine.costs import edit_sample_evals, exhaustive_cost  # noqa: E402
from oir_agent.engine.search import coarse_grid, refinement_offsets, refinement_steps  # noqa: E402
from oir_agent.presets.scene import two_object_masks, two_object_scene  # noqa: E402

SOURCE = "a red circle on the left and a blue square on the right"
PAIRS = [("red circle", "green triangle"), ("blue square", "yellow circle")]
PEAK_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "A10": 125.0, "4090": 165.0, "T4": 65.0}


class PeakRSS:
    """Peak resident memory of this process while the block runs (sampled from /proc every 5 ms), in MB."""

    def __enter__(self):
        self.peak, self._stop = rss_mb(), threading.Event()
        self.base = self.peak
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def scene(width: int, height: int):
    """The shared two-object picture without noise, and its masks."""
    return two_object_scene(width, height, noise_seed=None), list(two_object_masks(width, height))


def budgeted_steps(n: int, best: int, budget: float = 0.4) -> list[int]:
    """The steps a budgeted search evaluates when its best step stays at `best` (for the FLOPs estimate only)."""
    r = OIRConfig(num_inference_steps=n).resolved_reassembly_step
    budget_evals = budget * exhaustive_cost(n)
    grid = coarse_grid(n, budget_evals, r) or list(range(1, n + 1))
    seen = set(grid)  # the engine's own refinement round, around the grid step nearest `best`
    near = min(seen, key=lambda g: abs(g - best))
    seen.update(refinement_steps(seen, near, refinement_offsets(grid, near, n), n, 1, budget_evals))
    return sorted(seen)


def best_per_sample_unet_seconds(unet, latent_hw, cond_dim, device, dtype, batches=(1, 2, 4, 8, 16, 32, 64, 128, 256)):
    """The fastest seconds per latent the UNet alone achieves at this size, over batch sizes (median of repeats)."""
    h, w = latent_hw
    best = float("inf")
    table = {}
    for b in batches:
        x = torch.randn(b, 4, h, w, device=device, dtype=dtype)
        t = torch.full((b,), 500, device=device)
        e = torch.randn(b, 77, cond_dim, device=device, dtype=dtype)
        times = []
        with torch.no_grad():
            for i in range(4):
                sync(device)
                t0 = time.perf_counter()
                unet(x, t, encoder_hidden_states=e)
                sync(device)
                if i:
                    times.append(time.perf_counter() - t0)
        table[b] = statistics.median(times) / b
        best = min(best, table[b])
    return best, table


def sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def run_oir(editor, image, masks, config, repeats=2):
    best = None
    for _ in range(repeats):
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            result = editor.edit(image, source_prompt=SOURCE, pairs=PAIRS, masks=masks, config=config)
            wall = time.perf_counter() - t0
        if best is None or wall < best[0]:
            best = (wall, result, mem.peak - mem.base)
    return best


def run_img2img(components, image, steps, device):
    from diffusers import DDIMScheduler, StableDiffusionImg2ImgPipeline

    pipe = StableDiffusionImg2ImgPipeline(
        vae=components.vae, text_encoder=components.text_encoder, tokenizer=components.tokenizer,
        unet=components.unet, scheduler=DDIMScheduler.from_config(components.scheduler_config), safety_checker=None,
        feature_extractor=None, requires_safety_checker=False).to(device)
    pipe.set_progress_bar_config(disable=True)
    calls = {"n": 0, "samples": 0}
    original = components.unet.forward

    def counted(sample, *a, **k):
        calls["n"] += 1
        calls["samples"] += sample.shape[0]
        return original(sample, *a, **k)

    components.unet.forward = counted
    target = SOURCE.replace("red circle", "green triangle").replace("blue square", "yellow circle")
    best = None
    try:
        for _ in range(2):
            calls.update(n=0, samples=0)
            with PeakRSS() as mem:
                t0 = time.perf_counter()
                pipe(prompt=target, image=image, strength=1.0, num_inference_steps=steps, guidance_scale=7.5,
                     generator=torch.Generator().manual_seed(0))
                wall = time.perf_counter() - t0
            if best is None or wall < best[0]:
                best = (wall, dict(calls), mem.peak - mem.base)
    finally:
        components.unet.forward = original
    return best


def tiny_report(args):
    torch.set_num_threads(args.threads)
    editor = OIREditor.from_pretrained(args.model, device=args.device)
    image, masks = scene(args.width, args.height)
    n = args.steps
    config = OIRConfig(num_inference_steps=n)
    a_wall, a, a_mem = run_oir(editor, image, masks, config)
    b_wall, b, b_mem = run_oir(editor, image, masks, config.replace(max_batch=2), repeats=1)
    c_wall, c_calls, c_mem = run_img2img(editor.components, image, n, args.device)
    h, w = a.working_size[1] // 8, a.working_size[0] // 8
    per_sample, table = best_per_sample_unet_seconds(editor.components.unet, (h, w),
                                                     editor.components.unet.config.cross_attention_dim, args.device,
                                                     editor.components.unet.dtype)
    floor = a.cost.unet_sample_evals * per_sample
    steps = [p.optimal_step for p in a.pairs]
    expected = edit_sample_evals(n, [p.search.steps for p in a.pairs], steps, a.reassembly_step, a.reinversion_steps,
                                 config.shallow_rule)
    print(f"\nOIR edit benchmark: model {args.model}, {args.device}, {args.threads} threads, image "
          f"{args.width}x{args.height} (latent {w}x{h}), N={n}, 2 pairs, chosen steps {steps}")
    print(f"{'run':44s} {'wall s':>8s} {'UNet calls':>11s} {'sample evals':>13s} {'peak RSS +MB':>13s}")
    print(f"{'(a) OIR default batching':44s} {a_wall:8.2f} {a.cost.unet_calls:11d} {a.cost.unet_sample_evals:13d} "
          f"{a_mem:13.0f}")
    print(f"{'(b) OIR max_batch=2 (one CFG job per call)':44s} {b_wall:8.2f} {b.cost.unet_calls:11d} "
          f"{b.cost.unet_sample_evals:13d} {b_mem:13.0f}")
    print(f"{'(c) diffusers img2img strength 1.0':44s} {c_wall:8.2f} {c_calls['n']:11d} {c_calls['samples']:13d} "
          f"{c_mem:13.0f}")
    print(f"{'(d) compute floor (evals x best s/sample)':44s} {floor:8.2f}")
    print("\nbest UNet seconds per sample by batch: " + ", ".join(f"{k}: {v * 1e3:.2f} ms" for k, v in table.items()))
    print(f"a/b = {a_wall / b_wall:.3f}  (target <= 0.333: batching must pay)")
    print(f"a/floor = {a_wall / floor:.3f}  (target <= 1.5: everything but the UNet stays small)")
    print(f"search-stage UNet calls = {a.cost.search_unet_calls}  ({a.pairs[0].search.strategy} search: exhaustive takes "
          f"N = {n} calls for any number of pairs; budgeted adds one pass of calls for its refinement round)")
    one = a.reinversion_steps + a.reassembly_step + a.reinversion_steps  # re-inversion re + final denoise r + re
    rest = a.cost.unet_calls - n - a.cost.search_unet_calls
    retries = max(0, round(rest / one) - 1) if one else 0
    print(f"sequential UNet calls = {a.cost.unet_calls}: inversion {n} + search {a.cost.search_unet_calls} + "
          f"reassembly {one}" + (f" + {retries} finished-image retry of {one}" if retries else "")
          + f"; without a retry {a.cost.unet_calls - retries * one} (target <= 160; the search's floor is the "
          f"grid's deepest candidate, N = {n} calls, then the refinement round's deepest)")
    print(f"sample evals = {a.cost.unet_sample_evals}, closed form for steps {steps} = {expected}  "
          f"({'equal' if expected == a.cost.unet_sample_evals else 'DIFFERENT'})")
    print(f"a/c = {a_wall / c_wall:.1f}  (what a user pays over one plain img2img edit)")
    print("stage timings (a): " + ", ".join(f"{k} {v:.2f}s" for k, v in a.timings_s.items()))


def flops_report(args):
    from torch.utils.flop_counter import FlopCounterMode

    torch.set_num_threads(args.threads)
    device = args.device
    t0 = time.perf_counter()
    editor = OIREditor.from_pretrained(args.model, device=device, dtype=args.dtype)
    load = time.perf_counter() - t0
    c = editor.components
    side = args.size
    h = w = side // 8
    dt = c.unet.dtype

    def count(fn):
        with FlopCounterMode(display=False) as fc, torch.no_grad():
            fn()
        return fc.get_total_flops()

    with PeakRSS() as mem:
        unet_flops = count(lambda: c.unet(torch.randn(1, 4, h, w, device=device, dtype=dt), torch.tensor([500], device=device),
                                          encoder_hidden_states=torch.randn(1, 77, c.unet.config.cross_attention_dim,
                                                                            device=device, dtype=dt)))
        vae_flops = count(lambda: c.vae.decode(torch.randn(1, 4, h, w, device=device, dtype=dt)))
        size = c.clip.config.vision_config.image_size
        clip_flops = count(lambda: c.clip.get_image_features(pixel_values=torch.randn(1, 3, size, size, device=device,
                                                                                       dtype=dt)))
    n, k, steps = args.steps, 2, [20, 40]
    r = re = round(0.2 * n)
    evals = edit_sample_evals(n, [range(1, n + 1)] * k, steps, r, re, "source-latent")
    budgeted = [budgeted_steps(n, i) for i in steps]
    evals_budgeted = edit_sample_evals(n, budgeted, steps, r, re, "source-latent")
    decodes, clips = k * n + 1, k * n
    total = evals * unet_flops + decodes * vae_flops + clips * clip_flops
    print(f"\nReal-scale cost ({args.model}: SD v1.x UNet/VAE/text encoder + CLIP ViT-B/16, random weights), "
          f"{side}x{side}, N={n}, K={k} pairs, chosen steps {steps}; load {load:.1f} s")
    print(f"FLOPs per UNet sample evaluation : {unet_flops / 1e9:10.1f} GFLOP (torch.utils.flop_counter)")
    print(f"FLOPs per VAE decode             : {vae_flops / 1e9:10.1f} GFLOP")
    print(f"FLOPs per CLIP image             : {clip_flops / 1e9:10.1f} GFLOP")
    print(f"UNet sample evaluations per edit : {evals:10d}  (exhaustive search: N + K N(N+1) + re + 2(r+re))")
    print(f"  with the default budgeted search: {evals_budgeted:10d}  (candidates {budgeted[0]} and {budgeted[1]})")
    print(f"FLOPs per edit                   : {total / 1e12:10.1f} TFLOP  (UNet {evals * unet_flops / total:.1%}, "
          f"VAE {decodes * vae_flops / total:.1%}, CLIP {clips * clip_flops / total:.1%})")
    print(f"peak RSS during the counted calls : +{mem.peak - mem.base:.0f} MB (process {mem.peak:.0f} MB)")
    if torch.device(device).type == "cuda":
        print(f"peak CUDA memory allocated        : {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
    if args.run_edit:

        image, masks = scene(side, side)
        cfg = OIRConfig(num_inference_steps=n, max_batch=args.max_batch)
        editor.edit(image, source_prompt=SOURCE, pairs=PAIRS, masks=masks, config=cfg.replace(num_inference_steps=4))
        if torch.device(device).type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        sync(device)
        t0 = time.perf_counter()
        result = editor.edit(image, source_prompt=SOURCE, pairs=PAIRS, masks=masks, config=cfg)
        sync(device)
        wall = time.perf_counter() - t0
        done = result.cost.unet_sample_evals * unet_flops + result.cost.vae_decodes * vae_flops + \
            result.cost.clip_images * clip_flops
        print(f"edit: {wall:.2f} s, {result.cost.unet_sample_evals} sample evals in {result.cost.unet_calls} calls, "
              f"{done / wall / 1e12:.1f} TFLOP/s achieved")
        if torch.device(device).type == "cuda":
            name = torch.cuda.get_device_name()
            peak = args.peak_tflops or next((v for key, v in PEAK_TFLOPS.items() if key in name), None)
            if peak:
                print(f"achieved fraction of {name}'s dense fp16 peak ({peak:.0f} TFLOP/s): {done / wall / 1e12 / peak:.1%}")
            print(f"peak CUDA memory in the edit: {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="tiny")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default=None)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--height", type=int, default=64)
    ap.add_argument("--size", type=int, default=None, help="square working size for the FLOP report (e.g. 512)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--run-edit", action="store_true", help="with --size: also time a full edit (GPU)")
    ap.add_argument("--max-batch", type=int, default=None)
    ap.add_argument("--peak-tflops", type=float, default=None)
    args = ap.parse_args()
    if args.size:
        flops_report(args)
    else:
        tiny_report(args)


if __name__ == "__main__":
    main()
