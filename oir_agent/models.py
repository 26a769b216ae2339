"""The ONLY module that loads weights: from a hub id, a local diffusers dir, or an offline preset."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from .config import DEFAULT_MODEL
from .engine.components import Components
from .errors import ConfigError, ModelUnavailableError, Param, Worded

logger = logging.getLogger(__name__)

DEFAULT_CLIP = "openai/clip-vit-base-patch16"  # the search metric's CLIP (docs/METHOD.md Sec. 3)
DEFAULT_GROUNDING_DINO = "IDEA-Research/grounding-dino-tiny"
DEFAULT_SAM = "facebook/sam-vit-base"
METRIC_CLIP_SUBFOLDER = "metric_clip"  # a local model dir may carry the metric CLIP here

_DTYPES = {"fp32": torch.float32, "float32": torch.float32, "fp16": torch.float16, "float16": torch.float16,
           "bf16": torch.bfloat16, "bfloat16": torch.bfloat16}


def resolve_device(device: str | torch.device | None) -> torch.device:
    """`None` -> CUDA when available, else CPU. Unknown or unavailable devices raise ConfigError."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    _dev = Param("device", device)
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ConfigError(Worded("{dev} is not a device torch knows: use 'cpu', 'cuda' or 'cuda:N'.", dev=_dev)) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(Worded("{dev} was asked for but CUDA is not available here: use {cpu}.", dev=_dev,
                                 cpu=Param("device", "cpu")))
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ConfigError(Worded("{dev}: only {n} CUDA device(s) exist.", dev=_dev, n=torch.cuda.device_count()))
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ConfigError(Worded("{dev} is not supported: use 'cpu' or 'cuda'.", dev=_dev))
    return dev


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """`None` -> fp16 on CUDA, fp32 elsewhere (half precision on CPU is slow and unsupported by some ops)."""
    if dtype is None:
        return torch.float16 if device.type == "cuda" else torch.float32
    if isinstance(dtype, torch.dtype):
        resolved = dtype
    elif isinstance(dtype, str) and dtype.lower() in _DTYPES:
        resolved = _DTYPES[dtype.lower()]
    else:
        raise ConfigError(Worded("{d} is not supported: use 'fp32', 'fp16' or 'bf16'.", d=Param("dtype", dtype)))
    if device.type == "cpu" and resolved != torch.float32:
        raise ConfigError(Worded("{d} on CPU is not supported: use fp32 on CPU (the default).", d=Param("dtype", dtype)))
    return resolved


def load_components(model: str | Path = DEFAULT_MODEL, device: str | torch.device | None = None,
                    dtype: str | torch.dtype | None = None, clip_model: str | Path | None = None,
                    seed: int = 0) -> Components:
    """Load (or build, for presets) everything one edit needs, on `device` in `dtype`.

    `model`: "tiny" | "sd-random" (random weights, offline) | "shapes" (shipped ShapeWorld weights) |
    a local dir in diffusers layout (unet/, vae/, text_encoder/, tokenizer/, scheduler/, optional
    metric_clip/) | a Hugging Face hub id. `clip_model` overrides the metric CLIP (default
    openai/clip-vit-base-patch16 unless the model dir carries metric_clip/).
    """
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    name = str(model)
    if name in ("tiny", "tiny-sdxl", "sd-random"):
        from .presets.tiny import build_sd_random, build_tiny, build_tiny_sdxl

        components = {"tiny": build_tiny, "tiny-sdxl": build_tiny_sdxl, "sd-random": build_sd_random}[name](seed)
    elif name in ("sd2-random", "sdxl-random"):  # large: built directly on the device, in its dtype
        from .presets.tiny import build_sd2_random, build_sdxl_random

        build = build_sd2_random if name == "sd2-random" else build_sdxl_random
        components = build(seed, device=dev, dtype=dt)
        if clip_model is not None:
            components.clip, components.clip_tokenizer = _load_clip(clip_model)
    elif name == "shapes":
        from .presets.shapes import shapes_dir

        components = _load_dir(shapes_dir(), clip_model, name="shapes")
    else:
        components = _load_dir(name, clip_model, name=name)
    return _place(components, dev, dt)


