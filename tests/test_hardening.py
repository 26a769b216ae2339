"""What a hostile-input probe found (issue "Reliability and security hardening"), one test per item, by category:
HTTP headers, cancel/files, arguments, images, paths, the aligner, resources."""

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import SOURCE, scene, serve_http
from mcp import Client
from PIL import Image

from oir_agent.errors import AlignmentError, InvalidInputError
from oir_agent.server.app import build_server
from oir_agent.server.calls import run_in_worker
from oir_agent.server.inputs import InputPolicy, load_image_argument
from oir_agent.server.outputs import OutputStore
from oir_agent.server.settings import ServerSettings

ROOT = Path(__file__).resolve().parents[1]
TARGET = SOURCE.replace("red circle", "green triangle")
pytestmark = pytest.mark.anyio
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
JSON = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def folders(tmp_path):
    allowed, out = tmp_path / "allowed", tmp_path / "out"
    allowed.mkdir()
    out.mkdir()
    scene().save(allowed / "scene.png")
    return allowed, out


@pytest.fixture
def server(editor, folders):
    allowed, out = folders
    return build_server(lambda: editor, ServerSettings(allowed_dirs=[allowed], output_dir=out))


def error_text(result) -> str:
    assert result.is_error
    text = result.content[0].text
    assert text.strip() and "\n" not in text.strip(), f"not one clear line: {text!r}"
    return text


# --- HTTP headers (item 1, 3, 10) ------------------------------------------------------------------------
@pytest.fixture
def server_on_127_0_0_2(tmp_path):
    yield from serve_http(tmp_path, host="127.0.0.2")


async def test_rebinding_protection_on_every_loopback_address_and_big_bodies(server_on_127_0_0_2):
    port = server_on_127_0_0_2
    url = f"http://127.0.0.2:{port}/mcp"
    async with httpx.AsyncClient(timeout=60) as h:
        assert (await h.post(url, json=INIT, headers={**JSON, "host": "evil.example"})).status_code == 421
        assert (await h.post(url, json=INIT, headers={**JSON, "origin": "http://evil.example"})).status_code == 403
        assert (await h.post(url, json=INIT, headers=JSON)).status_code == 200  # its own address is fine
        # Item 3: an inline image of ~6 MB fits (the transport's default limit was 4 MiB).
        big = {**INIT, "params": {**INIT["params"], "padding": "A" * 6_000_000}}
        assert (await h.post(url, json=big, headers=JSON)).status_code == 200


def test_body_limit_covers_the_largest_inline_image():
    from oir_agent.server.transports import request_body_limit

    limit = request_body_limit(ServerSettings().max_file_bytes)
    assert limit >= ServerSettings().max_file_bytes * 4 / 3


async def test_bearer_scheme_is_case_insensitive():
    from oir_agent.server.transports import BearerAuth

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    transport = httpx.ASGITransport(app=BearerAuth(app, "s3cret"))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as h:
        for scheme in ("Bearer", "bearer", "BEARER"):
            assert (await h.get("/mcp", headers={"authorization": f"{scheme} s3cret"})).status_code == 200
        assert (await h.get("/mcp", headers={"authorization": "Basic s3cret"})).status_code == 401


# --- Cancel and files (item 2) ---------------------------------------------------------------------------
def test_stale_part_files_are_removed_at_start(tmp_path):
    old, fresh = tmp_path / ".edit-x.png.abc.part", tmp_path / ".edit-y.png.def.part"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    store = OutputStore(tmp_path)
    assert store.removed_stale == 1 and not old.exists() and fresh.exists()


