"""The edit view in a real browser (headless Chromium driven by Playwright): inside a small MCP Apps host connected
to a real `oir-agent serve --transport http --model tiny`, and served by `oir-agent view --serve`. A slider move
must cost one refine_edit with that step and swap in the refined image. Skipped, with the reason, where Chromium
or Playwright is not installed (`.ci/run` installs both)."""

from __future__ import annotations

import base64
import contextlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SOURCE, scene, serve_http

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = pytest.mark.skipif(CHROMIUM is None or sync_playwright is None,
                                reason="needs Chromium (Debian: apt install chromium) and playwright (pip install "
                                       "playwright); .ci/run installs both")
HOST = Path(__file__).parent / "view_host" / "host.html"
ARTIFACTS = Path(os.environ.get("OIR_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET = SOURCE.replace("red circle", "green triangle")


DEMO = Path(__file__).resolve().parents[1] / "oir_agent" / "presets" / "shapes" / "demo"


@pytest.fixture
def http_server(tmp_path):
    yield from serve_http(tmp_path / "out", extra=("--model", "shapes"))  # the shipped model: a picture worth seeing


def server_log(tmp_path) -> str:
    """The last lines of the http_server fixture's log (conftest.serve_http writes it beside the output folder)."""
    log = tmp_path / "serve-out.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-25:]) if log.exists() else "(no server log)"


def data_url(image) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def outside_requests(page) -> list[str]:
    """Every request the page makes that is not inline data or the page itself."""
    seen: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("data:", "about:", "file:", "blob:",
                                                           "http://127.0.0.1")) else seen.append(r.url))
    return seen


@contextlib.contextmanager
def host_page(call):
    """The test host page served on 127.0.0.1, with POST /call relaying {name, arguments} to `call` (in the server's
    own thread, so neither the browser nor Playwright's dispatcher ever waits on it); yields the page's URL."""
    page = HOST.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.reply(200, "text/html", page)

        def do_POST(self):
            try:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.reply(200, "application/json", json.dumps(call(body["name"], body["arguments"])).encode())
            except Exception as exc:  # the host turns this into a JSON-RPC error for the view
                self.reply(500, "text/plain", repr(exc).encode())

        def reply(self, code, kind, data):
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_view_in_an_mcp_apps_host_refines_on_a_slider_move(http_server, tmp_path):
    import anyio.from_thread
    from mcp import Client
    from mcp.client.extension import ClientExtension

    class Apps(ClientExtension):  # the host says it renders MCP App views
        identifier = "io.modelcontextprotocol/ui"

        def settings(self):
            return {"mimeTypes": ["text/html;profile=mcp-app"]}

    url = f"http://127.0.0.1:{http_server}/mcp"
    with anyio.from_thread.start_blocking_portal() as portal, \
            portal.wrap_async_context_manager(Client(url, extensions=[Apps()])) as c:
        tools = portal.call(c.list_tools).tools
        html = portal.call(c.read_resource, "ui://oir-agent/edit").contents[0].text
        from PIL import Image

        demo = json.loads((DEMO / "edit.json").read_text())
        pairs = [{"source": "red circle", "target": "green triangle", "mask": data_url(Image.open(DEMO / "mask_left.png"))},
                 {"source": "blue square", "target": "yellow circle",
                  "mask": data_url(Image.open(DEMO / "mask_right.png"))}]
        args = {"image": data_url(Image.open(DEMO / "scene.png")), "source_prompt": demo["source_prompt"],
                "target_prompt": demo["target_prompt"], "pairs": pairs, "steps": 20}
        edit = portal.call(c.call_tool, "edit_image", args)
        assert not edit.is_error
        view = edit.meta["oir-agent/view"]
        pair = view["pairs"][0]
        replies = []

        def mcp_call(name, arguments):  # the host's connection to the server: the real MCP session
            r = portal.call(c.call_tool, name, arguments)
            replies.append(r)
            return r.model_dump(by_alias=True, mode="json", exclude_none=True)

        with host_page(mcp_call) as host_url, sync_playwright() as p:
            b = browser(p)
            page = b.new_page(viewport={"width": 920, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            outside = outside_requests(page)
            page.goto(host_url)
            page.evaluate("(d) => host.start(d)", {
                "html": html, "toolInput": args, "tools": [t.model_dump(by_alias=True, mode="json") for t in tools],
                "toolResult": None})  # the call is still running: the view says what is being edited
            frame = page.frame_locator("#view")
            frame.locator("#empty", has_text=f"Editing: {args['source_prompt']}").wait_for(timeout=15000)
            page.wait_for_function("() => typeof host.sendResult === 'function'")
            page.evaluate("(r) => host.sendResult(r)", edit.model_dump(by_alias=True, mode="json", exclude_none=True))
            frame.locator("#view").wait_for(state="visible", timeout=15000)
            assert frame.locator("#after").get_attribute("src") == view["result"]
            assert frame.locator(".pair").count() == len(view["pairs"])
            assert frame.locator(".pair").first.locator(".strip figure").count() == len(pair["steps"])
            assert frame.locator(".pair").first.locator("figure.chosen figcaption").inner_text() == \
                str(pair["optimal_step"])

            slider = frame.locator(f'input[type=range][data-pair="{pair["id"]}"]')
            key = "ArrowLeft" if pair["optimal_step"] > 1 else "ArrowRight"
            slider.press(key)  # a person moving the slider one step (focus and key, one action)
            new_step = pair["optimal_step"] + (-1 if key == "ArrowLeft" else 1)
            status = frame.locator("#status")
            try:
                page.wait_for_function("() => host.calls.length > 0", timeout=20000)
                frame.locator("#status", has_text="UNet sample evaluations").wait_for(timeout=90000)
            except Exception as exc:  # say what the view and the host saw
                raise AssertionError(f"no refine shown: status {status.inner_text()!r}, host calls "
                                     f"{page.evaluate('() => host.calls')}, replies {len(replies)}, page errors "
                                     f"{errors}, slider {slider.input_value()!r}; server log:\n"
                                     f"{server_log(tmp_path)}") from exc
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "view-mcp-host.png"), full_page=True)
            host = page.evaluate("() => ({calls: host.calls, context: host.modelContext, refused: host.refused})")
            shown = frame.locator("#after").get_attribute("src")
            b.close()

    assert not errors, errors
    assert not outside, f"the view reached outside: {outside}"
    assert host["calls"] == [{"name": "refine_edit", "arguments": {"edit_id": view["edit_id"],
                                                                   "steps": {pair["id"]: new_step},
                                                                   "return_image": "link"}}]
    refined = replies[-1]
    assert not refined.is_error
    d = refined.structured_content
    assert [p["optimal_step"] for p in d["pairs"] if p["id"] == pair["id"]] == [new_step]
    assert shown == refined.meta["oir-agent/view"]["result"] != view["result"]  # the refined image swapped in
    # one slider move = one reassembly: no search, far fewer UNet evaluations than the edit
    assert d["cost"]["search_unet_calls"] == 0
    assert d["cost"]["unet_sample_evals"] < edit.structured_content["cost"]["unet_sample_evals"]
    # the model learns what the person chose
    assert host["context"] and host["context"][-1]["structuredContent"]["steps"][pair["id"]] == new_step
    assert not host["refused"]
    print(f"edit: {edit.structured_content['cost']['unet_sample_evals']} UNet sample evals; slider move (refine): "
          f"{d['cost']['unet_sample_evals']}")


