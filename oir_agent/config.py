"""OIRConfig: every per-edit knob in one frozen, validated dataclass (defaults from the paper)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ConfigError

DEFAULT_MODEL = "CompVis/stable-diffusion-v1-4"  # the paper's model; the one place the default model id lives
PRESETS = ("shapes", "tiny", "sd-random", "tiny-sdxl", "sd2-random", "sdxl-random")  # offline: trained, then random


def model_help() -> str:
    """The --model help of every command (one wording, one preset order)."""
    return (f"hub id, local diffusers folder, or offline preset: {' | '.join(PRESETS)} (env OIR_MODEL; default "
            f"{DEFAULT_MODEL}, about 4 GB, downloaded once into the Hugging Face cache: needs network on first use)")


def add_model_arguments(parser) -> None:
    """--model, --clip-model, --device, --dtype: one wording for every command that loads a model."""
    parser.add_argument("--model", default=None, help=model_help())
    parser.add_argument("--clip-model", default=None,
                        help="CLIP for the search metric (default openai/clip-vit-base-patch16, or the model folder's "
                             "metric_clip/; presets bring their own)")
    parser.add_argument("--device", default=None, help="cpu | cuda | cuda:N (default: cuda when available)")
    parser.add_argument("--dtype", default=None, help="fp32 | fp16 | bf16 (default: fp16 on CUDA, fp32 on CPU)")




# Every set of choices, once (the CLI's choices, the MCP schemas and the engine's checks read these).
MASK_PROVIDERS = ("auto", "grounded-sam", "noise-difference", "attention", "given")  # "attention": older name
FIND_PROVIDERS = tuple(p for p in MASK_PROVIDERS if p != "given")  # masks made by the server (find_objects, masks)
MASK_FALLBACKS = (None, "noise-difference", "attention")
MASK_PROVIDER_ALIASES = {"attention": "noise-difference"}  # the first release's name for the DiffEdit-style provider
SEARCH_STRATEGIES = ("budgeted", "exhaustive")
SEARCH_KINDS = SEARCH_STRATEGIES + ("override", "targeted")  # a pair's recorded search: + fixed step, re-search
SEARCH_METRICS = ("edit-first", "paper")
SEARCH_REFINEMENTS = ("one-round", "halving")  # budgeted search: one round below/above the grid's best, or the
# first release's rounds of halving radius (one chain of UNet calls each)
FINAL_PROMPTS = ("target", "per-pair", "per-pair-shallow")  # the final denoise: the target prompt everywhere, or
# each pair's own inside it (every object's, or only pairs at or below r)
SHALLOW_RULES = ("source-latent", "invert-candidate")
CLIP_TEXTS = ("phrase", "prompt")
CLIP_REGIONS = ("crop", "full")
CLIP_MASKS = ("box", "mask")
KEEP_REGIONS = ("mask", "box")
KEEP_RINGS = ("changed", "all")


def knob(default, help: str | None = None, *, flag: str | None = None, choices: tuple | None = None):
    """A config field with its door metadata: `help` (shown by the CLI and the MCP schemas; a field with help is one
    the doors expose), the CLI `flag` when it is not the field's name, and its `choices`."""
    return dataclasses.field(default=default, metadata={"help": help, "flag": flag, "choices": choices})


@dataclass(frozen=True)
class Knob:
    """One OIRConfig field as the doors see it."""

    name: str
    default: object
    help: str | None
    flag: str
    choices: tuple | None


def knobs() -> dict[str, Knob]:
    """Every OIRConfig field with its default, help, CLI flag and choices (the one source the doors build from)."""
    out = {}
    for f in dataclasses.fields(OIRConfig):
        meta = f.metadata or {}
        out[f.name] = Knob(f.name, f.default, meta.get("help"), meta.get("flag") or "--" + f.name.replace("_", "-"),
                           meta.get("choices"))
    return out


def default(name: str):
    """OIRConfig's default for field `name` (for a door's signature)."""
    return knobs()[name].default


def resolve_model(name: str | None, recorded: str | None = None) -> str:
    """The model a command uses: the one named (--model), else the one that made a recorded edit (a replay or a
    refine must use it), else $OIR_MODEL, else the default. The one selection rule for every door."""
    import os

    return name or recorded or os.environ.get("OIR_MODEL") or DEFAULT_MODEL


