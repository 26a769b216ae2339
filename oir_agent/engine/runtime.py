"""Runtime: the one choke point through which the engine calls models; it counts cost and checks cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch

from ..errors import AlignmentError, Cancelled, ResourceError
from ..types import Cost, ProgressEvent
from .batching import SharedBatcher, SharedCallFailed

ProgressFn = Callable[[ProgressEvent], None]
TOKENIZER_LOCK = threading.Lock()  # tokenizers keep per-call state (truncation, padding): one call at a time


class Runtime:
    """Counted, cancellable model calls on one device. Latents and pixels stay fp32 outside the models."""

    def __init__(self, components, cost: Cost | None = None, cancel: Any = None,
                 progress: ProgressFn | None = None, batcher: SharedBatcher | None = None):
        self.c = components
        self.cost = cost if cost is not None else Cost()
        self._cancel = cancel
        self._progress = progress
        self.batcher = batcher  # concurrent edits share model calls through it (engine/batching.py)
        # read once: diffusers' .device / .dtype walk the parameters (~1 ms a call; 0.75 s of a 2 s tiny edit)
        self._device, self._dtype = components.unet.device, components.unet.dtype
        self.notes: list[str] = []  # warnings worth reporting in the result (e.g. memory retries)

    def _shared(self, kind: str, inputs: tuple[torch.Tensor, ...], fn) -> torch.Tensor | None:
        """fn(*inputs) through the batcher (None when there is none, or the shared call ran out of memory: the
        caller then runs alone). UNet calls shared with other edits are counted in cost.shared_*."""
        if self.batcher is None:
            return None
        key = (kind, tuple(tuple(x.shape[1:]) for x in inputs), tuple(x.dtype for x in inputs), str(self.device))
        try:
            out, rows = self.batcher.run(kind, key, inputs, fn)
        except SharedCallFailed:
            note = "out of device memory in a call shared with other edits: this edit's rows ran alone."
            if note not in self.notes:
                self.notes.append(note)
            return None
        if kind == "unet" and rows > inputs[0].shape[0]:
            self.cost.shared_unet_calls += 1
            self.cost.shared_unet_samples += rows
        return out

    @property
    def device(self) -> torch.device:
        return self._device

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    # --- control -------------------------------------------------------------------------------------
    def check_cancel(self) -> None:
        """Raise Cancelled if the caller's event (or callable) says stop."""
        flag = self._cancel
        if flag is None:
            return
        stop = flag.is_set() if hasattr(flag, "is_set") else bool(flag())
        if stop:
            raise Cancelled("the edit was cancelled; no result was produced.")

    def report(self, stage: str, completed: int, total: int, message: str = "") -> None:
        if self._progress is not None:
            self._progress(ProgressEvent(stage=stage, completed=completed, total=total, message=message))

    # --- UNet ----------------------------------------------------------------------------------------
    @torch.no_grad()
    def predict_noise(self, latents: torch.Tensor, timesteps: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        """UNet noise prediction. latents (B, 4, h, w) fp32, timesteps (B,), embeddings (B, 77, D) -> (B, 4, h, w).

        One forward of the whole batch; if the device runs out of memory, the batch is split in halves (and
        again, as needed) and a warning is kept in `self.notes`: slower, same numbers, never a crash.
        """
        self.check_cancel()
        batch = latents.shape[0]
        shared = self._shared("unet", (latents.to(self.dtype), timesteps.to(self.device), embeddings.to(self.dtype)),
                              self._unet_forward)
        if shared is not None:
            self.cost.unet_calls += 1
            self.cost.unet_sample_evals += batch
            return shared.float()
        try:
            out = self._unet_forward(latents.to(self.dtype), timesteps.to(self.device), embeddings.to(self.dtype))
        except torch.OutOfMemoryError as exc:
            if batch == 1:
                raise ResourceError("out of device memory for a single UNet sample: use a smaller max_side or "
                                    "a larger GPU.") from exc
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            note = (f"out of device memory at {batch} samples per UNet call: split the calls (set max_batch to "
                    f"about {batch // 2} to avoid the retries).")
            if note not in self.notes:
                self.notes.append(note)
            half = batch // 2
            return torch.cat([self.predict_noise(latents[:half], timesteps[:half], embeddings[:half]),
                              self.predict_noise(latents[half:], timesteps[half:], embeddings[half:])])
        self.cost.unet_calls += 1
        self.cost.unet_sample_evals += batch
        return out.float()

    def _unet_forward(self, latents: torch.Tensor, timesteps: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        if self.c.family == "sdxl":  # the pooled embedding rides as the last token row (encode_prompts)
            hidden, pooled = embeddings[:, :-1], embeddings[:, -1, :self.c.text_encoder_2.config.projection_dim]
            return self.c.unet(latents, timesteps, encoder_hidden_states=hidden,
                               added_cond_kwargs={"text_embeds": pooled,
                                                  "time_ids": self.size_ids(latents).to(latents.dtype)}).sample
        return self.c.unet(latents, timesteps, encoder_hidden_states=embeddings).sample

    def size_ids(self, latents: torch.Tensor) -> torch.Tensor:
        """SDXL's size conditioning per latent, as its pipeline builds it for an uncropped image of the working size:
        (original height, width, crop top, left, target height, width) = (H, W, 0, 0, H, W)."""
        h, w = (s * self.c.vae_scale_factor for s in latents.shape[-2:])
        return torch.tensor([[h, w, 0, 0, h, w]], device=latents.device).repeat(latents.shape[0], 1)

    # --- text ----------------------------------------------------------------------------------------
    @torch.no_grad()
    def encode_prompts(self, prompts: list[str]) -> torch.Tensor:
        """(P, 77, D) text-encoder hidden states, as Stable Diffusion conditions on them."""
        tok = self.c.tokenizer
        check_prompt_lengths(tok, prompts, "the diffusion model's text encoder")
        if self.c.family == "sdxl":
            return self._encode_sdxl(prompts)
        with TOKENIZER_LOCK:
            ids = tok(prompts, padding="max_length", max_length=tok.model_max_length, truncation=True,
                      return_tensors="pt").input_ids.to(self.device)
        return self.c.text_encoder(ids)[0].float()

    def _encode_sdxl(self, prompts: list[str]) -> torch.Tensor:
        """(P, 77 + 1, D1 + D2): both encoders' penultimate hidden states side by side (as SDXL's pipeline builds
        them), then one row holding the second encoder's pooled projection (zero-padded): one tensor per prompt, so
        every row-indexing, batching and storing path of the engine carries SDXL's extra conditioning unchanged."""
        hidden, pooled = [], None
        for tok, encoder in ((self.c.tokenizer, self.c.text_encoder), (self.c.tokenizer_2, self.c.text_encoder_2)):
            with TOKENIZER_LOCK:
                ids = tok(prompts, padding="max_length", max_length=tok.model_max_length, truncation=True,
                          return_tensors="pt").input_ids.to(self.device)
            out = encoder(ids, output_hidden_states=True)
            hidden.append(out.hidden_states[-2].float())
            pooled = out[0].float()  # CLIPTextModelWithProjection: the pooled, projected text embedding
        states = torch.cat(hidden, dim=-1)
        row = torch.zeros(states.shape[0], 1, states.shape[-1], device=states.device)
        row[:, 0, :pooled.shape[-1]] = pooled
        return torch.cat([states, row], dim=1)

    @torch.no_grad()
    def clip_text_features(self, texts: list[str]) -> torch.Tensor:
        """(T, D) L2-normalised CLIP text embeddings."""
        tok = self.c.clip_tokenizer
        check_prompt_lengths(tok, texts, "the metric CLIP")
        with TOKENIZER_LOCK:
            enc = tok(texts, padding=True, truncation=True, max_length=77, return_tensors="pt").to(self.device)
        feats = self.c.clip.get_text_features(input_ids=enc.input_ids, attention_mask=enc.attention_mask)
        feats = feats.pooler_output if hasattr(feats, "pooler_output") else feats
        return torch.nn.functional.normalize(feats.float(), dim=-1)

    # --- VAE -----------------------------------------------------------------------------------------
    @torch.no_grad()
    def encode_images(self, images: torch.Tensor) -> torch.Tensor:
        """images (B, 3, H, W) in [0, 1] -> latents (B, 4, H/8, W/8): posterior mean x scaling factor."""
        vae = self.c.vae
        pixels = (images * 2 - 1).to(self.device, self.c.vae_dtype)  # an fp32 VAE where fp16 overflows (SDXL)
        mean = self._shared("vae_encode", (pixels,), self._vae_encode)
        mean = (mean if mean is not None else self._vae_encode(pixels)).float()
        self.cost.vae_encodes += images.shape[0]
        shift = getattr(vae.config, "shift_factor", None) or 0.0
        return (mean - shift) * vae.config.scaling_factor

    @torch.no_grad()
    def decode_latents(self, latents: torch.Tensor, batch_size: int) -> torch.Tensor:
        """latents (B, 4, h, w) -> images (B, 3, 8h, 8w) in [0, 1], fp32 on the device, in chunks."""
        vae = self.c.vae
        shift = getattr(vae.config, "shift_factor", None) or 0.0
        out = []
        for start in range(0, latents.shape[0], batch_size):
            self.check_cancel()
            chunk = latents[start:start + batch_size]
            z = (chunk / vae.config.scaling_factor + shift).to(self.device, self.c.vae_dtype)
            decoded = self._shared("vae_decode", (z,), self._vae_decode)
            decoded = decoded if decoded is not None else self._vae_decode(z)
            out.append(((decoded.float() + 1) / 2).clamp(0, 1))
            self.cost.vae_decodes += chunk.shape[0]
        return torch.cat(out)

    def _vae_encode(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.c.vae.encode(pixels).latent_dist.mean

    def _vae_decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.c.vae.decode(z).sample

    # --- CLIP vision ---------------------------------------------------------------------------------
    @torch.no_grad()
    def clip_image_features(self, pixels: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """Masked CLIP image embedding (metric.masked_image_features), L2-normalised and counted."""
        from .metric import masked_image_features

        inputs = (pixels.to(self.device, self.dtype), keep.to(self.device))
        forward = lambda p, k: masked_image_features(self.c.clip, p, k)
        feats = self._shared("clip_image", inputs, forward)
        feats = feats if feats is not None else forward(*inputs)
        self.cost.clip_images += pixels.shape[0]
        return torch.nn.functional.normalize(feats.float(), dim=-1)


def check_prompt_lengths(tokenizer, prompts: list[str], what: str) -> None:
    """Refuse prompts longer than the tokenizer's window: truncation would silently drop words."""
    limit = min(int(tokenizer.model_max_length), 77)
    for prompt in prompts:
        with TOKENIZER_LOCK:
            n = len(tokenizer(prompt, truncation=False).input_ids)
        if n > limit:
            raise AlignmentError(
                f"prompt {prompt[:80]!r}... is {n} tokens long; {what} reads at most {limit} "
                "(including start/end tokens). Shorten the prompt: words past the limit would be ignored.")
