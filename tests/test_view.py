"""The MCP App view without a browser: how the server links and serves it, what the results carry for it (and only
for clients that negotiated MCP Apps), the payload's pictures, and `oir-agent view`'s refusals."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import SOURCE, mcp_server, scene, scene_masks
from mcp import Client
from mcp.client.extension import ClientExtension
from PIL import Image

from oir_agent.view.payload import VIEW_KEY, payload_from_files, payload_from_result

TARGET = SOURCE.replace("red circle", "green triangle")


class Apps(ClientExtension):
    identifier = "io.modelcontextprotocol/ui"

    def settings(self):
        return {"mimeTypes": ["text/html;profile=mcp-app"]}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def server(editor, tmp_path):
    return mcp_server(editor, tmp_path), tmp_path


def picture(url: str) -> Image.Image:
    head, data = url.split(",", 1)
    assert head in ("data:image/jpeg;base64", "data:image/png;base64")
    return Image.open(io.BytesIO(base64.b64decode(data)))


@pytest.mark.anyio
async def test_tools_link_the_view_and_the_resource_is_an_mcp_app(server):
    srv, _ = server
    async with Client(srv, extensions=[Apps()]) as c:
        meta = {t.name: t.meta["ui"] for t in (await c.list_tools()).tools}
        assert meta["edit_image"] == {"resourceUri": "ui://oir-agent/edit", "visibility": ["model"]}
        assert meta["refine_edit"] == {"resourceUri": "ui://oir-agent/edit", "visibility": ["model", "app"]}
        assert "app" in meta["view_candidates"]["visibility"]
        assert all("app" not in meta[n]["visibility"] for n in ("edit_image", "extract_edit_pairs", "find_objects"))
        page = (await c.read_resource("ui://oir-agent/edit")).contents[0]
        assert page.mime_type == "text/html;profile=mcp-app" and page.meta["ui"]["csp"] == {}
        assert page.text.startswith("<!doctype html>") and "<script>" in page.text


@pytest.mark.anyio
async def test_results_carry_the_view_only_for_clients_that_show_it(server):
    srv, root = server
    args = {"image": str(root / "scene.png"), "source_prompt": SOURCE, "target_prompt": TARGET, "steps": 5}
    async with Client(srv) as c:
        plain = await c.call_tool("edit_image", args)
        assert not plain.is_error and VIEW_KEY not in (plain.meta or {})
    async with Client(srv, extensions=[Apps()]) as c:
        r = await c.call_tool("edit_image", args)
        view = r.meta[VIEW_KEY]
        assert view["edit_id"] == r.structured_content["edit_id"]
        assert view["output_uri"] == r.structured_content["output"]["uri"]
        pair = view["pairs"][0]
        assert len(pair["thumbs"]) == len(pair["steps"]) == len(r.structured_content["pairs"][0]["search"]["steps"])
        mask = np.asarray(picture(pair["mask"])) > 127
        assert mask.shape == (64, 96) and abs(mask.mean() - pair["area_fraction"]) < 0.01
        assert picture(view["result"]).size == picture(view["input"]).size == (96, 64)
        assert str(root) not in json.dumps(view)  # no path of the server's file system
        refined = await c.call_tool("refine_edit", {"edit_id": view["edit_id"], "steps": {pair["id"]: 1}})
        assert refined.meta[VIEW_KEY]["pairs"][0]["optimal_step"] == 1


def test_payload_from_files_matches_the_result(editor):
    from oir_agent.config import OIRConfig

    disc, square = scene_masks()
    result = editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, masks=[disc],
                         config=OIRConfig(num_inference_steps=5, mask_provider="given"))
    stored = editor.edits.get(result.edit_id)
    a = payload_from_result(result)
    b = payload_from_files(result.to_dict(), scene(), result.image, stored)
    assert a["pairs"][0]["mask"] == b["pairs"][0]["mask"]
    assert a["pairs"][0]["thumbs"] == b["pairs"][0]["thumbs"]
    assert np.array_equal(np.asarray(picture(b["pairs"][0]["mask"])) > 127, disc)
    bare = payload_from_files(result.to_dict(), scene(), result.image)
    assert bare["pairs"][0]["mask"] is None and bare["pairs"][0]["thumbs"] == []


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "oir_agent.cli", "view", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_view_refuses_clearly(tmp_path):
    missing = run_cli(str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "--diagnostics" in missing.stderr
    (tmp_path / "x.json").write_text('{"a": 1}')
    other = run_cli(str(tmp_path / "x.json"))
    assert other.returncode == 2 and "not oir-agent diagnostics" in other.stderr
    (tmp_path / "d.json").write_text(json.dumps({"pairs": [], "num_inference_steps": 5, "files": {"output": "o.png"}}))
    serve = run_cli(str(tmp_path / "d.json"), "--serve")
    assert serve.returncode == 2 and "--edit FILE" in serve.stderr
    gone = run_cli(str(tmp_path / "d.json"))
    assert gone.returncode == 2 and "result image" in gone.stderr
    assert not list(tmp_path.glob("*.html"))  # nothing written on a refusal