def load_grounding(model: str | Path | None = None, device: str | torch.device | None = None,
                   dtype: str | torch.dtype | None = None, dino_id: str = DEFAULT_GROUNDING_DINO,
                   sam_id: str = DEFAULT_SAM, seed: int = 0):
    """GroundingDINO + SAM (and processors) for Grounded-SAM masks.

    From the model folder's grounding_dino/ and sam/ subfolders when it has them, built from configs for
    the "tiny" preset, else from `dino_id` / `sam_id` (hub ids or local dirs).
    """
    from .masks.grounded_sam import GroundingModels

    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    if str(model) == "tiny":
        from .presets.tiny import tiny_grounding

        dino, dino_proc, sam, sam_proc = tiny_grounding(seed)
    else:
        local = Path(str(model)) if model is not None else None
        if local is not None and (local / "grounding_dino").is_dir() and (local / "sam").is_dir():
            dino_id, sam_id = str(local / "grounding_dino"), str(local / "sam")
        from transformers import GroundingDinoForObjectDetection, GroundingDinoProcessor, SamModel, SamProcessor

        with _explain_missing(dino_id):
            dino, dino_proc = (GroundingDinoForObjectDetection.from_pretrained(dino_id),
                               GroundingDinoProcessor.from_pretrained(dino_id))
        with _explain_missing(sam_id):
            sam, sam_proc = SamModel.from_pretrained(sam_id), SamProcessor.from_pretrained(sam_id)
    for module in (dino, sam):
        module.to(device=dev, dtype=dt if dev.type == "cuda" else torch.float32).eval().requires_grad_(False)
    return GroundingModels(dino=dino, dino_processor=dino_proc, sam=sam, sam_processor=sam_proc)


def _place(c: Components, device: torch.device, dtype: torch.dtype) -> Components:
    for module in (c.unet, c.vae, c.text_encoder, c.text_encoder_2, c.clip):
        if module is None:
            continue
        # a VAE that overflows in fp16 (its config says force_upcast, as SDXL's does) stays in fp32
        want = torch.float32 if module is c.vae and dtype == torch.float16 and \
            getattr(c.vae.config, "force_upcast", False) else dtype
        if module.dtype != want:
            module.to(dtype=want)
        module.to(device=device)
        module.eval()
        module.requires_grad_(False)
    return c


SUPPORTED = "Stable Diffusion 1.x, 2.x (epsilon or v-prediction) and SDXL (UNet-based latent diffusion)"


def model_family(folder: Path) -> str:
    """"sd" or "sdxl" from a diffusers folder's own files (never from its name); flow-matching transformers
    (SD3, FLUX, ...) and anything else unknown are refused here, at load time."""
    import json

    index = folder / "model_index.json"
    cls = json.loads(index.read_text()).get("_class_name", "") if index.is_file() else ""
    if (folder / "transformer").is_dir() or any(k in cls for k in ("StableDiffusion3", "Flux", "Transformer")):
        raise ModelUnavailableError(f"{cls or 'this model'} is a flow-matching transformer model, which OIR's DDIM "
                                    f"inversion does not support; supported: {SUPPORTED}.")
    unet_config = folder / "unet" / "config.json"
    if unet_config.is_file() and json.loads(unet_config.read_text()).get("addition_embed_type") == "text_time":
        return "sdxl"
    return "sdxl" if "XL" in cls else "sd"


def _load_dir(source: str | Path, clip_model: str | Path | None, name: str) -> Components:
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    local = Path(source)
    if local.is_dir():
        model_family(local)  # an unsupported family is refused first, naming what is supported
    if local.exists() and not (local / "unet").is_dir():
        raise ModelUnavailableError(
            Worded("{m} exists but is not a diffusers model folder (no 'unet/' inside): give a folder "
                   "with unet/, vae/, text_encoder/, tokenizer/ and scheduler/ (e.g. a StableDiffusionPipeline's "
                   "save_pretrained output) or a hub id such as 'CompVis/stable-diffusion-v1-4'.",
                   m=Param("model", str(source))))
    src = str(local) if local.exists() else str(source)
    with _explain_missing(src, probe="model_index.json"):
        folder = local if local.exists() else _hub_folder(src)
    family = model_family(folder)
    with _explain_missing(src, probe="unet/config.json"):
        unet = UNet2DConditionModel.from_pretrained(src, subfolder="unet")
        vae = AutoencoderKL.from_pretrained(src, subfolder="vae")
        text_encoder = CLIPTextModel.from_pretrained(src, subfolder="text_encoder")
        tokenizer = CLIPTokenizer.from_pretrained(src, subfolder="tokenizer")
        scheduler_config = dict(DDIMScheduler.from_pretrained(src, subfolder="scheduler").config)
        second = {}
        if family == "sdxl":
            from transformers import CLIPTextModelWithProjection

            second = dict(text_encoder_2=CLIPTextModelWithProjection.from_pretrained(src, subfolder="text_encoder_2"),
                          tokenizer_2=CLIPTokenizer.from_pretrained(src, subfolder="tokenizer_2"))
    for tok in (tokenizer, second.get("tokenizer_2")):
        if tok is not None and tok.model_max_length > 77:  # diffusers pads to model_max_length: never to 1e30
            tok.model_max_length = 77
    if clip_model is None and local.exists() and (local / METRIC_CLIP_SUBFOLDER).is_dir():
        clip_model = local / METRIC_CLIP_SUBFOLDER
    clip, clip_tokenizer = _load_clip(clip_model or DEFAULT_CLIP)
    mean, std = _clip_normalisation(clip_model or DEFAULT_CLIP)
    return Components(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                      scheduler_config=scheduler_config, clip=clip, clip_tokenizer=clip_tokenizer, name=name,
                      clip_mean=mean, clip_std=std, **second)


