"""ShapeWorld: a tiny synthetic world with exact ground truth, for training and judging edits offline.

32x32 images: a plain background and 1-2 objects (left / right), each a circle, square or triangle in one
of five clearly distinct colours; a caption in a small grammar; exact per-object masks and attributes.
Everything is deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIZE = 32
SUPERSAMPLE = 4
COLOURS = {"red": (220, 50, 50), "green": (50, 180, 70), "blue": (50, 90, 230), "yellow": (240, 220, 50),
           "purple": (160, 70, 210)}
BACKGROUNDS = {"gray": (128, 128, 128), "black": (25, 25, 25), "white": (235, 235, 235)}
SHAPES = ("circle", "square", "triangle")
SIDES = ("left", "right")
WORDS = (["a", "an", "the", "on", "and", "background", "photo", "of"] + list(COLOURS) + list(BACKGROUNDS)
         + list(SHAPES) + list(SIDES))


@dataclass(frozen=True)
class ShapeObject:
    colour: str
    shape: str
    side: str  # "left" | "right"
    cx: float  # centre in pixels
    cy: float
    radius: float  # half extent in pixels

    @property
    def phrase(self) -> str:
        return f"{self.colour} {self.shape}"


@dataclass
class Scene:
    background: str
    objects: list[ShapeObject]
    image: np.ndarray = field(repr=False)  # (32, 32, 3) uint8
    masks: list[np.ndarray] = field(repr=False)  # per object (32, 32) bool
    caption: str = ""

    @property
    def background_mask(self) -> np.ndarray:
        m = np.ones((SIZE, SIZE), bool)
        for om in self.masks:
            m &= ~om
        return m


def caption(objects: list[ShapeObject], background: str) -> str:
    """'a red circle on the left and a blue square on the right on a gray background'."""
    parts = [f"a {o.colour} {o.shape} on the {o.side}" for o in sorted(objects, key=lambda o: o.side)]
    return " and ".join(parts) + f" on a {background} background"


def _coverage(shape: str, cx: float, cy: float, r: float) -> np.ndarray:
    """Anti-aliased coverage in [0, 1] of one shape at 32x32 (4x supersampled)."""
    n = SIZE * SUPERSAMPLE
    ys, xs = (np.mgrid[0:n, 0:n] + 0.5) / SUPERSAMPLE
    if shape == "circle":
        inside = (xs - cx) ** 2 + (ys - cy) ** 2 <= r ** 2
    elif shape == "square":
        h = r * 0.88  # same visual area scale as the circle
        inside = (np.abs(xs - cx) <= h) & (np.abs(ys - cy) <= h)
    elif shape == "triangle":  # upright, base at the bottom
        top, bottom = cy - r, cy + r
        half = r * ((ys - top) / (2 * r))  # half-width grows from 0 at the top to r at the bottom
        inside = (ys >= top) & (ys <= bottom) & (np.abs(xs - cx) <= half * 1.15)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return inside.reshape(SIZE, SUPERSAMPLE, SIZE, SUPERSAMPLE).mean(axis=(1, 3))


def render(background: str, objects: list[ShapeObject]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Image (32, 32, 3) uint8 and one bool mask per object (pixels at least half covered)."""
    img = np.empty((SIZE, SIZE, 3), np.float32)
    img[:] = BACKGROUNDS[background]
    masks = []
    for o in objects:
        cov = _coverage(o.shape, o.cx, o.cy, o.radius)[..., None]
        img = img * (1 - cov) + np.asarray(COLOURS[o.colour], np.float32) * cov
        masks.append(cov[..., 0] >= 0.5)
    return np.clip(np.round(img), 0, 255).astype(np.uint8), masks


def make_object(rng: np.random.Generator, side: str, colour: str | None = None, shape: str | None = None,
                ) -> ShapeObject:
    cx = (8.0 if side == "left" else 24.0) + rng.uniform(-1.5, 1.5)
    return ShapeObject(colour=colour or str(rng.choice(list(COLOURS))), shape=shape or str(rng.choice(SHAPES)),
                       side=side, cx=cx, cy=16.0 + rng.uniform(-3.0, 3.0), radius=rng.uniform(5.0, 6.5))


def sample_scene(seed: int, num_objects: int | None = None) -> Scene:
    """A random scene, deterministic per seed."""
    rng = np.random.default_rng(seed)
    k = num_objects or int(rng.choice([1, 2], p=[0.3, 0.7]))
    sides = list(SIDES) if k == 2 else [str(rng.choice(SIDES))]
    objects = [make_object(rng, side) for side in sides]
    background = str(rng.choice(list(BACKGROUNDS)))
    return build_scene(background, objects)


def build_scene(background: str, objects: list[ShapeObject]) -> Scene:
    image, masks = render(background, objects)
    return Scene(background=background, objects=list(objects), image=image, masks=masks,
                 caption=caption(objects, background))


def edit_scene(scene: Scene, changes: dict, background: str | None = None) -> Scene:
    """The same scene with some objects' colour/shape changed (by side) and/or the background: exact ground truth."""
    objects = []
    for o in scene.objects:
        c = changes.get(o.side, {})
        objects.append(ShapeObject(colour=c.get("colour", o.colour), shape=c.get("shape", o.shape), side=o.side,
                                   cx=o.cx, cy=o.cy, radius=o.radius))
    return build_scene(background or scene.background, objects)


def batch(seeds, num_objects: int | None = None) -> list[Scene]:
    return [sample_scene(int(s), num_objects) for s in seeds]
