"""Counted cost per model family at its native size, on the real architectures, without running them.

    python benchmarks/bench_families.py

For SD 1.x (512 px), SD 2.x (768 px, v-prediction) and SDXL (1024 px): the UNet's FLOPs per sample evaluation
(one latent, one timestep, counted by torch's FLOP counter on the meta device: no weights, no compute), its
parameter count, the FLOPs of a default two-pair edit (its sample evaluations at the default budget x FLOPs per
evaluation, plus the VAE's), and the memory a kept edit takes (from tensor sizes). The architectures are the
published configs' (the UNet, VAE and text-encoder shapes of CompVis/stable-diffusion-v1-4,
stabilityai/stable-diffusion-2-1, stabilityai/stable-diffusion-xl-base-1.0), written here so nothing is downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oir_agent import OIRConfig  # noqa: E402
from oir_agent.engine.costs import estimated_sample_evals  # noqa: E402
from oir_agent.presets.architectures import FAMILIES, VAE  # noqa: E402


def unet_flops(spec: dict) -> tuple[int, int]:
    """(FLOPs of one UNet sample evaluation at the family's native size, parameters), on the meta device."""
    from diffusers import UNet2DConditionModel

    with torch.device("meta"):
        unet = UNet2DConditionModel(**spec["unet"])
        h = spec["side"] // 8
        x, t = torch.zeros(1, 4, h, h), torch.tensor([500])
        e = torch.zeros(1, spec["text_tokens"], spec["text_dim"])
        extra = {}
        if "pooled" in spec:
            extra["added_cond_kwargs"] = {"text_embeds": torch.zeros(1, spec["pooled"]),
                                          "time_ids": torch.zeros(1, 6)}
        with FlopCounterMode(display=False) as counter:
            unet(x, t, encoder_hidden_states=e, **extra)
    return counter.get_total_flops(), sum(p.numel() for p in unet.parameters())


def vae_flops(side: int) -> tuple[int, int]:
    """(encode, decode) FLOPs of one image at `side` x `side`, on the meta device."""
    from diffusers import AutoencoderKL

    with torch.device("meta"):
        vae = AutoencoderKL(**VAE)
        with FlopCounterMode(display=False) as enc:
            vae.encode(torch.zeros(1, 3, side, side))
        with FlopCounterMode(display=False) as dec:
            vae.decode(torch.zeros(1, 4, side // 8, side // 8))
    return enc.get_total_flops(), dec.get_total_flops()


def kept_edit_bytes(side: int, text_tokens: int, text_dim: int, n: int = 50, pairs: int = 2,
                    candidates_per_pair: int = 14) -> int:
    """A kept two-pair edit (edits.py): fp32 trajectory, prompt table (2 + K prompts), working image, masks, and per
    evaluated candidate its latents at level 0 and r plus a 128 px thumbnail."""
    latent = 4 * (side // 8) ** 2 * 4
    return ((n + 1) * latent + (2 + pairs) * text_tokens * text_dim * 4 + 3 * side * side * 4 + pairs * side * side * 2
            + pairs * candidates_per_pair * (2 * latent + 3 * 128 * 128))


def main() -> None:
    config = OIRConfig()
    evals = estimated_sample_evals(config, [True, True])  # the default budget's upper bound, two pairs
    print(f"a default two-pair edit: at most {evals:,} UNet sample evaluations (N = {config.num_inference_steps}, "
          f"budgeted search) and about {2 * 14 + 1} VAE decodes, 1 encode")
    print(f"{'family':<12} {'side':>5} {'UNet params':>12} {'GFLOP/eval':>11} {'TFLOP/edit':>11} {'kept edit':>10}")
    for name, spec in FAMILIES.items():
        flops, params = unet_flops(spec)
        enc, dec = vae_flops(spec["side"])
        edit = evals * flops + enc + 29 * dec
        kept = kept_edit_bytes(spec["side"], spec["text_tokens"] + ("pooled" in spec), spec["text_dim"])
        print(f"{name:<12} {spec['side']:>5} {params / 1e9:>11.2f}B {flops / 1e9:>11.0f} {edit / 1e12:>11.0f} "
              f"{kept / 2**20:>8.0f} MB")


if __name__ == "__main__":
    main()
