"""ShapeWorld quality gates (issue: the model must have learned), in order, printed as a table + JSON.

    python benchmarks/shapeworld/gates.py [--model shapes|DIR] [--vae-checkpoint runs/shapeworld/vae.pt]
        [--only vae] [--captions 200] [--json out.json]

1. VAE: held-out PSNR (>= 28 dB) and evaluator accuracy on reconstructions (>= 95% of objects).
2. Generation from held-out captions: objects in the right place (>= 90%), colour and shape right (>= 60%).
3. DDIM inversion + denoise with the source prompt: PSNR within 1 dB of the VAE's own.
Held-out scenes use seeds >= 1,000,000 (training uses 0..23,999).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from oir_agent.shapeworld.evaluate import psnr, read_object, read_scene, side_region  # noqa: E402
from oir_agent.shapeworld.world import batch  # noqa: E402

HELD_OUT = 1_000_000


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(B, 3, H, W) in [-1, 1] -> (B, H, W, 3) uint8."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def objects_correct(image: np.ndarray, scene) -> list[bool]:
    """Per object: does the evaluator read its colour and shape on its side of `image`?"""
    from oir_agent.shapeworld.evaluate import read_background

    _, bg = read_background(image)
    out = []
    for o in scene.objects:
        r = read_object(image, side_region(o.side), bg)
        out.append(r is not None and r.colour == o.colour and r.shape == o.shape)
    return out


@torch.no_grad()
def vae_gate(vae, n: int = 500) -> dict:
    scenes = batch(range(HELD_OUT, HELD_OUT + n))
    x = torch.from_numpy(np.stack([s.image for s in scenes])).permute(0, 3, 1, 2).float() / 127.5 - 1
    rec = torch.cat([vae.decode(vae.encode(x[i:i + 100]).latent_dist.mean).sample for i in range(0, n, 100)])
    rec_u8 = to_uint8(rec)
    psnrs = [psnr(r, s.image) for r, s in zip(rec_u8, scenes)]
    correct = [c for r, s in zip(rec_u8, scenes) for c in objects_correct(r, s)]
    return {"vae_psnr_db": float(np.mean(psnrs)), "vae_objects_read_correctly": float(np.mean(correct)),
            "vae_images": n}


@torch.no_grad()
def generation_gate(editor, n: int = 200, steps: int = 50, guidance: float = 5.0) -> dict:
    """Text-to-image from held-out captions (DDIM, CFG vs the empty prompt), read back by the evaluator."""
    from oir_agent.engine.runtime import Runtime
    from oir_agent.engine.sampler import Job, run_jobs
    from oir_agent.engine.schedule import DDIMSchedule

    rt = Runtime(editor.components)
    scenes = batch(range(HELD_OUT + 50_000, HELD_OUT + 50_000 + n))
    emb = rt.encode_prompts([s.caption for s in scenes] + [""])
    sched = DDIMSchedule.from_config(editor.components.scheduler_config, steps)
    g = torch.Generator().manual_seed(0)
    noise = torch.randn((n, 4, 8, 8), generator=g)
    jobs = [Job(latent=noise[i], start=steps, end=0, cond=i, uncond=n, guidance_scale=guidance) for i in range(n)]
    latents = torch.stack([o.latent for o in run_jobs(rt, sched, emb, jobs, max_batch=256)])
    images = (rt.decode_latents(latents, 100) * 255).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    place, attrs = [], []
    for img, s in zip(images, scenes):
        reading = read_scene(img)
        sides = {o.side for o in s.objects}
        for side in ("left", "right"):
            present = reading[side] is not None
            place.append(present == (side in sides))
        attrs.extend(objects_correct(img, s))
    return {"gen_place_correct": float(np.mean(place)), "gen_colour_and_shape_correct": float(np.mean(attrs)),
            "gen_captions": n, "gen_guidance": guidance}, images, scenes


@torch.no_grad()
def inversion_gate(editor, n: int = 100, steps: int = 50) -> dict:
    """DDIM-invert held-out images under their caption, denoise back with it (CFG source=source)."""
    from oir_agent.engine.inversion import invert
    from oir_agent.engine.runtime import Runtime
    from oir_agent.engine.sampler import Job, run_jobs
    from oir_agent.engine.schedule import DDIMSchedule
    from oir_agent.images import to_tensor

    rt = Runtime(editor.components)
    sched = DDIMSchedule.from_config(editor.components.scheduler_config, steps)
    scenes = batch(range(HELD_OUT + 90_000, HELD_OUT + 90_000 + n))
    emb = rt.encode_prompts([s.caption for s in scenes])
    x = torch.stack([to_tensor(__import__("PIL.Image", fromlist=["Image"]).fromarray(s.image)) for s in scenes])
    z0 = rt.encode_images(x)
    vae_rec = rt.decode_latents(z0, 100)
    trajs = [invert(rt, sched, emb, z0[i], i) for i in range(n)]
    jobs = [Job(latent=trajs[i][steps], start=steps, end=0, cond=i, uncond=i, guidance_scale=7.5) for i in range(n)]
    out = torch.stack([o.latent for o in run_jobs(rt, sched, emb, jobs, max_batch=256)])
    rec = rt.decode_latents(out, 100)
    u8 = lambda t: (t * 255).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    p_vae = float(np.mean([psnr(a, s.image) for a, s in zip(u8(vae_rec), scenes)]))
    p_inv = float(np.mean([psnr(a, s.image) for a, s in zip(u8(rec), scenes)]))
    return {"inversion_psnr_db": p_inv, "vae_psnr_db_same_images": p_vae, "inversion_gap_db": p_vae - p_inv}


@torch.no_grad()
def clip_gate(editor, n: int = 200) -> dict:
    """The metric CLIP through the engine's own masked path: does S_e rank the right phrase first?"""
    from oir_agent.engine import metric
    from oir_agent.engine.runtime import Runtime
    from oir_agent.shapeworld.world import BACKGROUNDS, COLOURS, SHAPES

    rt = Runtime(editor.components)
    phrases = [f"{c} {s}" for c in COLOURS for s in SHAPES] + [f"{b} background" for b in BACKGROUNDS]
    text = rt.clip_text_features(phrases)
    size, patch = metric.clip_geometry(editor.components.clip)
    hits = []
    for s in batch(range(HELD_OUT + 70_000, HELD_OUT + 70_000 + n)):
        x = torch.from_numpy(s.image).permute(2, 0, 1).float()[None] / 255
        views = [(o.phrase, m) for o, m in zip(s.objects, s.masks)] + [(f"{s.background} background",
                                                                        s.background_mask)]
        for phrase, mask in views:
            view = metric.MaskedClipView.for_mask(torch.from_numpy(mask), size, patch, "crop", 0.15, 0.5)
            pixels = view.pixels(x, editor.components.clip_mean, editor.components.clip_std)
            feature = rt.clip_image_features(pixels, view.keep[None])[0]
            hits.append(phrases[int((text @ feature).argmax())] == phrase)
    return {"clip_masked_top1": float(np.mean(hits)), "clip_views": len(hits)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="shapes")
    ap.add_argument("--vae-checkpoint", default=None, help="score a training checkpoint's VAE instead")
    ap.add_argument("--only", choices=["vae", "all"], default="all")
    ap.add_argument("--captions", type=int, default=200)
    ap.add_argument("--json", default=None)
    ap.add_argument("--grid", default=None, help="write a picture of generated samples")
    args = ap.parse_args()
    torch.set_num_threads(2)
    results: dict = {}
    if args.vae_checkpoint:
        from oir_agent.presets.shapes.model import make_vae

        vae = make_vae()
        vae.load_state_dict(torch.load(args.vae_checkpoint, weights_only=False)["modules"][0])
        results.update(vae_gate(vae.eval()))
    else:
        from oir_agent import OIREditor

        editor = OIREditor.from_pretrained(args.model, device="cpu")
        results.update(vae_gate(editor.components.vae))
        results.update(clip_gate(editor))
        if args.only == "all":
            gen, images, scenes = generation_gate(editor, args.captions)
            results.update(gen)
            results.update(inversion_gate(editor))
            if args.grid:
                from PIL import Image

                k = min(64, len(images))
                rows = [np.concatenate(list(images[r * 8:(r + 1) * 8]), 1) for r in range(k // 8)]
                Image.fromarray(np.concatenate(rows, 0)).resize((512, 64 * (k // 8)), Image.NEAREST).save(args.grid)
    gates = {"vae_psnr_db": (">=", 28.0), "vae_objects_read_correctly": (">=", 0.95), "gen_place_correct": (">=", 0.90),
             "gen_colour_and_shape_correct": (">=", 0.60), "inversion_gap_db": ("<=", 1.0)}
    for key, value in results.items():
        gate = gates.get(key)
        status = "" if gate is None else ("PASS" if (value >= gate[1] if gate[0] == ">=" else value <= gate[1])
                                          else "MISS")
        print(f"{key:32s} {value:10.4f}  {('gate ' + gate[0] + ' ' + str(gate[1])) if gate else '':18s} {status}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