@dataclass(frozen=True)
class OIRConfig:
    """Knobs of one OIR edit. Levels are 0-based: level 0 is the clean latent, level N pure-ish noise.

    The CLI and the MCP tools expose the fields a user tunes per edit (`knob(...)` with help). The others are the
    Python API's, kept each for a reason: the method's own geometry that the studies in docs/DECISIONS.md varied
    (clip_crop_margin, clip_patch_coverage: the S_e view; latent_mask_threshold, mask_dilation: how a pixel mask
    becomes latent cells; keep_region: the measured alternative to the mask; reassembly_step, reinversion_*: r and
    re), per-image detector knobs (box_threshold, text_threshold, as Grounded-SAM's defaults), the documented cost
    cap (search_budget), memory only (decode_batch, clip_batch), and the finished-image check (verify_edits: on by
    default, measured in docs/DECISIONS.md; off only to study the method without it). Every field is also what a
    diagnostics file's `config` records and `--from-diagnostics` reads back (`OIRConfig(**config)` refuses unknown
    names), so removing one would make older results unreplayable."""

    num_inference_steps: int = knob(50, "DDIM steps N (the paper: 50; 20-30 is faster and usually fine; the cost "
                                    "grows with N squared: 100 costs ~4x)", flag="--steps")
    guidance_scale: float = knob(7.5, "classifier-free guidance of every denoise (7.5, as the paper)")
    reassembly_step: int | None = None  # r; None -> 20% of N (paper Sec. 3.2)
    reinversion_steps: int | None = None  # re; None -> by the pairs' steps (reinversion_steps_for)
    reinversion_fraction: float = 0.2  # re when some pair's chosen step is <= r: 20% of N, as the paper
    deep_reinversion_fraction: float | None = None  # re when every pair's chosen step is > r, never more than
    # reinversion_fraction's; None (default): reinversion_fraction always, as the paper (0.08 measured, not adopted:
    # better overall, worse on the held-out collision cases; docs/DECISIONS.md)
    seed: int = knob(0, "random seed; same seed, same result")
    max_batch: int | None = knob(None, "UNet samples per call (a CFG job counts 2; default unlimited)")
    decode_batch: int = 8  # latents per VAE decode call (memory knob only)
    clip_batch: int = 32  # images per CLIP vision call (memory knob only)
    max_side: int | None = knob(None, "longest side of the working image (sides become multiples of 8); default: "
                                      "the model's native size, at least 512 (SD 1.x 512, SD 2.x-v 768, SDXL 1024)")
    clip_text: str = knob("phrase", choices=CLIP_TEXTS)  # S_e text: target "phrase" (release) or guided "prompt" (Eq. 1)
    clip_region: str = knob("crop", choices=CLIP_REGIONS)  # "crop": box around the mask; "full": frame padded (A.5)
    clip_mask: str = knob("box", choices=CLIP_MASKS)  # S_e sees the mask's "box" (docs/DECISIONS.md) or "mask" (paper)
    clip_crop_margin: float = 0.15  # margin around the mask's box for clip_region="crop"
    clip_patch_coverage: float = 0.5  # a CLIP patch is inside the mask when this fraction of it is covered
    latent_mask_threshold: float = 0.5  # a latent cell is inside a mask when this fraction of it is covered
    mask_dilation: int = 0  # pixels (working size) to grow every mask before reassembly
    strict_background: bool = knob(False, "keep the background on the inversion path during the final denoise")
    keep_outside: bool = knob(True, "let the final denoise redraw the whole image (default: the input's own pixels "
                                    "are kept outside the pairs' masks, grown by --keep-margin)",
                              flag="--regenerate-all")
    keep_margin: float = knob(0.0625, "how far an edit may reach past its object's mask, as a fraction of the "
                                      "shorter side; outside it the input's own pixels are kept. Raise it (e.g. "
                                      "0.15) when a new object is much larger than the old one; 0.5 keeps nothing")
    keep_region: str = knob("mask", choices=KEEP_REGIONS)  # a pair's region for keep_outside: "mask" or its "box"
    keep_ring: str = knob("changed", choices=KEEP_RINGS)  # margin ring takes the edit where it changed / wholly
    mask_provider: str = knob("auto", "how to get masks when none are given (auto: Grounded-SAM when its models "
                                      "are available, else noise-difference, DiffEdit-style; 'attention' is the "
                                      "older name of noise-difference)", flag="--masks", choices=MASK_PROVIDERS)
    mask_fallback: str | None = knob(None, "when Grounded-SAM finds nothing: fail (none) or use noise-difference "
                                           "masks (alias attention)", choices=MASK_FALLBACKS)
    box_threshold: float = 0.3  # GroundingDINO box score threshold (Grounded-SAM defaults)
    text_threshold: float = 0.25  # GroundingDINO text score threshold
    search: str = knob("budgeted", "budgeted (grid + refinement, at most 40% of the exhaustive cost) or exhaustive "
                                   "(every step, as the paper)", choices=SEARCH_STRATEGIES)
    search_metric: str = knob("edit-first", "edit-first (best preservation among candidates that reach the edit) "
                                            "or paper (Eq. 3)", choices=SEARCH_METRICS)
    search_budget: float = 0.4  # budgeted search: at most this fraction of the exhaustive search's sample evals
    search_refinement: str = knob("one-round", choices=SEARCH_REFINEMENTS)  # budgeted search's refinement
    # (engine/search.py; docs/DECISIONS.md "Budgeted search"; diagnostics written before it replay with "halving")
    min_search_step: int = 1  # smallest candidate step the search considers (1 = all, as the paper)
    final_prompts: str = knob("per-pair-shallow",
                              "the final denoise's prompt: per-pair-shallow (inside the region of each object pair "
                              "whose chosen step is at or below r, that pair's own guided prompt: the final denoise "
                              "makes its edit, and another pair's new concept cannot enter it; one more UNet sample "
                              "per such pair per step), per-pair (every object's region) or target (everywhere, as "
                              "the paper)",
                              choices=FINAL_PROMPTS)
    verify_edits: bool = True  # check the finished image per pair and retry once with deeper steps where the
    # reassembly lost an edit (engine/verify.py; docs/DECISIONS.md "Pairs that collide" has the measurement;
    # diagnostics written before this field replay with it off: reproduce.ADDED_FIELDS)
    shallow_rule: str = knob("source-latent", choices=SHALLOW_RULES)  # pair whose step is <= r: paste z_r
    # ("source-latent") or invert its finished candidate up to r ("invert-candidate", the first release);
    # docs/DECISIONS.md has the measurement

    def __post_init__(self) -> None:
        n = self.num_inference_steps
        _check(isinstance(n, int) and n >= 2, "num_inference_steps", n, "an integer >= 2 (the paper uses 50)")
        _check(n <= 1000, "num_inference_steps", n, "at most 1000 (the scheduler's training steps)")
        _check(isinstance(self.guidance_scale, (int, float)) and math.isfinite(self.guidance_scale)
               and self.guidance_scale >= 1.0, "guidance_scale", self.guidance_scale,
               "a finite number >= 1 (7.5 is usual)")
        for name, frac in (("reinversion_fraction", self.reinversion_fraction),
                           ("deep_reinversion_fraction", self.deep_reinversion_fraction)):
            _check(frac is None and name == "deep_reinversion_fraction"
                   or isinstance(frac, (int, float)) and not isinstance(frac, bool) and 0 <= frac <= 1, name, frac,
                   "a number in [0, 1] (re as a fraction of N; 0.2 by default)"
                   + (" or None (the default: reinversion_fraction always)" if name.startswith("deep") else ""))
        r, re = self.resolved_reassembly_step, self.resolved_reinversion_steps
        _check(0 <= r < n, "reassembly_step", r, f"an integer in [0, num_inference_steps) = [0, {n})")
        _check(re >= 0 and r + re <= n, "reinversion_steps", re,
               f"an integer >= 0 with reassembly_step + reinversion_steps <= {n} (here reassembly_step = {r})")
        _check(self.max_batch is None or (isinstance(self.max_batch, int) and self.max_batch >= 2),
               "max_batch", self.max_batch, "None (unlimited) or an integer >= 2 (one CFG job needs 2 samples)")
        _check(self.decode_batch >= 1, "decode_batch", self.decode_batch, "an integer >= 1")
        _check(self.clip_batch >= 1, "clip_batch", self.clip_batch, "an integer >= 1")
        _check(self.max_side is None or (isinstance(self.max_side, int) and 64 <= self.max_side <= 4096), "max_side",
               self.max_side, "None (the model's native size) or an integer in [64, 4096]")
        _check(self.clip_text in CLIP_TEXTS, "clip_text", self.clip_text, "'phrase' or 'prompt'")
        _check(self.clip_region in CLIP_REGIONS, "clip_region", self.clip_region, "'crop' or 'full'")
        _check(self.clip_mask in CLIP_MASKS, "clip_mask", self.clip_mask, "'box' or 'mask'")
        _check(0.0 <= self.clip_crop_margin <= 2.0, "clip_crop_margin", self.clip_crop_margin, "a number in [0, 2]")
        _check(0.0 < self.clip_patch_coverage <= 1.0, "clip_patch_coverage", self.clip_patch_coverage,
               "a number in (0, 1]")
        _check(0.0 < self.latent_mask_threshold <= 1.0, "latent_mask_threshold", self.latent_mask_threshold,
               "a number in (0, 1]")
        _check(isinstance(self.mask_dilation, int) and self.mask_dilation >= 0, "mask_dilation",
               self.mask_dilation, "an integer >= 0 (pixels)")
        _check(isinstance(self.keep_outside, bool), "keep_outside", self.keep_outside, "true or false")
        _check(isinstance(self.verify_edits, bool), "verify_edits", self.verify_edits, "true or false")
        _check(isinstance(self.keep_margin, (int, float)) and 0.0 <= self.keep_margin <= 0.5, "keep_margin",
               self.keep_margin, "a fraction in [0, 0.5] of the image's shorter side")
        _check(self.keep_region in KEEP_REGIONS, "keep_region", self.keep_region, "'box' or 'mask'")
        _check(self.keep_ring in KEEP_RINGS, "keep_ring", self.keep_ring, "'changed' or 'all'")
        _check(self.mask_provider in MASK_PROVIDERS, "mask_provider", self.mask_provider, f"one of {MASK_PROVIDERS}")
        _check(self.mask_fallback in MASK_FALLBACKS, "mask_fallback", self.mask_fallback,
               "None or 'noise-difference' (or its older name 'attention')")
        for name in ("mask_provider", "mask_fallback"):  # one spelling downstream: the older name is an alias
            if getattr(self, name) in MASK_PROVIDER_ALIASES:
                object.__setattr__(self, name, MASK_PROVIDER_ALIASES[getattr(self, name)])
        _check(0.0 < self.box_threshold < 1.0, "box_threshold", self.box_threshold, "a number in (0, 1)")
        _check(0.0 < self.text_threshold < 1.0, "text_threshold", self.text_threshold, "a number in (0, 1)")
        _check(self.search in SEARCH_STRATEGIES, "search", self.search, f"one of {SEARCH_STRATEGIES}")
        _check(self.search_refinement in SEARCH_REFINEMENTS, "search_refinement", self.search_refinement,
               f"one of {SEARCH_REFINEMENTS}")
        _check(self.search_metric in SEARCH_METRICS, "search_metric", self.search_metric, f"one of {SEARCH_METRICS}")
        _check(isinstance(self.search_budget, (int, float)) and 0.05 <= self.search_budget <= 1.0, "search_budget",
               self.search_budget, "a fraction in [0.05, 1] of the exhaustive search's cost")
        _check(isinstance(self.min_search_step, int) and 1 <= self.min_search_step <= n, "min_search_step",
               self.min_search_step, f"an integer in [1, num_inference_steps] = [1, {n}]")
        _check(self.shallow_rule in SHALLOW_RULES, "shallow_rule", self.shallow_rule, f"one of {SHALLOW_RULES}")
        _check(self.final_prompts in FINAL_PROMPTS, "final_prompts", self.final_prompts, f"one of {FINAL_PROMPTS}")

    @property
    def resolved_reassembly_step(self) -> int:
        """r: the level where pair edits are pasted into the background (20% of N by default)."""
        if self.reassembly_step is not None:
            return self.reassembly_step
        return max(1, round(0.2 * self.num_inference_steps))

    @property
    def resolved_reinversion_steps(self) -> int:
        """re before the steps are known: the most it can be (reinversion_fraction of N, 20% by default, or the
        pinned reinversion_steps; clamped to fit). The edit's own re is reinversion_steps_for(its steps)."""
        if self.reinversion_steps is not None:
            return self.reinversion_steps
        return self._reinversion(self.reinversion_fraction)

    def reinversion_steps_for(self, steps: Sequence[int]) -> int:
        """re for pairs reassembled at these steps: pinned, or deep_reinversion_fraction of N when it is set and every
        pair's step is deeper than r (their edits are pasted at r), else reinversion_fraction (20%, as the paper).
        docs/DECISIONS.md has the measurement."""
        if self.reinversion_steps is not None:
            return self.reinversion_steps
        deep = self.deep_reinversion_fraction is not None and len(steps) > 0 \
            and all(i > self.resolved_reassembly_step for i in steps)
        if deep:  # never longer than reinversion_fraction's
            return self._reinversion(min(self.deep_reinversion_fraction, self.reinversion_fraction))
        return self._reinversion(self.reinversion_fraction)

    def _reinversion(self, fraction: float) -> int:
        """fraction of N, at least one step when the fraction is > 0, clamped to fit above r."""
        n = self.num_inference_steps
        steps = max(1, round(fraction * n)) if fraction > 0 else 0
        return min(steps, n - self.resolved_reassembly_step)

    @classmethod
    def paper(cls, **changes) -> OIRConfig:
        """The paper's search as the first release ran it: every step, Eq. 1-3 on the silhouette view, shallow pairs
        inverted from their candidate, the whole image regenerated (reproduces the first release's results bit for
        bit)."""
        return cls(**{"search": "exhaustive", "search_metric": "paper", "clip_mask": "mask",
                      "shallow_rule": "invert-candidate", "keep_outside": False, **changes})

    def replace(self, **changes) -> OIRConfig:
        """A copy with some fields changed (validated again)."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigError(f"unknown OIRConfig field(s) {unknown}; valid fields: {sorted(names)}")
        return dataclasses.replace(self, **changes)


def _check(ok: bool, name: str, value, expected: str) -> None:
    if not ok:
        raise ConfigError(f"{name}={value!r} is invalid: expected {expected}.", field=name, value=value,
                          expected=expected)