def test_cli_view_serves_the_same_page_with_a_local_bridge(tmp_path):
    from oir_agent.editor import OIREditor
    from oir_agent.edits import save_edit
    from oir_agent.files import save_image, save_json

    editor = OIREditor.from_pretrained("tiny", device="cpu")
    from oir_agent.config import OIRConfig

    result = editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, config=OIRConfig(num_inference_steps=6))
    save_image(scene(), tmp_path / "in.png")
    save_image(result.image, tmp_path / "out.png")
    result.files = {"input": "in.png", "output": "out.png", "diagnostics": None, "sheet": None}  # relative paths
    save_json(result.to_dict(), tmp_path / "d.json")
    save_edit(editor.edits.get(result.edit_id), tmp_path / "e.oir")
    pair = result.pairs[0]
    other = next(i for i, s in enumerate(pair.search.steps) if s != pair.optimal_step)  # a candidate not chosen

    static = subprocess.run([sys.executable, "-m", "oir_agent.cli", "view", str(tmp_path / "d.json"), "--edit",
                             str(tmp_path / "e.oir"), "-o", str(tmp_path / "r.html")], capture_output=True, text=True,
                            timeout=120)
    assert static.returncode == 0, static.stderr
    page_html = (tmp_path / "r.html").read_text()
    assert "oir-view-data" in page_html and str(tmp_path) not in page_html  # no path of this machine in the report

    proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "view", str(tmp_path / "d.json"), "--edit",
                             str(tmp_path / "e.oir"), "--serve", "--refined", str(tmp_path / "refined.png")],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        deadline = time.time() + 120
        while "http://127.0.0.1:" not in line and time.time() < deadline:
            line = proc.stderr.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        with sync_playwright() as p:
            b = browser(p)
            page = b.new_page(viewport={"width": 920, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#view").wait_for(state="visible", timeout=15000)
            before = page.locator("#after").get_attribute("src")
            page.locator(".pair").first.locator(".strip figure").nth(other).click()  # a candidate picked from the strip
            page.locator("#status", has_text="UNet sample evaluations").wait_for(timeout=60000)
            page.screenshot(path=str(tmp_path / "cli-view.png"), full_page=True)
            chosen = page.locator(".pair").first.locator("figure.chosen figcaption").inner_text()
            after = page.locator("#after").get_attribute("src")
            b.close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert not errors, errors
    assert chosen == str(pair.search.steps[other])
    assert (tmp_path / "refined.png").is_file()
    assert after != before


def test_the_view_references_no_outside_origin():
    from oir_agent.view.page import view_html

    html = view_html()
    refs = re.findall(r"""\b(?:src|href|action)\s*=\s*["']([^"']*)["']""", html, re.I)
    assert all(not re.match(r"(?i)(https?:)?//", r) for r in refs), refs
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "@import" not in html and "url(http" not in html


def test_view_page_with_a_bridge_may_reach_only_its_own_origin():
    from oir_agent.view.page import standalone_html

    html = standalone_html({"x": "</script><script>alert(1)</script>"}, bridge="/call")
    assert "connect-src 'self'" in html and "<\\/script><script>" in html
    with pytest.raises(ValueError):
        standalone_html({}, bridge="http://evil.example/call")
    assert json.loads(re.search(r'id="oir-view-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1).replace("<\\/", "</")) == {"x": "</script><script>alert(1)</script>"}
