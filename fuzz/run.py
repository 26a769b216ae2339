"""Coverage-guided fuzzing (atheris) of everything that reads untrusted text or bytes.

    python fuzz/run.py TARGET -runs=100000          # TARGET: image_arg | data_url | image_bytes | mask | aligner |
                                                    #         instruction | pairs
    python fuzz/run.py all -runs=100000             # each target in turn, in its own process

A target passes when every input either succeeds or raises one of the project's errors (OIRError) with a
one-line message; anything else stops the run with the input that caused it (atheris writes crash-<hash>).
`pip install atheris` first (not a project dependency).
"""

from __future__ import annotations

import atexit
import base64
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = ("image_arg", "data_url", "image_bytes", "mask", "aligner", "instruction", "pairs")


def _setup(name: str):
    """The function fed each input, for target `name`."""
    import atheris

    with atheris.instrument_imports():
        from oir_agent.errors import OIRError
        from oir_agent.server.inputs import InputPolicy, load_image_argument

    root = Path(tempfile.mkdtemp(prefix="oir-fuzz-"))
    (root / "out").mkdir()
    from PIL import Image

    Image.new("RGB", (40, 40), (200, 30, 30)).save(root / "ok.png")
    policy = InputPolicy(allowed_dirs=[root], output_dir=root / "out", max_file_bytes=2_000_000, max_pixels=4_000_000)
    stats = {"inputs": 0, "ok": 0, "refused": 0, "t0": time.time()}

    def report():
        took = time.time() - stats["t0"]
        print(f"\nfuzz {name}: {stats['inputs']} inputs in {took:.0f} s, {stats['ok']} accepted, {stats['refused']} "
              "refused with a project error, 0 other exceptions", file=sys.stderr, flush=True)

    atexit.register(report)
    runs = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("-runs=")), 0)

    def checked(call):
        stats["inputs"] += 1
        if stats["inputs"] % 20000 == 0 or stats["inputs"] == runs:  # atheris leaves with os._exit: no atexit
            report()
        try:
            call()
            stats["ok"] += 1
        except OIRError as exc:
            message = str(exc)
            if "\n" in message.strip() or not message.strip():
                raise AssertionError(f"error message is not one line: {message!r}") from exc
            stats["refused"] += 1

    if name == "image_arg":
        forms = ["ok.png", "./ok.png", "../ok.png", "/etc/passwd", "file:///", "file://host/x", "oir://outputs/",
                 "oir://outputs/../ok.png", "http://x/y.png", "~/ok.png", str(root / "ok.png"), "data:", ""]

        def one(data: bytes):
            fdp = atheris.FuzzedDataProvider(data)
            head = fdp.PickValueInList(forms)
            text = head + fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 4096))
            checked(lambda: load_image_argument(text, policy))
    elif name == "data_url":
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (10, 200, 30)).save(buf, "PNG")
        png = buf.getvalue()

        def one(data: bytes):
            fdp = atheris.FuzzedDataProvider(data)
            head = fdp.PickValueInList(["data:image/png;base64,", "data:;base64,", "data:image/png,", "data:x/y;base64,",
                                        "data:image/png;charset=x;base64,", ""])
            if fdp.ConsumeBool():  # a real image, perhaps damaged, perhaps with junk around its base64
                body = bytearray(png)
                for _ in range(fdp.ConsumeIntInRange(0, 4)):
                    body[fdp.ConsumeIntInRange(0, len(body) - 1)] = fdp.ConsumeInt(1) & 0xFF
                text = head + base64.b64encode(bytes(body)).decode() + fdp.ConsumeUnicodeNoSurrogates(8)
            else:
                body = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 8192))
                text = head + (base64.b64encode(body).decode() if fdp.ConsumeBool() else body.decode("latin-1"))
            checked(lambda: load_image_argument(text, policy))
    elif name == "image_bytes":
        seeds = []
        for fmt in ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"):
            buf = io.BytesIO()
            Image.new("RGB", (40, 30), (10, 200, 30)).save(buf, fmt)
            seeds.append(buf.getvalue())

        def one(data: bytes):
            fdp = atheris.FuzzedDataProvider(data)
            base = bytearray(fdp.PickValueInList(seeds))
            for _ in range(fdp.ConsumeIntInRange(0, 8)):  # mutate a real file: headers, chunks, sizes
                if base:
                    base[fdp.ConsumeIntInRange(0, len(base) - 1)] = fdp.ConsumeInt(1) & 0xFF
            tail = fdp.ConsumeBytes(64)
            text = base64.b64encode(bytes(base) + tail).decode()
            checked(lambda: load_image_argument(text, policy))
    elif name == "mask":
        import numpy as np

        from oir_agent.masks.given import load_given_mask

        masks = []
        for mode in ("1", "L", "RGB", "RGBA", "P", "LA", "I;16"):
            a = np.zeros((24, 32), np.uint8)
            a[4:12, 6:20] = 255
            buf = io.BytesIO()
            Image.fromarray(a).convert(mode).save(buf, "PNG")
            masks.append(buf.getvalue())

        def one(data: bytes):
            fdp = atheris.FuzzedDataProvider(data)
            raw = bytearray(fdp.PickValueInList(masks))
            for _ in range(fdp.ConsumeIntInRange(0, 6)):
                raw[fdp.ConsumeIntInRange(0, len(raw) - 1)] = fdp.ConsumeInt(1) & 0xFF
            size = (fdp.ConsumeIntInRange(1, 96), fdp.ConsumeIntInRange(1, 96))

            def call():
                img = load_image_argument(base64.b64encode(bytes(raw)).decode(), policy, "mask")
                load_given_mask(img, size, "thing")

            checked(call)
    elif name in ("aligner", "instruction", "pairs"):
        with atheris.instrument_imports():
            from oir_agent.text.aligner import align_prompts
            from oir_agent.text.instructions import parse_instruction
            from oir_agent.text.pairs import explicit_pairs
        words = ["a", "the", "red", "cat", "dog", "on", "mat", "replace", "with", "and", "change", "color", "of", "to",
                 "blue", "turn", "into", "make", ",", ".", "bowl", "dumplings", "chopsticks", "two", "cats", "'s", "-"]

        def sentence(fdp) -> str:
            if fdp.ConsumeBool():
                return fdp.ConsumeUnicodeNoSurrogates(200)
            return " ".join(fdp.PickValueInList(words) for _ in range(fdp.ConsumeIntInRange(0, 14)))

        def one(data: bytes):
            fdp = atheris.FuzzedDataProvider(data)
            a, b = sentence(fdp), sentence(fdp)
            if name == "aligner":
                checked(lambda: align_prompts(a, b))
            elif name == "instruction":
                checked(lambda: parse_instruction(b, source_prompt=a if fdp.ConsumeBool() else None))
            else:
                checked(lambda: explicit_pairs(a, [(sentence(fdp), sentence(fdp)) for _ in range(
                    fdp.ConsumeIntInRange(0, 3))]))
    else:
        raise SystemExit(f"unknown target {name!r}; choose from {TARGETS} or 'all'")
    return one


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    name, rest = argv[1], argv[2:]
    if name == "all":
        failed = 0
        for target in TARGETS:
            failed |= subprocess.run([sys.executable, __file__, target, *rest]).returncode != 0
        return int(failed)
    import atheris

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    one = _setup(name)
    defaults = [a for a in ("-max_len=8192", "-len_control=0") if not any(r.startswith(a.split("=")[0]) for r in rest)]
    atheris.Setup([argv[0], *defaults, *rest], one)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
