"""Test setup: never touch the network; tiny random models built once per session."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

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
    """A small non-square test picture: a disc on the left, a square on the right, on a gradient (noisy)."""
    from oir_agent.presets.scene import two_object_scene

    return two_object_scene(width, height, noise_seed=seed)


def scene_masks(width=96, height=64):
    from oir_agent.presets.scene import two_object_masks

    return two_object_masks(width, height)


SOURCE = "a red circle on the left and a blue square on the right"


def serve_http(out_dir, host: str = "127.0.0.1", extra: tuple = ()):
    """`oir-agent serve --transport http --model tiny` on a free port of `host`, waited for; a generator for fixtures:
    yields the port, then stops the server. A server that does not start fails with its log."""
    from pathlib import Path

    from oir_agent.server.launch import launched

    examples = Path(__file__).resolve().parents[1] / "examples"
    log = Path(out_dir).parent / f"serve-{Path(out_dir).name}.log"
    with launched(["--model", "tiny", "--allowed-dir", str(examples), "--output-dir", str(out_dir), *extra], log,
                  host=host) as (_, port):
        yield port


def mcp_server(editor, folder):
    """The MCP server over `editor`, reading from and writing under `folder` (scene.png written there)."""
    from oir_agent.server.app import build_server
    from oir_agent.server.settings import ServerSettings

    scene().save(folder / "scene.png")
    return build_server(lambda: editor, ServerSettings(allowed_dirs=[folder], output_dir=folder / "out"))