async def test_cancel_during_write_rolls_the_files_back(tmp_path):
    store = OutputStore(tmp_path)
    cancel, written = threading.Event(), threading.Event()

    def work():
        names = {"image": store.save_text("{}", "edit", ".png"), "diagnostics": store.save_text("{}", "diagnostics")}
        written.set()
        time.sleep(0.5)  # the cancel arrives while the result is being finished
        return None, names

    async with anyio.create_task_group() as tg:
        tg.start_soon(run_in_worker, work, cancel, lambda done: store.delete(done[1].values()))
        await anyio.to_thread.run_sync(written.wait)
        tg.cancel_scope.cancel()
    assert cancel.is_set() and list(tmp_path.iterdir()) == []


# --- Arguments (items 4, 9, 10) ----------------------------------------------------------------------------
async def test_bad_arguments_get_one_clear_line_and_the_server_keeps_serving(server, folders):
    tiny = folders[0] / "one.png"
    Image.new("RGB", (1, 1)).save(tiny)
    async with Client(server) as c:
        assert "NUL byte" in error_text(await c.call_tool("edit_image", {
            "image": "scene\x00.png", "source_prompt": SOURCE, "target_prompt": TARGET}))
        assert "at least 32 px" in error_text(await c.call_tool("edit_image", {
            "image": "one.png", "source_prompt": SOURCE, "target_prompt": TARGET, "steps": 3}))
        assert "characters" in error_text(await c.call_tool("extract_edit_pairs", {
            "source_prompt": "a" * 1_000_000, "target_prompt": "b"}))
        assert "characters" in error_text(await c.call_tool("extract_edit_pairs", {
            "instruction": "replace the cat with a dog " * 50_000}))
        assert "over 200 characters" in error_text(await c.call_tool("find_objects", {
            "image": "scene.png", "phrases": ["x" * 10_000]}))
        assert "nothing to edit" in error_text(await c.call_tool("edit_image", {
            "image": "scene.png", "source_prompt": SOURCE, "pairs": [{"source": "red circle", "target": "red circle"}]}))
        unknown = error_text(await c.call_tool("extract_edit_pairs", {
            "source_prompt": SOURCE, "target_prompt": TARGET, "target": "typo"}))
        assert "target: unknown argument" in unknown and "target_prompt" in unknown
        tools = {t.name: t for t in (await c.list_tools()).tools}
        assert all(t.input_schema.get("additionalProperties") is False for t in tools.values())
        ok = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
        assert not ok.is_error


async def test_unexpected_exceptions_become_internal_errors_with_an_id(server, monkeypatch, caplog):
    import oir_agent.text.aligner as aligner

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(aligner, "align_prompts", boom)
    async with Client(server) as c:
        text = error_text(await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET}))
        assert text.count("internal error (id ") == 1 and "RuntimeError" in text and "secret" not in text
        incident = text.split("internal error (id ")[1].split(")")[0]
        assert any(incident in r.getMessage() for r in caplog.records)  # the traceback is in the server's log
        monkeypatch.undo()
        assert not (await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})).is_error


# --- Images (items 5, 6) -----------------------------------------------------------------------------------
def test_mpo_camera_jpegs_are_accepted(tmp_path):
    path = tmp_path / "camera.jpg"
    first, second = scene(), scene(seed=1)
    first.save(path, format="MPO", save_all=True, append_images=[second])
    policy = InputPolicy(allowed_dirs=[tmp_path], output_dir=tmp_path / "out")
    img = load_image_argument(str(path), policy)
    assert img.format == "MPO" and img.size == first.size


def test_a_missing_file_name_without_extension_is_not_called_base64(tmp_path):
    policy = InputPolicy(allowed_dirs=[tmp_path], output_dir=tmp_path / "out")
    name = "holiday_picture_from_the_beach_in_summer_2025_final_version_two_edited"  # 70 chars, base64-like
    with pytest.raises(InvalidInputError, match="does not exist as a file") as exc:
        load_image_argument(name, policy)
    assert "malformed base64" not in str(exc.value)
    buf = io.BytesIO()
    scene().save(buf, "PNG")
    (tmp_path / name).write_bytes(buf.getvalue())  # now it exists: it is read as the file
    assert load_image_argument(name, policy).size == scene().size


