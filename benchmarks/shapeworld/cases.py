"""ShapeWorld edit cases with exact ground truth, and the judge: pair success, concept mismatch, preserved-region
PSNR and strict success. Shared by the edit benchmark and the search study (benchmarks only).

Splits (seed0 of make_cases): "default" 2,000,000 (the README's historical run), "dev" 3,000,000 (the only
seeds any design decision may look at), "test" 7,000,000 (never looked at while designing; report only).
All are disjoint from training (0..23,999) and the gates (>= 1,000,000, < 2,000,000).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from oir_agent.engine.geometry import dilate
from oir_agent.shapeworld.evaluate import psnr, read_background, read_object, side_region
from oir_agent.shapeworld.world import BACKGROUNDS, COLOURS, SHAPES, Scene, edit_scene, sample_scene

SEED0 = 2_000_000
SPLITS = {"default": SEED0, "dev": 3_000_000, "test": 7_000_000,
          "collision-dev": 4_000_000, "collision-test": 8_000_000}  # make_collision_cases: pairs that collide
TYPES = ["colour", "shape", "colour+shape", "background", "obj+obj", "obj+bg"]
SHARES = {"colour": 10, "shape": 10, "colour+shape": 10, "background": 10, "obj+obj": 40, "obj+bg": 20}
COLLISION_TYPES = ["chain", "swap-colour", "swap-shape", "swap-both", "twins", "twin-one", "shared-colour"]
ALL_TYPES = TYPES + COLLISION_TYPES  # what a report lists (make_cases draws TYPES, make_collision_cases the rest)
STRICT_DB = (20.0, 22.0, 24.0, 26.0, 28.0)  # preserved-region thresholds strict success is reported at


@dataclass
class Edit:
    where: str  # "left" | "right" | "background"
    kind: str  # "colour" | "shape" | "colour+shape" | "background"
    target_colour: str | None = None
    target_shape: str | None = None
    target_background: str | None = None


@dataclass
class Case:
    id: int
    type: str
    source: Scene
    target: Scene
    edits: list[Edit] = field(default_factory=list)

    @property
    def num_pairs(self) -> int:
        return len(self.edits)


def _object_edit(rng, obj, kind: str, avoid: tuple = ()) -> Edit:
    colours = [c for c in COLOURS if c != obj.colour and c not in avoid]
    shapes = [s for s in SHAPES if s != obj.shape and s not in avoid]
    e = Edit(where=obj.side, kind=kind)
    if "colour" in kind:
        e.target_colour = str(rng.choice(colours))
    if "shape" in kind:
        e.target_shape = str(rng.choice(shapes))
    return e


def make_cases(n: int, seed0: int = SEED0) -> list[Case]:
    """n edit cases, edit types in fixed shares (40% single-pair, 60% two-pair), deterministic."""
    order = [t for t in TYPES for _ in range(SHARES[t])]
    cases = []
    for i in range(n):
        kind = order[i % len(order)] if n >= len(order) else order[(i * len(order)) // n]
        rng = np.random.default_rng(seed0 + i)
        scene = sample_scene(seed0 + i, num_objects=2 if kind in ("obj+obj", "obj+bg") else int(rng.choice([1, 2])))
        edits: list[Edit] = []
        if kind in ("colour", "shape", "colour+shape"):
            edits.append(_object_edit(rng, scene.objects[int(rng.integers(len(scene.objects)))], kind))
        elif kind == "background":
            edits.append(Edit("background", "background",
                              target_background=str(rng.choice([b for b in BACKGROUNDS if b != scene.background]))))
        elif kind == "obj+obj":
            first = _object_edit(rng, scene.objects[0], str(rng.choice(["colour", "shape", "colour+shape"])))
            avoid = (first.target_colour, first.target_shape)  # distinct targets make concept mismatch visible
            edits += [first, _object_edit(rng, scene.objects[1], str(rng.choice(["colour", "shape", "colour+shape"])),
                                          avoid)]
        else:
            edits += [_object_edit(rng, scene.objects[int(rng.integers(2))], str(rng.choice(["colour", "shape"]))),
                      Edit("background", "background",
                           target_background=str(rng.choice([b for b in BACKGROUNDS if b != scene.background])))]
        changes = {e.where: {k: v for k, v in (("colour", e.target_colour), ("shape", e.target_shape)) if v}
                   for e in edits if e.where != "background"}
        bg = next((e.target_background for e in edits if e.where == "background"), None)
        cases.append(Case(id=i, type=kind, source=scene, target=edit_scene(scene, changes, bg), edits=edits))
    return cases


def make_collision_cases(n: int, seed0: int) -> list[Case]:
    """n two-object cases whose pairs collide, the types in turn (COLLISION_TYPES), deterministic:
    chain: one object takes the other's colour+shape, the other changes to something new; swap-colour / swap-shape /
    swap-both: the two objects trade colour, shape or both; twins: two identical objects, each edited differently;
    twin-one: two identical objects, only one edited; shared-colour: each object takes a new shape and the
    other's colour (a chain through an attribute)."""
    cases = []
    for i in range(n):
        kind = COLLISION_TYPES[i % len(COLLISION_TYPES)]
        rng = np.random.default_rng(seed0 + i)
        scene = sample_scene(seed0 + i, num_objects=2)
        left, right = sorted(scene.objects, key=lambda o: o.side)
        if left.colour == right.colour or left.shape == right.shape:  # distinct objects make collisions visible
            colours = [c for c in COLOURS if c != left.colour]
            shapes = [s for s in SHAPES if s != left.shape]
            scene = edit_scene(scene, {"right": {"colour": str(rng.choice(colours)), "shape": str(rng.choice(shapes))}})
            left, right = sorted(scene.objects, key=lambda o: o.side)
        if kind in ("twins", "twin-one"):
            scene = edit_scene(scene, {"right": {"colour": left.colour, "shape": left.shape}})
            left, right = sorted(scene.objects, key=lambda o: o.side)
        new_colours = [c for c in COLOURS if c not in (left.colour, right.colour)]
        new_shapes = [s for s in SHAPES if s not in (left.shape, right.shape)]
        if kind == "chain":
            changes = {"left": {"colour": right.colour, "shape": right.shape},
                       "right": {"colour": str(rng.choice(new_colours))}}
        elif kind == "swap-colour":
            changes = {"left": {"colour": right.colour}, "right": {"colour": left.colour}}
        elif kind == "swap-shape":
            changes = {"left": {"shape": right.shape}, "right": {"shape": left.shape}}
        elif kind == "swap-both":
            changes = {"left": {"colour": right.colour, "shape": right.shape},
                       "right": {"colour": left.colour, "shape": left.shape}}
        elif kind == "twins":
            a, b = rng.choice(new_colours, size=2, replace=False)
            changes = {"left": {"colour": str(a)}, "right": {"shape": str(rng.choice(new_shapes))}}
            if rng.random() < 0.5:
                changes["right"]["colour"] = str(b)
        elif kind == "twin-one":
            side = str(rng.choice(["left", "right"]))
            changes = {side: {"colour": str(rng.choice(new_colours))}}
        else:  # shared-colour
            changes = {"left": {"colour": right.colour, "shape": str(rng.choice(new_shapes))},
                       "right": {"colour": left.colour}}
        edits = []
        for side, change in sorted(changes.items()):
            what = "+".join(k for k in ("colour", "shape") if k in change)
            edits.append(Edit(side, what, target_colour=change.get("colour"), target_shape=change.get("shape")))
        cases.append(Case(id=i, type=kind, source=scene, target=edit_scene(scene, changes), edits=edits))
    return cases


