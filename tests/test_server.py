"""MCP server in-process: every tool, every input form, hostile inputs, progress, cancel, busy, chaining."""

import base64
import io
import json
import os
import threading
import time
from pathlib import Path

import anyio
import numpy as np
import pytest
from conftest import SOURCE, scene, scene_masks
from mcp import Client
from PIL import Image

from oir_agent.server.app import server_for
from oir_agent.server.settings import ServerSettings
from oir_agent.server.state import ServerState

TARGET = SOURCE.replace("red circle", "green triangle")
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("srv")
    allowed, out, outside = root / "allowed", root / "out", root / "outside"
    for d in (allowed, out, outside):
        d.mkdir()
    scene().save(allowed / "scene.png")
    scene(64, 64).save(allowed / "small.png")
    disc, square = scene_masks()
    Image.fromarray(disc.astype(np.uint8) * 255).save(allowed / "disc.png")
    Image.fromarray(square.astype(np.uint8) * 255).save(allowed / "square.png")
    scene().save(outside / "secret.png")
    (allowed / "escape.png").symlink_to(outside / "secret.png")
    (allowed / "notes.png").write_text("not an image")
    data = io.BytesIO()
    scene().save(data, "PNG")
    (allowed / "cut.png").write_bytes(data.getvalue()[:150])
    bomb = Image.new("1", (20000, 20000))  # 400 megapixels, tiny file
    bomb.save(allowed / "bomb.png", optimize=True)
    Image.new("1", (7000, 6000)).save(allowed / "huge.png", optimize=True)  # 42 MP: over our 40 MP limit
    (allowed / "big.png").write_bytes(b"\x89PNG" + os.urandom(3 * 1024 * 1024))
    return {"allowed": allowed, "out": out, "outside": outside}


class GatedEditor:
    """The real editor, with a gate the test opens, and a record of cancellations (for concurrency tests)."""

    def __init__(self, editor):
        self.editor, self.release, self.cancelled = editor, threading.Event(), []
        self.entered = threading.Event()  # set when an edit reaches the editor (it holds the device)
        self.entries = 0  # edits that reached the editor
        self.release.set()

    def __getattr__(self, name):
        return getattr(self.editor, name)

    def run(self, *args, **kwargs):
        self.entries += 1
        self.entered.set()
        self.release.wait(30)
        from oir_agent import Cancelled

        try:
            return self.editor.run(*args, **kwargs)
        except Cancelled:
            self.cancelled.append(time.time())
            raise


@pytest.fixture
def make_server(editor, dirs):
    def make(**kw):
        gated = GatedEditor(editor)
        settings = ServerSettings(allowed_dirs=[dirs["allowed"]], output_dir=dirs["out"], **kw)
        state = ServerState.create(lambda: gated, settings)
        server = server_for(state)
        server.gated, server.state = gated, state
        return server

    return make


def b64(path):
    return base64.b64encode(Path(path).read_bytes()).decode()


EDIT = {"source_prompt": SOURCE, "target_prompt": TARGET, "steps": 3}


async def test_tools_listed_with_schemas_and_annotations(make_server):
    async with Client(make_server()) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
    assert set(tools) == {"edit_image", "extract_edit_pairs", "find_objects", "refine_edit", "view_candidates"}
    e = tools["edit_image"]
    assert {"image", "source_prompt", "target_prompt", "instruction", "pairs", "seed", "steps", "return_image",
            "diagnostic_sheet"} <= set(e.input_schema["properties"])
    assert "ctx" not in e.input_schema["properties"]
    assert e.output_schema and "pairs" in e.output_schema["properties"]
    a = e.annotations
    assert (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint) == (False, False, True, False)
    assert tools["extract_edit_pairs"].annotations.read_only_hint is True
    assert "same sentence" in e.input_schema["properties"]["target_prompt"]["description"].lower()


async def test_extract_edit_pairs_is_instant_and_loads_no_model(make_server):
    server = make_server()
    async with Client(server) as c:
        r = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
    assert not r.is_error
    assert r.structured_content["pairs"][0]["source"] == "red circle"
    assert r.structured_content["pairs"][0]["guided_prompt"] == TARGET
    assert not server.state.holder.loaded


@pytest.mark.parametrize("form", ["path", "absolute", "file_uri", "data_url", "bare_base64"])
async def test_edit_image_input_forms(make_server, dirs, form):
    p = dirs["allowed"] / "scene.png"
    image = {"path": "scene.png", "absolute": str(p), "file_uri": p.as_uri(),
             "data_url": "data:image/png;base64," + b64(p), "bare_base64": b64(p)}[form]
    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": image, **EDIT})
    assert not r.is_error, r.content[0].text
    kinds = [b.type for b in r.content]
    assert kinds == ["image", "text", "resource_link"]
    preview = base64.b64decode(r.content[0].data)
    assert len(preview) < 1_000_000 and max(Image.open(io.BytesIO(preview)).size) <= 1024
    out = r.structured_content["output"]
    full = dirs["out"] / out["uri"].split("/")[-1]
    assert Image.open(full).size == (96, 64) == (out["width"], out["height"])
    pair = r.structured_content["pairs"][0]  # the chosen step is the best-scored candidate (ties: the smallest)
    scores = [float("-inf") if s is None else s for s in pair["search"]["score"]]
    assert pair["optimal_step"] == pair["search"]["steps"][scores.index(max(scores))]
    assert "inversion step" in r.content[1].text


