"""The `tiny` and `sd-random` presets: every component built from a config with random weights, offline.

`tiny` is for tests (seconds on CPU); `sd-random` has Stable Diffusion v1.x's exact architectures (compute
does not depend on weight values), for cost and memory measurements without downloading weights.
"""

from __future__ import annotations

import torch
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
from transformers import CLIPConfig, CLIPTextConfig, CLIPTextModel, CLIPModel, CLIPVisionConfig

from ..engine.components import Components
from .tokenizer import build_byte_tokenizer

# Stable Diffusion v1.x's scheduler (its scheduler_config.json), used by DDIM here.
SD_SCHEDULER_CONFIG = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "clip_sample": False,
    "set_alpha_to_one": False,
    "steps_offset": 1,
    "prediction_type": "epsilon",
}


def _seeded(seed: int, build):
    """Build a module after torch.manual_seed(seed) without disturbing the caller's global RNG."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build().eval()


def tiny_unet(seed: int = 0) -> UNet2DConditionModel:
    return _seeded(seed, lambda: UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, attention_head_dim=8, norm_num_groups=32))


def tiny_vae(seed: int = 0) -> AutoencoderKL:
    return _seeded(seed, lambda: AutoencoderKL(
        block_out_channels=(8, 16, 16, 16), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1, norm_num_groups=8, sample_size=64))


def _special_ids(vocab_size: int) -> dict:
    """The byte tokenizer puts <|startoftext|>, <|endoftext|> last; CLIP pools at the EOS id."""
    return dict(bos_token_id=vocab_size - 2, eos_token_id=vocab_size - 1, pad_token_id=vocab_size - 1)


def tiny_text_encoder(vocab_size: int, seed: int = 0) -> CLIPTextModel:
    return _seeded(seed, lambda: CLIPTextModel(CLIPTextConfig(
        hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2,
        vocab_size=vocab_size, max_position_embeddings=77, projection_dim=32, **_special_ids(vocab_size))))


def tiny_clip(vocab_size: int, seed: int = 0) -> CLIPModel:
    text = dict(hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2,
                vocab_size=vocab_size, max_position_embeddings=77, **_special_ids(vocab_size))
    vision = dict(hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2,
                  image_size=32, patch_size=8, num_channels=3)
    return _seeded(seed, lambda: CLIPModel(CLIPConfig(text_config=text, vision_config=vision, projection_dim=32)))


def build_tiny(seed: int = 0) -> Components:
    """All components of the `tiny` preset, fp32 on CPU, deterministic per seed."""
    tokenizer = build_byte_tokenizer()
    n_vocab = len(tokenizer)
    return Components(
        unet=tiny_unet(seed), vae=tiny_vae(seed + 1), text_encoder=tiny_text_encoder(n_vocab, seed + 2),
        tokenizer=tokenizer, scheduler_config=dict(SD_SCHEDULER_CONFIG), clip=tiny_clip(n_vocab, seed + 3),
        clip_tokenizer=tokenizer, name="tiny")


def build_sd_random(seed: int = 0) -> Components:
    """Stable Diffusion v1.x architectures (UNet, VAE, CLIP ViT-L/14 text encoder) + CLIP ViT-B/16, random."""
    tokenizer = build_byte_tokenizer()
    unet = _seeded(seed, lambda: UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768, attention_head_dim=8, norm_num_groups=32))
    vae = _seeded(seed + 1, lambda: AutoencoderKL(
        block_out_channels=(128, 256, 512, 512), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=2, norm_num_groups=32, sample_size=512))
    text_encoder = _seeded(seed + 2, lambda: CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
        max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768, **_special_ids(len(tokenizer)))))
    clip = _seeded(seed + 3, lambda: CLIPModel(CLIPConfig(
        text_config=dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_attention_heads=8,
                         num_hidden_layers=12, max_position_embeddings=77, hidden_act="quick_gelu",
                         **_special_ids(len(tokenizer))),
        vision_config=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                           image_size=224, patch_size=16, hidden_act="quick_gelu"),
        projection_dim=512)))
    return Components(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                      scheduler_config=dict(SD_SCHEDULER_CONFIG), clip=clip, clip_tokenizer=tokenizer,
                      name="sd-random")


def save_components(components: Components, path) -> None:
    """Write components in diffusers layout (+ `metric_clip/`), loadable by `OIREditor.from_pretrained(path)`."""
    from pathlib import Path

    root = Path(path)
    components.unet.save_pretrained(root / "unet")
    components.vae.save_pretrained(root / "vae")
    components.text_encoder.save_pretrained(root / "text_encoder")
    components.tokenizer.save_pretrained(str(root / "tokenizer"))
    DDIMScheduler(**components.scheduler_config).save_pretrained(root / "scheduler")
    components.clip.save_pretrained(root / "metric_clip")
    components.clip_tokenizer.save_pretrained(str(root / "metric_clip"))
