"""The `tiny` and `sd-random` presets: every component built from a config with random weights, offline.

`tiny` is for tests (seconds on CPU); `sd-random` has Stable Diffusion v1.x's exact architectures (compute
does not depend on weight values), for cost and memory measurements without downloading weights.
"""

from __future__ import annotations

import torch
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
from transformers import CLIPConfig, CLIPModel, CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

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


# SDXL's scheduler (its scheduler_config.json): SD's betas, "leading" spacing.
SDXL_SCHEDULER_CONFIG = {**SD_SCHEDULER_CONFIG, "timestep_spacing": "leading"}
TIME_EMBED = 8  # tiny SDXL: addition_time_embed_dim


def build_tiny_sdxl(seed: int = 0) -> Components:
    """The SDXL family at toy size: two text encoders (the second with a projection, whose pooled embedding
    conditions the UNet), size conditioning (`addition_embed_type="text_time"`), a VAE that asks for fp32
    (force_upcast), SDXL's scheduler. For tests: seconds on CPU."""
    tokenizer = build_byte_tokenizer()
    n_vocab = len(tokenizer)
    unet = _seeded(seed, lambda: UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=64, attention_head_dim=8, norm_num_groups=32, addition_embed_type="text_time",
        addition_time_embed_dim=TIME_EMBED, projection_class_embeddings_input_dim=32 + 6 * TIME_EMBED,
        transformer_layers_per_block=1))
    vae = _seeded(seed + 1, lambda: AutoencoderKL(
        block_out_channels=(8, 16, 16, 16), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1, norm_num_groups=8, sample_size=64, force_upcast=True, scaling_factor=0.13025))
    text_2 = _seeded(seed + 4, lambda: CLIPTextModelWithProjection(CLIPTextConfig(
        hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2, vocab_size=n_vocab,
        max_position_embeddings=77, projection_dim=32, **_special_ids(n_vocab))))
    return Components(
        unet=unet, vae=vae, text_encoder=tiny_text_encoder(n_vocab, seed + 2), tokenizer=tokenizer,
        scheduler_config=dict(SDXL_SCHEDULER_CONFIG), clip=tiny_clip(n_vocab, seed + 3), clip_tokenizer=tokenizer,
        name="tiny-sdxl", text_encoder_2=text_2, tokenizer_2=tokenizer)


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


def save_tiny(path, seed: int = 0) -> None:
    """The whole tiny preset, grounding models included, in the folder layout `from_pretrained(dir)` reads."""
    from pathlib import Path

    root = Path(path)
    save_components(build_tiny(seed), root)
    dino, dino_proc, sam, sam_proc = tiny_grounding(seed, workdir=root / "grounding_dino")
    dino.save_pretrained(root / "grounding_dino")
    dino_proc.save_pretrained(str(root / "grounding_dino"))
    sam.save_pretrained(root / "sam")
    sam_proc.save_pretrained(str(root / "sam"))


def tiny_grounding(seed: int = 0, workdir=None):
    """Tiny GroundingDINO (Swin + BERT) and SAM built from configs, with their processors (no download)."""
    import tempfile
    from pathlib import Path

    from transformers import (
        BertConfig,
        BertTokenizer,
        GroundingDinoConfig,
        GroundingDinoForObjectDetection,
        GroundingDinoProcessor,
        SamConfig,
        SamModel,
        SamProcessor,
        SwinConfig,
    )
    from transformers.models.grounding_dino.image_processing_pil_grounding_dino import GroundingDinoImageProcessorPil
    from transformers.models.sam.configuration_sam import SamMaskDecoderConfig, SamPromptEncoderConfig, SamVisionConfig
    from transformers.models.sam.image_processing_pil_sam import SamImageProcessorPil

    from .tokenizer import COMMON_WORDS

    folder = Path(workdir or tempfile.mkdtemp(prefix="oir-tiny-bert-"))
    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + sorted(set(COMMON_WORDS))
    vocab += [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in vocab] + [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
    (folder / "vocab.txt").write_text("\n".join(vocab))
    tokenizer = BertTokenizer(vocab=str(folder / "vocab.txt"))  # `vocab_file=` is ignored in transformers 5
    backbone = SwinConfig(embed_dim=16, depths=[1, 1, 1, 1], num_heads=[1, 1, 2, 2], window_size=4, image_size=128,
                          out_features=["stage2", "stage3", "stage4"], out_indices=[2, 3, 4])
    text = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=37, max_position_embeddings=64)
    dino_config = GroundingDinoConfig(
        backbone_config=backbone, text_config=text, d_model=32, encoder_layers=1, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=20,
        num_feature_levels=4, encoder_n_points=2, decoder_n_points=2, max_text_len=32, use_timm_backbone=False)
    dino = _seeded(seed, lambda: GroundingDinoForObjectDetection(dino_config))
    dino_processor = GroundingDinoProcessor(
        image_processor=GroundingDinoImageProcessorPil(size={"shortest_edge": 128, "longest_edge": 192}),
        tokenizer=tokenizer)
    sam_config = SamConfig(
        vision_config=SamVisionConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
                                      image_size=128, patch_size=16, output_channels=16, window_size=4,
                                      global_attn_indexes=[1], mlp_dim=37, num_pos_feats=8),
        prompt_encoder_config=SamPromptEncoderConfig(hidden_size=16, image_size=128, patch_size=16,
                                                     mask_input_channels=4),
        mask_decoder_config=SamMaskDecoderConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                                                 mlp_dim=32, iou_head_hidden_dim=16))
    sam = _seeded(seed + 1, lambda: SamModel(sam_config))
    sam_processor = SamProcessor(image_processor=SamImageProcessorPil(size={"longest_edge": 128},
                                                                      pad_size={"height": 128, "width": 128}))
    return dino, dino_processor, sam, sam_processor