async def test_chaining_and_resources(make_server, dirs):
    async with Client(make_server()) as c:
        first = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "diagnostic_sheet": True})
        uri = first.structured_content["output"]["uri"]
        second = await c.call_tool("edit_image", {"image": uri, "source_prompt": TARGET,
                                                  "instruction": "replace the blue square with a yellow circle",
                                                  "steps": 3, "return_image": "link"})
        assert not second.is_error, second.content[0].text
        assert [b.type for b in second.content] == ["text", "resource_link"]
        res = await c.read_resource(uri)
        assert Image.open(io.BytesIO(base64.b64decode(res.contents[0].blob))).size == (96, 64)
        sheet = first.structured_content["output"]["sheet_uri"]
        assert (await c.read_resource(sheet)).contents
        diag = await c.read_resource(first.structured_content["output"]["diagnostics_uri"])
        assert json.loads(base64.b64decode(diag.contents[0].blob))["pairs"][0]["source"] == "red circle"
        with pytest.raises(Exception, match="no output named|not found|Unknown|unknown"):
            await c.read_resource("oir://outputs/nope.png")
        traversal = await c.call_tool("edit_image", {"image": "oir://outputs/../allowed/scene.png", **EDIT})
        assert traversal.is_error and "not a result URI" in traversal.content[0].text


HOSTILE = [
    ("../outside/secret.png", "outside the folders"),
    ("escape.png", "outside the folders"),  # a symlink escaping the allowed dir
    ("/etc/passwd", "outside the folders"),
    ("notes.png", "not a readable image"),
    ("cut.png", "corrupt or truncated"),
    ("bomb.png", "decompression-bomb guard"),
    ("huge.png", "megapixels, over the 40 MP limit"),
    ("missing.png", "does not exist"),
    ("data:image/png;base64,@@@@", "malformed base64"),
    ("data:text/plain;base64,aGVsbG8=", "is not an image"),
    ("oir://outputs/edit-unknown.png", "does not exist"),
    ("http://example.com/cat.png", "not supported"),
    ("", "image is empty"),
]


@pytest.mark.parametrize("image, message", HOSTILE, ids=[h[0][:20] or "empty" for h in HOSTILE])
async def test_hostile_images_refused_and_server_keeps_serving(make_server, image, message):
    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": image, **EDIT})
        assert r.is_error and message in r.content[0].text
        ok = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
        assert not ok.is_error


async def test_file_size_limit(make_server):
    async with Client(make_server(max_file_bytes=1024 * 1024)) as c:
        r = await c.call_tool("edit_image", {"image": "big.png", **EDIT})
    assert r.is_error and "over the 1 MB limit" in r.content[0].text


@pytest.mark.parametrize("args, message", [
    ({"source_prompt": "", "target_prompt": "a dog"}, "source_prompt is empty"),
    ({"source_prompt": SOURCE, "target_prompt": SOURCE}, "nothing to edit"),
    ({"source_prompt": SOURCE, "instruction": "do a dance"}, "could not understand the instruction"),
    ({**EDIT, "steps": 1}, "greater than or equal to 2"),
    ({**EDIT, "steps": 500}, "over this server's limit"),
    ({**EDIT, "return_image": "gif"}, "preview"),
    ({"source_prompt": SOURCE, "pairs": [{"source": "red circle", "target": "cat", "mask": "disc.png"},
                                         {"source": "blue square", "target": "dog"}]}, "every pair or for none"),
    ({"source_prompt": SOURCE, "pairs": [{"source": "purple star", "target": "cat"}]}, "does not occur"),
])
async def test_bad_parameters(make_server, args, message):
    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": "scene.png", **args})
    assert r.is_error and message in r.content[0].text


async def test_explicit_pairs_with_masks(make_server):
    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": "scene.png", "source_prompt": SOURCE, "steps": 3, "pairs": [
            {"source": "red circle", "target": "green triangle", "mask": "disc.png"},
            {"source": "blue square", "target": "yellow circle", "mask": "square.png"}]})
    assert not r.is_error
    assert [p["mask"]["provider"] for p in r.structured_content["pairs"]] == ["given", "given"]


