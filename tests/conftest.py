"""Test setup: never touch the network; tiny random models built once per session."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import numpy as np
import pytest
import torch
from PIL import Image

torch.set_num_threads(int(os.environ.get("OIR_TEST_THREADS", max(1, min(2, os.cpu_count() or 1)))))


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory):
    """The tiny preset written in diffusers layout, so tests exercise the real loading code."""
    from oir_agent.presets.tiny import save_tiny

    path = tmp_path_factory.mktemp("tiny-model")
    save_tiny(path)
    return path


@pytest.fixture(scope="session")
def editor(tiny_dir):
    from oir_agent import OIREditor

    return OIREditor.from_pretrained(str(tiny_dir), device="cpu")


@pytest.fixture(scope="session")
def components(editor):
    return editor.components


def scene(width=96, height=64, seed=0) -> Image.Image:
    """A small non-square test picture: a disc on the left, a square on the right, on a gradient."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([x / width, y / height, 0.5 + 0 * x], axis=2) * 200
    img[((x - width * 0.25) ** 2 + (y - height * 0.5) ** 2) < (height * 0.3) ** 2] = (220, 40, 40)
    img[(abs(x - width * 0.72) < height * 0.22) & (abs(y - height * 0.5) < height * 0.22)] = (40, 40, 220)
    img += rng.randn(*img.shape) * 3
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def scene_masks(width=96, height=64):
    y, x = np.mgrid[0:height, 0:width]
    disc = ((x - width * 0.25) ** 2 + (y - height * 0.5) ** 2) < (height * 0.3) ** 2
    square = (abs(x - width * 0.72) < height * 0.22) & (abs(y - height * 0.5) < height * 0.22)
    return disc, square


SOURCE = "a red circle on the left and a blue square on the right"
