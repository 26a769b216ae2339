"""DDIM inversion under the source prompt, keeping every level (docs/METHOD.md Sec. 1).

Conditional only, no CFG (negative-prompt inversion: denoising later uses the source prompt as the
negative prompt, so editing with target == source reconstructs almost exactly).
"""

from __future__ import annotations

import torch

from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule


def invert(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, latent: torch.Tensor,
           prompt_row: int, up_to: int | None = None) -> torch.Tensor:
    """latent (4, h, w) at level 0 -> trajectory (L+1, 4, h, w) with trajectory[k] = z_k, L = up_to or N.

    Stopping at a lower level gives exactly the first levels of the full inversion (same updates, same order).
    """
    n = schedule.num_inference_steps if up_to is None else up_to
    job = Job(latent=latent, start=0, end=n, cond=prompt_row, record=frozenset(range(1, n + 1)))
    out = run_jobs(runtime, schedule, embeddings, [job], max_batch=None, stage="inversion")[0]
    return torch.stack([latent.to(runtime.device)] + [out.recorded[k] for k in range(1, n + 1)])
