"""Stored edits: what a refine (re-pick of steps) needs, kept in memory under an edit_id, bounded by bytes.

An entry holds the inversion (trajectory, prompt table, working image), every pair's evaluated candidates (latent
at level 0 and at level r, scores, thumbnails), masks, prompts and config; all on the CPU (a GPU's memory is for
the model). The store is an LRU bounded by the bytes of its tensors, never by count alone; an entry larger than
the whole bound is not kept (the edit says so). Entries can be written to / read from a file for the CLI.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .config import OIRConfig
from .engine.oir import EnginePair, Inverted
from .engine.schedule import DDIMSchedule
from .engine.search import PairSearch
from .errors import InvalidInputError
from .masks.base import MaskResult
from .reproduce import ADDED_FIELDS
from .types import EditPair

DEFAULT_EDIT_MEMORY = 512 * 2**20  # bytes
FILE_VERSION = 1


@dataclass
class StoredEdit:
    edit_id: str
    model: str
    source_prompt: str
    target_prompt: str
    image_size: tuple[int, int]
    working_size: tuple[int, int]
    config: OIRConfig
    inverted: Inverted
    engine_pairs: list[EnginePair]
    edit_pairs: list[EditPair]
    masks: list[MaskResult]
    searches: list[PairSearch]
    steps: list[int]  # the steps of the latest result (the search's choice, then each refine's)
    warnings: list[str] = field(default_factory=list)  # the original edit's input warnings (resize, aligner, ...)
    original: torch.Tensor | None = None  # (H, W, 3) uint8 input at its own size, kept when it was resized to work
    created: float = field(default_factory=time.time)
    replay: dict = field(default_factory=lambda: {"fixed_steps": {}, "refines": []})  # what made the latest result

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in _tensors(self))

    def to(self, device: torch.device) -> StoredEdit:
        """A copy with every tensor on `device` (the store keeps CPU copies; the engine works on the device)."""
        move = lambda t: t.to(device)
        inv = Inverted(image=move(self.inverted.image), schedule=self.inverted.schedule,
                       embeddings=move(self.inverted.embeddings), trajectory=move(self.inverted.trajectory))
        pairs = [replace(p, mask=move(p.mask)) for p in self.engine_pairs]
        searches = [replace(s, final_latents={k: move(v) for k, v in s.final_latents.items()},
                            at_reassembly={k: move(v) for k, v in s.at_reassembly.items()}) for s in self.searches]
        return replace(self, inverted=inv, engine_pairs=pairs, searches=searches)


def _tensors(entry: StoredEdit):
    inv = entry.inverted
    yield from (inv.image, inv.embeddings, inv.trajectory)
    if entry.original is not None:
        yield entry.original
    for p in entry.engine_pairs:
        yield p.mask
    for s in entry.searches:
        yield from s.final_latents.values()
        yield from s.at_reassembly.values()
        yield from s.thumbnails
    for m in entry.masks:
        yield torch.from_numpy(np.asarray(m.mask))


def new_edit_id() -> str:
    return "e-" + uuid.uuid4().hex[:12]


class EditStore:
    """LRU of StoredEdits bounded by `max_bytes` (0 disables storing); thread-safe."""

    def __init__(self, max_bytes: int = DEFAULT_EDIT_MEMORY):
        if not isinstance(max_bytes, int) or max_bytes < 0:
            raise InvalidInputError(f"edit memory must be a number of bytes >= 0, got {max_bytes!r}.")
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, StoredEdit] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self._lock = threading.Lock()

    def put(self, entry: StoredEdit) -> bool:
        """Keep `entry` (moved to the CPU), evicting the least recently used ones; False when it alone is over the
        bound (then nothing is evicted for it)."""
        entry = entry.to(torch.device("cpu"))
        size = entry.nbytes
        with self._lock:
            if size > self.max_bytes:
                return False
            self._entries.pop(entry.edit_id, None)
            self._sizes.pop(entry.edit_id, None)
            while self._entries and self.used_bytes + size > self.max_bytes:
                old, _ = self._entries.popitem(last=False)
                self._sizes.pop(old)
            self._entries[entry.edit_id] = entry
            self._sizes[entry.edit_id] = size
            return True

    def get(self, edit_id: str) -> StoredEdit:
        with self._lock:
            entry = self._entries.get(edit_id) if isinstance(edit_id, str) else None
            if entry is None:
                raise InvalidInputError(
                    f"edit_id {str(edit_id)[:40]!r} is unknown or was evicted (this server keeps the latest edits up to "
                    f"{self.max_bytes / 2**20:.0f} MB): run edit_image again, then refine its new edit_id.")
            self._entries.move_to_end(edit_id)
            return entry

    @property
    def used_bytes(self) -> int:
        return sum(self._sizes.values())

    def occupancy(self) -> dict[str, Any]:
        with self._lock:
            return {"edits": len(self._entries), "used_mb": round(self.used_bytes / 2**20, 2),
                    "limit_mb": round(self.max_bytes / 2**20, 2), "ids": list(self._entries)[::-1][:20]}


# --- files (CLI: `edit --save-edit`, `refine FILE`) -------------------------------------------------------------
def save_edit(entry: StoredEdit, path: str | Path) -> Path:
    """Write an entry as plain tensors and lists (torch.save; read back with weights_only=True: no pickled code)."""
    from .files import atomic_write

    e = entry.to(torch.device("cpu"))
    inv = e.inverted
    state = {
        "version": FILE_VERSION, "edit_id": e.edit_id, "model": e.model, "source_prompt": e.source_prompt,
        "target_prompt": e.target_prompt, "image_size": list(e.image_size), "working_size": list(e.working_size),
        "config": asdict(e.config), "steps": list(e.steps), "warnings": list(e.warnings), "original": e.original,
        "replay": e.replay,
        "inverted": {"image": inv.image, "embeddings": inv.embeddings, "trajectory": inv.trajectory,
                     "timesteps": inv.schedule.timesteps, "alphas": inv.schedule.alphas,
                     "prediction_type": inv.schedule.prediction_type,
                     "clip_sample_range": inv.schedule.clip_sample_range},
        "engine_pairs": [{"guided_prompt": p.guided_prompt, "clip_text": p.clip_text, "mask": p.mask,
                          "fixed_step": p.fixed_step, "clip_source_text": p.clip_source_text} for p in e.engine_pairs],
        "edit_pairs": [{f.name: (list(v) if isinstance(v := getattr(p, f.name), tuple) else v)
                        for f in fields(EditPair)} for p in e.edit_pairs],
        "masks": [{"mask": torch.from_numpy(np.asarray(m.mask)), "provider": m.provider, "score": m.score,
                   "box": list(m.box) if m.box else None, "notes": list(m.notes)} for m in e.masks],
        "searches": [{f.name: getattr(s, f.name) for f in fields(PairSearch)} for s in e.searches],
    }
    return atomic_write(path, lambda f: torch.save(state, f))


def load_edit(path: str | Path) -> StoredEdit:
    p = Path(path).expanduser()
    if not p.is_file():
        raise InvalidInputError(f"edit file {str(p)!r} does not exist; write one with `oir-agent edit ... --save-edit "
                                "FILE`.")
    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # not a torch file, truncated, or holding more than plain data
        raise InvalidInputError(f"{str(p)!r} is not an oir-agent edit file ({type(exc).__name__}).") from None
    if not isinstance(state, dict) or state.get("version") != FILE_VERSION:
        raise InvalidInputError(f"{str(p)!r} is not an oir-agent edit file of version {FILE_VERSION}.")
    i = state["inverted"]
    inv = Inverted(image=i["image"], embeddings=i["embeddings"], trajectory=i["trajectory"],
                   schedule=DDIMSchedule(timesteps=i["timesteps"], alphas=i["alphas"],
                                         prediction_type=i["prediction_type"],
                                         clip_sample_range=i["clip_sample_range"]))
    tup = lambda v: tuple(v) if isinstance(v, list) else v
    # files from before keep_outside regenerated everything; files from before keep_ring took the whole ring; the
    # fields added since diagnostics were first written have the value that repeats an edit made before them
    config = {"keep_outside": False, "keep_ring": "all", **ADDED_FIELDS, **state["config"]}
    return StoredEdit(
        edit_id=state["edit_id"], model=state["model"], source_prompt=state["source_prompt"],
        target_prompt=state["target_prompt"], image_size=tuple(state["image_size"]),
        working_size=tuple(state["working_size"]), config=OIRConfig(**config), inverted=inv,
        engine_pairs=[EnginePair(**p) for p in state["engine_pairs"]],
        edit_pairs=[EditPair(**{k: tup(v) for k, v in p.items()}) for p in state["edit_pairs"]],
        masks=[MaskResult(mask=m["mask"].numpy(), provider=m["provider"], score=m["score"], box=tup(m["box"]),
                          notes=list(m["notes"])) for m in state["masks"]],
        searches=[PairSearch(**s) for s in state["searches"]], steps=list(state["steps"]),
        warnings=list(state["warnings"]), original=state.get("original"),
        replay=state.get("replay") or {"fixed_steps": {}, "refines": []})
