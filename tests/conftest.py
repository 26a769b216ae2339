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
    yields the port, then stops the server."""
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as s:
        s.bind((host, 0))
        port = s.getsockname()[1]
    import tempfile

    examples = Path(__file__).resolve().parents[1] / "examples"
    log = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in the finally below; a pipe nobody reads can block
    proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "serve", "--transport", "http", "--host", host,
                             "--port", str(port), "--model", "tiny", "--allowed-dir", str(examples), "--output-dir",
                             str(out_dir), *extra], stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                log.seek(0)
                raise RuntimeError(f"the HTTP server did not start (exit {proc.poll()}): "
                                   f"{log.read().decode(errors='replace')[-2000:]}") from None
            time.sleep(0.2)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
