"""The published architectures of the families (UNet, VAE, text encoders), written here so nothing is downloaded:
CompVis/stable-diffusion-v1-4, stabilityai/stable-diffusion-2-1, stabilityai/stable-diffusion-xl-base-1.0. Used by
`sd-random`-style presets (random weights, real shapes) and by benchmarks/bench_families.py (FLOPs on the meta
device)."""

from __future__ import annotations

SD_UNET = dict(sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
               block_out_channels=(320, 640, 1280, 1280),
               down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
               up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, norm_num_groups=32)
FAMILIES = {  # side: native working size; text_dim / text_tokens: the UNet's text conditioning
    "SD 1.x": dict(side=512, text_dim=768, text_tokens=77, unet=dict(SD_UNET, cross_attention_dim=768,
                                                                   attention_head_dim=8)),
    "SD 2.x (v)": dict(side=768, text_dim=1024, text_tokens=77,
                       unet=dict(SD_UNET, cross_attention_dim=1024, attention_head_dim=(5, 10, 20, 20),
                                 use_linear_projection=True, sample_size=96)),
    "SDXL": dict(side=1024, text_dim=2048, text_tokens=77, pooled=1280,
                 unet=dict(sample_size=128, in_channels=4, out_channels=4, layers_per_block=2,
                           block_out_channels=(320, 640, 1280),
                           down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                           up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                           transformer_layers_per_block=(1, 2, 10), attention_head_dim=(5, 10, 20),
                           cross_attention_dim=2048, use_linear_projection=True, addition_embed_type="text_time",
                           addition_time_embed_dim=256, projection_class_embeddings_input_dim=2816,
                           norm_num_groups=32)),
}
VAE = dict(block_out_channels=(128, 256, 512, 512), in_channels=3, out_channels=3, latent_channels=4,
           down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
           layers_per_block=2, norm_num_groups=32)


CLIP_L_TEXT = dict(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                   num_hidden_layers=12, max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768)
OPENCLIP_BIGG_TEXT = dict(vocab_size=49408, hidden_size=1280, intermediate_size=5120, num_attention_heads=20,
                          num_hidden_layers=32, max_position_embeddings=77, hidden_act="gelu", projection_dim=1280)
OPENCLIP_H_TEXT = dict(vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_attention_heads=16,
                       num_hidden_layers=23, max_position_embeddings=77, hidden_act="gelu", projection_dim=1024)
