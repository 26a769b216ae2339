"""Components: the loaded models one edit needs, passed to the engine explicitly (never loaded here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

# OpenAI CLIP's pixel normalisation (CLIPImageProcessor defaults).
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


@dataclass
class Components:
    """Stable Diffusion parts plus the CLIP model of the search metric, on one device and dtype."""

    unet: Any  # diffusers UNet2DConditionModel
    vae: Any  # diffusers AutoencoderKL
    text_encoder: Any  # transformers CLIPTextModel
    tokenizer: Any  # CLIPTokenizer with model_max_length 77
    scheduler_config: dict  # DDIMScheduler config (SD: scaled_linear, steps_offset 1, set_alpha_to_one False)
    clip: Any  # transformers CLIPModel for S_e
    clip_tokenizer: Any
    name: str = "unknown"
    clip_mean: tuple[float, float, float] = CLIP_MEAN
    clip_std: tuple[float, float, float] = CLIP_STD
    text_encoder_2: Any = None  # SDXL: CLIPTextModelWithProjection (its pooled embedding conditions the UNet too)
    tokenizer_2: Any = None

    @property
    def family(self) -> str:
        """"sdxl" (two text encoders, pooled embedding and size conditioning) or "sd" (1.x / 2.x)."""
        return "sdxl" if self.text_encoder_2 is not None else "sd"

    @property
    def vae_dtype(self) -> torch.dtype:
        return self.vae.dtype

    @property
    def native_side(self) -> int:
        """The image side the UNet was trained at (its latent sample size x the VAE's factor): 512 for SD 1.x, 768
        for SD 2.x-v, 1024 for SDXL."""
        return int(self.unet.config.sample_size) * self.vae_scale_factor

    def working_side(self, max_side: int | None) -> int:
        """The longest working side for a config's `max_side`: as given, else the native size, at least 512."""
        return max_side if max_side is not None else max(512, self.native_side)

    @property
    def device(self) -> torch.device:
        return self.unet.device

    @property
    def dtype(self) -> torch.dtype:
        return self.unet.dtype

    @property
    def vae_scale_factor(self) -> int:
        return 2 ** (len(self.vae.config.block_out_channels) - 1)