async def test_pair_steps_fix_a_pair_and_skip_its_search(make_server):
    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "steps": 6, "pair_steps": {"red circle": 4}})
        bad = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "steps": 6, "pair_steps": {"cat": 4}})
    assert not r.is_error
    fixed = r.structured_content["pairs"][0]
    assert fixed["optimal_step"] == 4 and fixed["search"]["steps"] == [4] and fixed["search"]["strategy"] == "override"
    assert bad.is_error and "not an editing pair" in bad.content[0].text


async def test_progress_in_order_with_known_total(make_server):
    events = []

    async def progress(p, total, message):
        events.append((p, total, message))

    async with Client(make_server()) as c:
        r = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "steps": 6}, progress_callback=progress)
    assert not r.is_error
    values = [e[0] for e in events]
    assert values == sorted(values) and values[-1] == 100 and all(e[1] == 100 for e in events)
    stages = []
    for _, _, m in events:
        s = m.split(":")[0]
        if not stages or stages[-1] != s:
            stages.append(s)
    assert [x for x in stages if x != "reassembly"] == ["load", "align", "masks", "inversion", "search", "scoring",
                                                        "reinversion", "denoise", "done"]


async def test_cancel_stops_and_writes_nothing(make_server, dirs):
    server = make_server()
    before = set(dirs["out"].glob("edit-*"))
    started = anyio.Event()

    async def progress(p, total, message):
        if message.startswith("search"):
            started.set()

    async with Client(server) as c:
        async def call():
            await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "steps": 60}, progress_callback=progress)

        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            await started.wait()
            tg.cancel_scope.cancel()
        for _ in range(100):
            if server.gated.cancelled:
                break
            await anyio.sleep(0.05)
        assert server.gated.cancelled  # the editor raised Cancelled at its next UNet call
        ok = await c.call_tool("edit_image", {"image": "scene.png", **EDIT})
        assert not ok.is_error
    after = set(dirs["out"].glob("edit-*"))
    assert len(after - before) == 1  # only the second edit wrote a file
    assert not list(dirs["out"].glob("*.part"))


class QueuedCalls:
    """edit_image calls on one client, results by key; `queued` is set once a watched call reports the queue."""

    def __init__(self, client):
        self.client, self.results, self.queued = client, {}, anyio.Event()

    async def _progress(self, progress, total, message):
        if message and message.startswith("queue"):
            self.queued.set()

    async def edit(self, key, watch_queue=False):
        self.results[key] = await self.client.call_tool("edit_image", {"image": "scene.png", **EDIT},
                                                        progress_callback=self._progress if watch_queue else None)


async def test_busy_when_queue_full_and_pairs_never_wait(make_server):
    """Ordered by events, not by sleeps: the first edit holds the device, the second is seen queued, the third is
    refused at once, and the aligner answers meanwhile."""
    server = make_server(queue_size=1)
    server.gated.release.clear()  # the first edit holds the device until released
    async with Client(server) as c:
        calls = QueuedCalls(c)
        async with anyio.create_task_group() as tg:
            tg.start_soon(calls.edit, "running")
            with anyio.fail_after(60):
                while not server.gated.entered.is_set():
                    await anyio.sleep(0.01)
            tg.start_soon(calls.edit, "queued", True)
            with anyio.fail_after(60):
                await calls.queued.wait()
            busy = await c.call_tool("edit_image", {"image": "scene.png", **EDIT})
            assert busy.is_error and "busy" in busy.content[0].text and "retry later" in busy.content[0].text
            pairs = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
            assert not pairs.is_error and not server.gated.release.is_set()  # answered while the device was held
            server.gated.release.set()
    assert not calls.results["running"].is_error and not calls.results["queued"].is_error


async def test_admission_runs_max_concurrent_together_then_queues_then_refuses(make_server):
    """--max-concurrent 2 --queue-size 1: two edits are inside the editor at once, the third waits, the fourth is
    told busy; all admitted edits finish."""
    server = make_server(queue_size=1, max_concurrent=2)
    server.gated.release.clear()
    async with Client(server) as c:
        calls = QueuedCalls(c)
        async with anyio.create_task_group() as tg:
            tg.start_soon(calls.edit, "a")
            tg.start_soon(calls.edit, "b")
            with anyio.fail_after(60):
                while server.gated.entries < 2:  # both inside the editor while it is held: they run together
                    await anyio.sleep(0.01)
            tg.start_soon(calls.edit, "c", True)
            with anyio.fail_after(60):
                await calls.queued.wait()
            assert server.gated.entries == 2  # the third waits for a slot
            busy = await c.call_tool("edit_image", {"image": "scene.png", **EDIT})
            assert busy.is_error and "2 edits are running and 1 more are waiting" in busy.content[0].text
            server.gated.release.set()
    assert all(not calls.results[k].is_error for k in "abc") and server.gated.entries == 3