# --- Paths (item 8) ----------------------------------------------------------------------------------------
def test_path_refusals_do_not_disclose_the_servers_folders(tmp_path):
    allowed = tmp_path / "very-private-folder"
    allowed.mkdir()
    policy = InputPolicy(allowed_dirs=[allowed], output_dir=tmp_path / "out-secret")
    with pytest.raises(InvalidInputError) as exc:
        load_image_argument("/etc/passwd", policy)
    assert "very-private-folder" not in str(exc.value) and "out-secret" not in str(exc.value)
    assert "--allowed-dir" in str(exc.value)


# --- The aligner (item 7) ----------------------------------------------------------------------------------
def test_repeated_clause_is_applied_once_and_conflicts_are_named():
    from oir_agent.text.instructions import parse_instruction

    a = parse_instruction("replace the cat with a dog and replace the cat with a dog", source_prompt="a cat on a mat")
    assert a.target_prompt == "a dog on a mat" and any("repeats" in w for w in a.warnings)
    with pytest.raises(AlignmentError, match="twice") as exc:
        parse_instruction("replace the cat with a dog and replace the cat with a tiger", source_prompt="a cat on a mat")
    assert "not in the source prompt" not in str(exc.value)


# --- Found by fuzzing (fuzz/run.py): paths the OS refuses ----------------------------------------------------
@pytest.mark.parametrize("raw", ["x" * 300, "~no_such_user_zz/scene.png", "a/" * 3000])
def test_unusable_paths_are_clear_errors(raw, tmp_path):
    from oir_agent.images import open_image

    policy = InputPolicy(allowed_dirs=[tmp_path], output_dir=tmp_path / "out")
    for load in (lambda: load_image_argument(raw, policy), lambda: open_image(raw)):
        with pytest.raises(InvalidInputError) as exc:
            load()
        assert "\n" not in str(exc.value) and len(str(exc.value)) < 400


# --- Faults: a full disk, SIGTERM ---------------------------------------------------------------------------
def test_full_disk_is_a_clean_error_with_nothing_left(tmp_path, monkeypatch):
    import errno

    import oir_agent.files as files
    from oir_agent.errors import ResourceError
    from oir_agent.server.calls import write_edit

    store = OutputStore(tmp_path)
    saved = store.save_text

    def second_write_fails(*a, **k):
        raise ResourceError("could not write: No space left on device")

    class Result:
        image = scene()
        files = None

        def to_dict(self):
            return {}

    monkeypatch.setattr(store, "save_text", second_write_fails)
    with pytest.raises(ResourceError):
        write_edit(Result(), store, False, None)
    assert list(tmp_path.iterdir()) == []  # the image written first was rolled back
    monkeypatch.setattr(store, "save_text", saved)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(ResourceError, match="No space left on device") as exc:
        files.save_json({"a": 1}, tmp_path / "d.json")
    assert "\n" not in str(exc.value) and list(tmp_path.iterdir()) == []


def test_sigterm_mid_edit_exits_promptly_and_leaves_nothing(tmp_path):
    import signal

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "edit", str(ROOT / "examples" / "dumplings.png"),
                             "--model", "tiny", "-s", SOURCE, "-t", TARGET, "--steps", "150", "-o",
                             str(out / "e.png"), "--diagnostics", str(out / "e.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = []

    def read():  # the progress bars on stderr say when the edit is under way
        while chunk := proc.stderr.read1(4096):
            seen.append(chunk.decode(errors="replace"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.time() + 60
    while time.time() < deadline and not any(stage in "".join(seen) for stage in ("search", "scoring")):
        time.sleep(0.1)
    assert "search" in "".join(seen) or "scoring" in "".join(seen), "".join(seen)[-2000:]  # mid-edit, not before
    assert proc.poll() is None
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 143 and time.time() - t0 < 10
    assert not out.exists() or list(out.iterdir()) == []  # no partial result, no temp file