def cases_for(split: str, n: int, seed0: int | None = None) -> list[Case]:
    """The cases of a split (a collision split uses make_collision_cases); `seed0` overrides the split's seeds."""
    start = SPLITS[split] if seed0 is None else seed0
    return make_collision_cases(n, start) if split.startswith("collision") else make_cases(n, start)


def pair_regions(case: Case, pairs) -> list[tuple[str, np.ndarray]]:
    """(where, ground-truth source mask) of each aligned pair, from the pair's position in the caption."""
    caption = case.source.caption
    left_end = caption.find(" on the left")
    bg_start = caption.rfind(" on a ")
    sides = {o.side: m for o, m in zip(case.source.objects, case.source.masks)}
    out = []
    for p in pairs:
        start = p.source_span[0]
        if start > bg_start:
            out.append(("background", case.source.background_mask))
        elif "left" in sides and (left_end < 0 or start < left_end):
            out.append(("left", sides["left"]))
        else:
            out.append(("right", sides["right"]))
    return out


def judge(case: Case, image: np.ndarray) -> dict:
    """Pair success, concept mismatch and background PSNR of one result image (uint8 32x32x3)."""
    objects_union = np.zeros(image.shape[:2], bool)
    for m in case.target.masks:
        objects_union |= m
    bg_name, bg_rgb = read_background(image, exclude=_dilate(objects_union))
    readings = {side: read_object(image, side_region(side), bg_rgb) for side in ("left", "right")}
    success, mismatch = [], []
    edited = np.zeros(image.shape[:2], bool)
    for e in case.edits:
        if e.where == "background":
            success.append(bg_name == e.target_background)
            continue
        tgt = next(o for o in case.target.objects if o.side == e.where)
        r = readings[e.where]
        success.append(r is not None and r.colour == tgt.colour and r.shape == tgt.shape)
        others = [o for o in case.edits if o.where not in ("background", e.where)]
        src = next(o for o in case.source.objects if o.side == e.where)
        leaked = False
        for other in others:
            if r is None:
                continue
            if other.target_colour and other.target_colour not in (tgt.colour, src.colour) and r.colour == other.target_colour:
                leaked = True
            if other.target_shape and other.target_shape not in (tgt.shape, src.shape) and r.shape == other.target_shape:
                leaked = True
        if others:
            mismatch.append(leaked)
        for scene in (case.source, case.target):
            for o, m in zip(scene.objects, scene.masks):
                if o.side == e.where:
                    edited |= m
    if any(e.where == "background" for e in case.edits):
        keep = np.zeros_like(edited)
        for o, m in zip(case.source.objects, case.source.masks):
            if o.side not in [e.where for e in case.edits]:
                keep |= m
        keep &= ~_dilate(edited)
    else:
        keep = ~_dilate(edited)
    bg_psnr = psnr(image, case.source.image, keep) if keep.any() else None
    return {"success": success, "mismatch": mismatch, "bg_psnr": bg_psnr}


def _dilate(m: np.ndarray) -> np.ndarray:
    """One pixel of growth (3x3 square)."""
    return dilate(torch.from_numpy(m), 1).numpy()


def strict_success(judged: dict, threshold_db: float = 24.0) -> bool:
    """Every pair right AND no concept mismatch AND the preserved region at >= threshold_db PSNR (a case with no
    preserved region passes that last test)."""
    psnr_ok = judged["bg_psnr"] is None or judged["bg_psnr"] >= threshold_db
    return all(judged["success"]) and not any(judged["mismatch"]) and psnr_ok