async def test_no_structured_mode_returns_text_diagnostics(make_server):
    async with Client(make_server(structured=False)) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
        assert tools["edit_image"].output_schema is None
        r = await c.call_tool("edit_image", {"image": "scene.png", **EDIT})
    assert not r.is_error and r.structured_content is None
    assert [b.type for b in r.content] == ["image", "text", "resource_link", "text"]
    assert json.loads(r.content[-1].text)["pairs"][0]["source"] == "red circle"


async def test_find_objects(make_server):
    async with Client(make_server()) as c:
        r = await c.call_tool("find_objects", {"image": "scene.png", "phrases": ["red circle", "blue square"]})
    assert not r.is_error
    assert [o["phrase"] for o in r.structured_content["objects"]] == ["red circle", "blue square"]
    assert r.content[0].type == "image" and r.content[-1].type == "resource_link"


async def test_output_schema_matches_diagnostics_recursively(make_server, editor):
    from oir_agent import OIRConfig

    async with Client(make_server()) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
    schema = dict(tools["edit_image"].output_schema)
    result = editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, masks=[scene_masks()[0]],
                         config=OIRConfig(num_inference_steps=3))
    d = result.to_dict()
    d["output"] = {"uri": "oir://outputs/x.png", "width": 1, "height": 1, "sheet_uri": None, "diagnostics_uri": None,
                   "edit_memory": {"edits": 1, "used_mb": 0.5, "limit_mb": 512.0, "ids": ["e-1"]}}
    # the published schema, validated by a real JSON-schema validator (every anyOf branch, every nested object)
    import jsonschema

    jsonschema.validate(d, schema)
    bad = json.loads(json.dumps(d))
    bad["pairs"][0]["search"]["colour"] = "red"  # a field the contract lacks is refused, however deep
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(json.dumps(d))
    bad["pairs"][0]["mask"]["area_fraction"] = "most of it"  # and so is a wrong type
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert d["config"]["num_inference_steps"] == 3 and d["config"]["search"] == "budgeted"
    assert set(d["config"]) == set(OIRConfig.__dataclass_fields__)


async def test_keep_margin_argument_reaches_the_config(make_server):
    async with Client(make_server()) as c:
        wide = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "keep_margin": 0.2})
        off = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "keep_margin": 0.5})
        bad = await c.call_tool("edit_image", {"image": "scene.png", **EDIT, "keep_margin": 0.7})
    assert wide.structured_content["config"]["keep_margin"] == 0.2
    assert wide.structured_content["config"]["keep_outside"] is True
    assert off.structured_content["config"]["keep_outside"] is False
    assert bad.is_error and "keep_margin" in bad.content[0].text


async def test_refusal_carries_what_to_send_instead_as_data(make_server):
    async with Client(make_server()) as c:
        r = await c.call_tool("extract_edit_pairs", {"instruction": "make it a dog",
                                                     "source_prompt": "a cat and a horse in a field"})
        e = await c.call_tool("edit_image", {"image": "scene.png", "instruction": "make it a watercolor",
                                             "source_prompt": "Fallen Leaves, Valley View", "steps": 3})  # a title
        ok = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
    assert r.is_error and r.structured_content["error"]["code"] == "ambiguous"
    readings = r.structured_content["error"]["suggestion"]["readings"]
    assert [x["pairs"][0][0] for x in readings] == ["cat", "horse"]
    assert "suggestion (retry with)" in r.content[0].text
    assert e.is_error and e.structured_content["error"]["code"] == "no-slot"
    assert e.structured_content["error"]["suggestion"]["target_prompt"].startswith("a watercolor of ")
    assert not ok.is_error  # the server keeps serving


def test_strict_tool_adapter():
    """The one adapter on the SDK (server/strict.py): it relies on `Tool.fn_metadata.arg_model` validating the
    arguments and on `Tool.run` raising ToolError caused by a ValidationError. If the SDK changes either, this fails."""
    from mcp.server.mcpserver.exceptions import ToolError
    from pydantic import ValidationError

    from oir_agent.server.strict import StrictTool

    async def probe(count: int, name: str = "x") -> str:
        """probe"""
        return f"{name}{count}"

    tool = StrictTool.build(probe)
    assert tool.parameters.get("additionalProperties") is False and tool.argument_names == ["count", "name"]

    async def run(arguments):
        return await tool.run(arguments, None)

    assert anyio.run(run, {"count": 2}) == "x2"
    with pytest.raises(ToolError) as unknown:
        anyio.run(run, {"count": 2, "colour": "red"})
    assert "colour: unknown argument (this tool's arguments are count, name)" in str(unknown.value)
    assert isinstance(unknown.value.__cause__, ValidationError)
    with pytest.raises(ToolError) as bad:
        anyio.run(run, {"count": "many"})
    assert str(bad.value).startswith("invalid arguments for probe: count:") and "\n" not in str(bad.value)
