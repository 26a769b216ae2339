"""DDIM on levels: the alphas of levels 0..N and one vectorised deterministic (eta=0) update.

Level k is the latent after k inversion steps; level 0 is the clean latent. With SD's scheduler
(steps_offset 1, set_alpha_to_one False) and N=50, tau_1..tau_50 = 1, 21, ..., 981 and level 0's
alpha-bar is alphas_cumprod[0] (docs/METHOD.md Sec. 1).

Both directions use the same update: from level a to level b = a +- 1, the UNet is evaluated at
tau_max(a,b), x0 and eps are predicted with level a's alpha, and the latent is rebuilt with level b's
alpha. Denoising k -> k-1 is exactly DDIMScheduler.step(t=tau_k); inverting k-1 -> k is exactly
DDIMInverseScheduler.step(t=tau_k).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import ConfigError, Param, Worded


def max_inference_steps(scheduler) -> int:
    """The largest N whose timesteps all index the scheduler's training steps (SD's steps_offset=1 makes it
    999 of 1000: at N = 1000 the last timestep would be 1000)."""
    total = int(scheduler.config.num_train_timesteps)
    for n in range(total, 1, -1):
        scheduler.set_timesteps(n)
        if int(scheduler.timesteps.max()) < total:
            return n
    return 1


@dataclass(frozen=True)
class DDIMSchedule:
    """Timesteps and alpha-bars of levels 0..N (index = level)."""

    timesteps: torch.Tensor  # (N+1,) int64; timesteps[k] = tau_k; timesteps[0] is unused (-1)
    alphas: torch.Tensor  # (N+1,) float32; alphas[k] = alpha-bar of level k
    prediction_type: str = "epsilon"
    clip_sample_range: float | None = None  # clamp x0 to +-range when the scheduler config asks for it

    @property
    def num_inference_steps(self) -> int:
        return self.timesteps.shape[0] - 1

    @classmethod
    def from_config(cls, scheduler_config: dict, num_inference_steps: int) -> DDIMSchedule:
        """Levels of a diffusers DDIMScheduler config at N = num_inference_steps."""
        from diffusers import DDIMScheduler

        config = {k: v for k, v in scheduler_config.items() if not k.startswith("_")}
        if config.get("thresholding"):
            raise ConfigError("scheduler thresholding is not supported by DDIM inversion: use a config without it.")
        prediction_type = config.get("prediction_type", "epsilon")
        if prediction_type not in ("epsilon", "v_prediction", "sample"):
            raise ConfigError(f"scheduler prediction_type={prediction_type!r} is not supported.")
        scheduler = DDIMScheduler.from_config(config)
        limit = max_inference_steps(scheduler)
        if num_inference_steps > limit:
            expected = (f"at most {limit} for this model's scheduler ({scheduler.config.num_train_timesteps} training "
                        "steps); 50 is the paper's setting")
            raise ConfigError(Worded("{n} is invalid: expected {e}.", n=Param("num_inference_steps", num_inference_steps),
                                     e=expected),
                              field="num_inference_steps", value=num_inference_steps, expected=expected)
        scheduler.set_timesteps(num_inference_steps)
        descending = scheduler.timesteps.to(torch.int64)  # tau_N ... tau_1
        timesteps = torch.cat([torch.tensor([-1]), descending.flip(0)])
        ratio = scheduler.config.num_train_timesteps // num_inference_steps
        if (timesteps[2:] - timesteps[1:-1] != ratio).any():
            raise ConfigError("scheduler timestep_spacing gives uneven steps; use 'leading' (SD's) or 'trailing'.")
        alphas = torch.cat([scheduler.final_alpha_cumprod.reshape(1).float(),
                            scheduler.alphas_cumprod[timesteps[1:]].float()])
        clip = float(config.get("clip_sample_range", 1.0)) if config.get("clip_sample") else None
        return cls(timesteps=timesteps, alphas=alphas, prediction_type=prediction_type, clip_sample_range=clip)

    def unet_timestep(self, level_from: torch.Tensor, level_to: torch.Tensor) -> torch.Tensor:
        """(B,) timesteps the UNet sees for moves level_from -> level_to (|difference| == 1)."""
        return self.timesteps.to(level_from.device)[torch.maximum(level_from, level_to)]

    def step(self, sample: torch.Tensor, model_output: torch.Tensor, level_from: torch.Tensor,
             level_to: torch.Tensor) -> torch.Tensor:
        """One deterministic DDIM move per sample. sample/model_output (B, C, h, w); levels (B,) int64."""
        alphas = self.alphas.to(sample.device)
        a_from = alphas[level_from].view(-1, 1, 1, 1)
        a_to = alphas[level_to].view(-1, 1, 1, 1)
        if self.prediction_type == "epsilon":
            x0 = (sample - (1 - a_from) ** 0.5 * model_output) / a_from ** 0.5
            eps = model_output
        elif self.prediction_type == "v_prediction":
            x0 = a_from ** 0.5 * sample - (1 - a_from) ** 0.5 * model_output
            eps = a_from ** 0.5 * model_output + (1 - a_from) ** 0.5 * sample
        else:  # "sample"
            x0 = model_output
            eps = (sample - a_from ** 0.5 * x0) / (1 - a_from) ** 0.5
        if self.clip_sample_range is not None:
            x0 = x0.clamp(-self.clip_sample_range, self.clip_sample_range)
        return a_to ** 0.5 * x0 + (1 - a_to) ** 0.5 * eps