def _hub_folder(repo_id: str) -> Path:
    """The local snapshot folder of a hub model's small files (model_index.json and the configs), downloaded once;
    the family is read from them before any weight is fetched."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id, allow_patterns=["model_index.json", "*/config.json"]))


def _load_clip(source: str | Path) -> tuple[Any, Any]:
    from transformers import CLIPModel, CLIPTokenizer

    with _explain_missing(str(source)):
        return CLIPModel.from_pretrained(str(source)), CLIPTokenizer.from_pretrained(str(source))


def _clip_normalisation(source: str | Path) -> tuple[tuple, tuple]:
    """The metric CLIP's pixel mean/std from its preprocessor config, when it has one."""
    from .engine.components import CLIP_MEAN, CLIP_STD

    path = Path(source) / "preprocessor_config.json"
    if path.is_file():
        import json

        cfg = json.loads(path.read_text())
        return tuple(cfg.get("image_mean", CLIP_MEAN)), tuple(cfg.get("image_std", CLIP_STD))
    return CLIP_MEAN, CLIP_STD


def ships_grounding(model: str | Path) -> bool | None:
    """Does `model` bring its own Grounded-SAM models? True: the tiny preset (built from configs) or a folder with
    grounding_dino/ and sam/; False: the other presets (shapes, sd-random) and folders without them; None: a hub id
    (the hub's GroundingDINO and SAM may be cached or downloadable)."""
    name = str(model)
    if name == "tiny":
        return True
    if name in ("shapes", "sd-random", "tiny-sdxl", "sd2-random", "sdxl-random"):
        return False
    local = Path(name)
    if local.is_dir():
        return (local / "grounding_dino").is_dir() and (local / "sam").is_dir()
    return None


PRESETS_HINT = Worded("or use an offline preset: {shapes} (trained ShapeWorld model, ships with the package), "
                      "{tiny} or {sd} (random weights, for testing)", shapes=Param("model", "shapes"),
                      tiny=Param("model", "tiny"), sd=Param("model", "sd-random"))


@contextmanager
def _quiet_hub():
    """Silence the hub's per-retry warnings and deprecation notices while loading: when a load fails, the one
    error that says what to do is ours (below), not two dozen retries."""
    import warnings

    from transformers.utils import logging as hf_logging

    loggers = [logging.getLogger(n) for n in ("huggingface_hub", "diffusers", "transformers")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # 'Loading weights: 100%' per model: noise on every load
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*local_dir_use_symlinks.*")
            warnings.filterwarnings("ignore", category=UserWarning, module="huggingface_hub")
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()


def _hub_state(repo_id: str, probe: str) -> tuple[bool, bool, str]:
    """(cached, offline, cache folder) for a hub id, without touching the network."""
    from huggingface_hub import constants, try_to_load_from_cache

    try:
        cached = isinstance(try_to_load_from_cache(repo_id, probe), str)
    except Exception:  # an id the hub would refuse (bad characters, ..): not cached
        cached = False
    return cached, bool(constants.HF_HUB_OFFLINE), str(constants.HF_HUB_CACHE)


def _missing_message(source: str, reason: str, probe: str) -> str:
    cached, offline, cache = _hub_state(source, probe)
    where = (f"it is in the Hugging Face cache ({cache}) but could not be loaded" if cached else
             f"it is not a local folder, not in the Hugging Face cache ({cache})")
    why = "and the hub is offline (HF_HUB_OFFLINE=1)" if offline and not cached else f"({reason})"
    return Worded("could not load model {source}: {where} {why}. Download it once with network access: "
                  "`hf download {name}` (then it loads offline); or pass a local folder in diffusers layout; "
                  "{hint}.", source=repr(source), where=where, why=why, name=source, hint=PRESETS_HINT)


class _explain_missing:
    """Turn the hub's / filesystem's 'not found' errors into a ModelUnavailableError that says what to do, and
    keep the hub's retry noise out of the way while loading."""

    def __init__(self, source: str, probe: str = "config.json"):
        self.source, self.probe = source, probe
        self._quiet = _quiet_hub()

    def __enter__(self):
        if not Path(self.source).exists():
            cached, offline, _ = _hub_state(self.source, self.probe)
            if offline and not cached:  # fail now: the hub would only retry and warn
                raise ModelUnavailableError(_missing_message(self.source, "offline", self.probe))
            if not cached:
                logger.warning("downloading %s from the Hugging Face hub (first use; cached afterwards)", self.source)
        self._quiet.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._quiet.__exit__(exc_type, exc, tb)
        if exc is None or not isinstance(exc, (OSError, ValueError, EnvironmentError)):
            return False
        if isinstance(exc, (ConfigError, ModelUnavailableError)):
            return False
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        raise ModelUnavailableError(_missing_message(self.source, reason, self.probe)) from exc
