"""Architectures of the ShapeWorld models (trained by benchmarks/shapeworld/train.py) and their export."""

from __future__ import annotations

from pathlib import Path

import torch

from ...shapeworld.world import WORDS
from ..tiny import SD_SCHEDULER_CONFIG, _special_ids
from ..tokenizer import build_byte_tokenizer

SCHEDULER_CONFIG = dict(SD_SCHEDULER_CONFIG)  # the same DDIM/DDPM noise schedule as Stable Diffusion
TEXT_HIDDEN = 64
CLIP_IMAGE_SIZE, CLIP_PATCH = 32, 4
CLIP_MEAN = (0.5, 0.5, 0.5)
CLIP_STD = (0.25, 0.25, 0.25)


def make_tokenizer():
    """Word-level in effect: every ShapeWorld word is one BPE token (byte fallback for anything else)."""
    return build_byte_tokenizer(WORDS)


def make_vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(32, 64, 128),
                         down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
                         layers_per_block=1, norm_num_groups=32, sample_size=32)


def make_unet():
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(64, 128, 192), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=TEXT_HIDDEN, attention_head_dim=8, norm_num_groups=32)


def make_text_encoder(vocab_size: int):
    from transformers import CLIPTextConfig, CLIPTextModel

    return CLIPTextModel(CLIPTextConfig(hidden_size=TEXT_HIDDEN, intermediate_size=4 * TEXT_HIDDEN,
                                        num_attention_heads=4, num_hidden_layers=3, vocab_size=vocab_size,
                                        max_position_embeddings=77, projection_dim=TEXT_HIDDEN,
                                        **_special_ids(vocab_size)))


def make_clip(vocab_size: int):
    from transformers import CLIPConfig, CLIPModel

    text = dict(hidden_size=64, intermediate_size=128, num_attention_heads=4, num_hidden_layers=2,
                vocab_size=vocab_size, max_position_embeddings=77, **_special_ids(vocab_size))
    vision = dict(hidden_size=96, intermediate_size=192, num_attention_heads=4, num_hidden_layers=3,
                  image_size=CLIP_IMAGE_SIZE, patch_size=CLIP_PATCH, num_channels=3)
    return CLIPModel(CLIPConfig(text_config=text, vision_config=vision, projection_dim=64))


def export(out: Path, vae, unet, text_encoder, tokenizer, clip, clip_tokenizer) -> None:
    """Write fp16 safetensors in diffusers/transformers layout (loaded back as fp32 on CPU)."""
    import json

    from diffusers import DDIMScheduler

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, module in (("vae", vae), ("unet", unet), ("text_encoder", text_encoder), ("metric_clip", clip)):
        half = _half_copy(module)
        half.save_pretrained(out / name, safe_serialization=True)
    tokenizer.save_pretrained(str(out / "tokenizer"))
    clip_tokenizer.save_pretrained(str(out / "metric_clip"))
    DDIMScheduler(**SCHEDULER_CONFIG).save_pretrained(out / "scheduler")
    (out / "metric_clip" / "preprocessor_config.json").write_text(json.dumps(
        {"image_mean": list(CLIP_MEAN), "image_std": list(CLIP_STD), "size": CLIP_IMAGE_SIZE}, indent=2))


def _half_copy(module):
    import copy

    m = copy.deepcopy(module)
    return m.to(torch.float16)
