"""DDIM inversion under the source prompt, keeping every level (OIR-NOTES Sec. 1).

Conditional only, no CFG (negative-prompt inversion: denoising later uses the source prompt as the
negative prompt, so editing with target == source reconstructs almost exactly).
"""

from __future__ import annotations

import torch

from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule


def invert(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, latent: torch.Tensor,
           prompt_row: int) -> torch.Tensor:
    """latent (4, h, w) at level 0 -> trajectory (N+1, 4, h, w) with trajectory[k] = z_k."""
    n = schedule.num_inference_steps
    job = Job(latent=latent, start=0, end=n, cond=prompt_row, record=frozenset(range(1, n + 1)))
    out = run_jobs(runtime, schedule, embeddings, [job], max_batch=None, stage="inversion")[0]
    return torch.stack([latent.to(runtime.device)] + [out.recorded[k] for k in range(1, n + 1)])