def build_sdxl_random(seed: int = 0, device: str | torch.device = "cpu", dtype: torch.dtype = torch.float32
                      ) -> Components:
    """SDXL's exact architectures (UNet 2.6 B, VAE, CLIP-L and OpenCLIP-bigG text encoders) with random weights,
    built directly on `device` in `dtype` (no 10 GB fp32 copy on the CPU): for GPU timing and memory without a
    download. The metric CLIP is the tiny one (its cost is small next to the UNet's)."""
    from .architectures import CLIP_L_TEXT, FAMILIES, OPENCLIP_BIGG_TEXT, VAE

    tokenizer = build_byte_tokenizer()
    special = _special_ids(len(tokenizer))
    with torch.device(device):
        unet = _seeded(seed, lambda: UNet2DConditionModel(**FAMILIES["SDXL"]["unet"])).to(dtype)
        vae = _seeded(seed + 1, lambda: AutoencoderKL(**VAE, force_upcast=True, scaling_factor=0.13025))
        text = _seeded(seed + 2, lambda: CLIPTextModel(CLIPTextConfig(**{**CLIP_L_TEXT, **special}))).to(dtype)
        text_2 = _seeded(seed + 4, lambda: CLIPTextModelWithProjection(
            CLIPTextConfig(**{**OPENCLIP_BIGG_TEXT, **special}))).to(dtype)
        clip = tiny_clip(len(tokenizer), seed + 3)
    return Components(unet=unet, vae=vae, text_encoder=text, tokenizer=tokenizer,
                      scheduler_config=dict(SDXL_SCHEDULER_CONFIG), clip=clip, clip_tokenizer=tokenizer,
                      name="sdxl-random", text_encoder_2=text_2, tokenizer_2=tokenizer)


def build_sd2_random(seed: int = 0, device: str | torch.device = "cpu", dtype: torch.dtype = torch.float32
                     ) -> Components:
    """Stable Diffusion 2.x (768 px, v-prediction) architectures with random weights: UNet with linear projections
    and per-level heads, the OpenCLIP-H text encoder (penultimate layer, as SD 2 uses it: 23 of 24 layers), SD's
    VAE, the v-prediction DDIM schedule. The metric CLIP is the tiny one."""
    from .architectures import FAMILIES, OPENCLIP_H_TEXT, VAE

    tokenizer = build_byte_tokenizer()
    special = _special_ids(len(tokenizer))
    with torch.device(device):
        unet = _seeded(seed, lambda: UNet2DConditionModel(**FAMILIES["SD 2.x (v)"]["unet"])).to(dtype)
        vae = _seeded(seed + 1, lambda: AutoencoderKL(**VAE)).to(dtype)
        text = _seeded(seed + 2, lambda: CLIPTextModel(CLIPTextConfig(**{**OPENCLIP_H_TEXT, **special}))).to(dtype)
        clip = tiny_clip(len(tokenizer), seed + 3)
    return Components(unet=unet, vae=vae, text_encoder=text, tokenizer=tokenizer,
                      scheduler_config={**SD_SCHEDULER_CONFIG, "prediction_type": "v_prediction"}, clip=clip,
                      clip_tokenizer=tokenizer, name="sd2-random")
