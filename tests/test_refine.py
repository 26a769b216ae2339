"""The agent loop: kept edits, refine (re-pick steps reusing the search), the store's byte bound, the tools."""

import json
import sys
import threading
from pathlib import Path

import anyio
import numpy as np
import pytest
import torch
from conftest import SOURCE, mcp_server, scene, scene_masks
from mcp import Client

from oir_agent import OIRConfig
from oir_agent.edits import EditStore, load_edit, save_edit
from oir_agent.errors import InvalidInputError

PAIRS = [("red circle", "green triangle"), ("blue square", "yellow circle")]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def edited(editor):
    """A default (budgeted) edit at N = 50, kept in the editor's store."""
    return editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                       config=OIRConfig(num_inference_steps=50))


@pytest.fixture(autouse=True)
def pristine(request):
    """Every refine test starts from the edit as the search left it (a refine replaces the kept entry, so without
    this a test would see the steps an earlier test chose, and depend on the order they run in)."""
    if "edited" not in request.fixturenames:
        yield
        return
    editor, edited = request.getfixturevalue("editor"), request.getfixturevalue("edited")
    if not hasattr(edited, "_pristine"):
        edited._pristine = editor.edits.get(edited.edit_id)
    editor.edits.put(edited._pristine)
    yield


def pixels(image):
    return np.asarray(image, dtype=np.int16)


def final_samples(pairs, r, re):
    """The final denoise's samples by hand: CFG (2 per step over r + re steps) plus, under the default
    final_prompts="per-pair-shallow", one more per step for each (object) pair whose step is at or below r."""
    steps = [p["optimal_step"] if isinstance(p, dict) else p.optimal_step for p in pairs]
    return (2 + sum(s <= r for s in steps)) * (r + re)


def test_same_steps_reproduce_the_image_bit_for_bit_at_the_closed_form_cost(editor, edited):
    steps = [p.optimal_step for p in edited.pairs]
    again = editor.refine(edited.edit_id, {"red circle": steps[0]})
    assert np.array_equal(pixels(again.image), pixels(edited.image))
    r, re = edited.reassembly_step, edited.reinversion_steps
    assert again.cost.unet_sample_evals == re + final_samples(again.pairs, r, re)  # re-inversion + the final denoise
    assert again.cost.unet_sample_evals <= 0.05 * edited.cost.unet_sample_evals
    assert again.edit_id == edited.edit_id and again.to_dict()["edit_id"] == edited.edit_id


def test_a_new_step_changes_only_that_pairs_latent_cells_at_level_r(editor, edited):
    from oir_agent.engine.oir import reassemble
    from oir_agent.engine.runtime import Runtime
    from oir_agent.types import Cost

    stored = editor.edits.get(edited.edit_id).to(editor.device)
    chosen = list(stored.steps)
    other = next(i for i in stored.searches[0].steps if i != chosen[0] and i > edited.reassembly_step)
    runtime = Runtime(editor.components, Cost())
    masks = [p.mask for p in stored.engine_pairs]
    _, latent_masks, before = reassemble(runtime, stored.inverted, masks, stored.searches, stored.config, chosen)
    _, _, after = reassemble(runtime, stored.inverted, masks, stored.searches, stored.config, [other, chosen[1]])
    changed = (before != after).any(0)
    assert changed.any() and not changed[~latent_masks[0]].any()  # bit-identical outside pair 1's latent mask
    refined = editor.refine(edited.edit_id, {"red circle": other})
    assert [p.optimal_step for p in refined.pairs] == [other, chosen[1]]
    assert not np.array_equal(pixels(refined.image), pixels(edited.image))


def test_an_unevaluated_step_is_computed_and_counted(editor, edited):
    stored = editor.edits.get(edited.edit_id)
    new = next(i for i in range(edited.reassembly_step + 1, 51) if i not in stored.searches[1].steps)
    result = editor.refine(edited.edit_id, {"blue square": new})
    r, re = result.reassembly_step, result.reinversion_steps  # re follows the new steps (all deeper than r or not)
    assert re == stored.config.reinversion_steps_for([result.pairs[0].optimal_step, new])
    assert result.cost.unet_sample_evals == re + final_samples(result.pairs, r, re) + 2 * new  # + the new candidate
    curve = result.pairs[1].search
    assert new in curve.steps and len(curve.s_edit) == len(curve.steps) == len(curve.inside_change)
    assert new in editor.edits.get(edited.edit_id).searches[1].steps  # kept for the next refine


def test_unknown_ids_pairs_and_steps_are_clear_errors(editor, edited):
    with pytest.raises(InvalidInputError, match="unknown or was evicted.*run edit_image again"):
        editor.refine("e-nope", {"red circle": 3})
    with pytest.raises(InvalidInputError, match="not an editing pair"):
        editor.refine(edited.edit_id, {"cat": 3})
    with pytest.raises(InvalidInputError, match=r"\[1, 50\]"):
        editor.refine(edited.edit_id, {"red circle": 51})
    with pytest.raises(InvalidInputError, match="at least one"):
        editor.refine(edited.edit_id, {})


def test_store_is_bounded_by_bytes_lru(editor, edited):
    entry = editor.edits.get(edited.edit_id)
    size = entry.nbytes
    assert size > 0
    store = EditStore(max_bytes=int(size * 2.5))  # room for two
    from dataclasses import replace

    ids = [f"e-{i}" for i in range(4)]
    for i in ids:
        assert store.put(replace(entry, edit_id=i))
        assert store.used_bytes <= store.max_bytes
    assert store.occupancy()["edits"] == 2 and store.occupancy()["ids"] == ["e-3", "e-2"]
    store.get("e-2")  # used: now e-3 is the least recently used
    store.put(replace(entry, edit_id="e-4"))
    assert set(store.occupancy()["ids"]) == {"e-2", "e-4"}
    with pytest.raises(InvalidInputError, match="evicted"):
        store.get("e-0")
    assert not EditStore(max_bytes=size - 1).put(entry)  # alone over the bound: not kept, nothing evicted


def test_an_edit_over_the_bound_says_it_cannot_be_refined(tiny_dir):
    from oir_agent import OIREditor

    small = OIREditor.from_pretrained(str(tiny_dir), device="cpu", edit_memory=1000)
    result = small.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                        config=OIRConfig(num_inference_steps=4))
    assert result.edit_id is None and any("cannot be refined" in w for w in result.warnings)


def test_saved_edit_file_refines_bit_for_bit(editor, edited, tmp_path):
    path = save_edit(editor.edits.get(edited.edit_id), tmp_path / "e.oir")
    loaded = load_edit(path)
    again = editor.refine(loaded, {p.source: p.optimal_step for p in edited.pairs})  # earlier tests moved steps
    assert np.array_equal(pixels(again.image), pixels(edited.image))
    (tmp_path / "bad.oir").write_bytes(b"not a torch file")
    with pytest.raises(InvalidInputError, match="not an oir-agent edit file"):
        load_edit(tmp_path / "bad.oir")


def test_an_edit_file_older_than_a_config_field_loads_with_what_it_ran(editor, edited, tmp_path):
    """A saved edit whose config predates `verify_edits` / `search_refinement` (or `keep_outside`) loads with the
    behaviour it was made with (reproduce.ADDED_FIELDS), the same rule as a diagnostics replay."""
    import torch

    from oir_agent.reproduce import ADDED_FIELDS

    path = save_edit(editor.edits.get(edited.edit_id), tmp_path / "e.oir")
    assert load_edit(path).config.search_refinement == "one-round"  # a current file: what it records
    state = torch.load(path, weights_only=True)
    for name in (*ADDED_FIELDS, "keep_outside"):
        state["config"].pop(name)
    torch.save(state, tmp_path / "old.oir")
    old = load_edit(tmp_path / "old.oir").config
    assert old.verify_edits is False and old.search_refinement == "halving" and old.keep_outside is False


def test_cli_edit_save_and_refine(tmp_path, capsys):
    from oir_agent.cli.main import main

    ex = ROOT / "examples"
    common = ["-s", "a bowl of dumplings on the left and chopsticks on the right", "-t",
              "a bowl of fried rice on the left and a knife on the right", "--mask",
              f"dumplings={ex / 'masks' / 'dumplings.png'}", "--mask", f"chopsticks={ex / 'masks' / 'chopsticks.png'}"]
    assert main(["edit", str(ex / "dumplings.png"), "--model", "tiny", *common, "--steps", "10", "-o",
                 str(tmp_path / "e.png"), "--diagnostics", str(tmp_path / "e.json"), "--save-edit",
                 str(tmp_path / "e.oir"), "--quiet"]) == 0
    first = json.loads((tmp_path / "e.json").read_text())
    steps = {p["source"]: p["optimal_step"] for p in first["pairs"]}
    assert main(["refine", str(tmp_path / "e.oir"), "--step", f"dumplings={steps['dumplings']}", "-o",
                 str(tmp_path / "same.png"), "--diagnostics", str(tmp_path / "r.json"), "--quiet"]) == 0
    assert np.array_equal(pixels(__import__("PIL.Image").Image.open(tmp_path / "same.png")),
                          pixels(__import__("PIL.Image").Image.open(tmp_path / "e.png")))
    refined = json.loads((tmp_path / "r.json").read_text())
    assert refined["cost"]["unet_sample_evals"] == 2 + final_samples(refined["pairs"], 2, 2)  # r = re = 2 at N = 10
    assert main(["refine", str(tmp_path / "e.oir"), "-o", str(tmp_path / "x.png")]) == 2
    assert "give at least one --step" in capsys.readouterr().err
    assert main(["refine", str(tmp_path / "e.oir"), "--search", "dumplings=3:5", "-o", str(tmp_path / "s.png"),
                 "--diagnostics", str(tmp_path / "s.json"), "--quiet"]) == 0
    assert 3 <= json.loads((tmp_path / "s.json").read_text())["pairs"][0]["optimal_step"] <= 5


# --- MCP -------------------------------------------------------------------------------------------------
@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def server(editor, tmp_path):
    return mcp_server(editor, tmp_path)


EDIT = {"image": "scene.png", "source_prompt": SOURCE, "pairs": [{"source": s, "target": t} for s, t in PAIRS],
        "steps": 10}


@pytest.mark.anyio
async def test_mcp_edit_view_refine(server):
    async with Client(server) as c:
        first = await c.call_tool("edit_image", {**EDIT, "return_candidates": True})
        assert not first.is_error
        edit_id = first.structured_content["edit_id"]
        assert edit_id and "refine_edit" in first.content[1].text
        memory = first.structured_content["output"]["edit_memory"]
        assert memory["edits"] >= 1 and edit_id in memory["ids"] and 0 < memory["used_mb"] <= memory["limit_mb"]
        images = [b for b in first.content if b.type == "image"]
        assert len(images) == 2 and len(images[1].data) * 3 // 4 < 1_000_000  # preview + contact sheet < 1 MB
        view = await c.call_tool("view_candidates", {"edit_id": edit_id, "pair": "red circle"})
        assert not view.is_error
        rows = view.structured_content["candidates"]
        assert len([b for b in view.content if b.type == "image"]) == len(rows) and any(r["chosen"] for r in rows)
        other = next(r["step"] for r in rows if not r["chosen"])
        refined = await c.call_tool("refine_edit", {"edit_id": edit_id, "steps": {"red circle": other}})
        assert not refined.is_error
        d = refined.structured_content
        assert d["pairs"][0]["optimal_step"] == other
        assert d["cost"]["unet_sample_evals"] == 2 + final_samples(d["pairs"], 2, 2)
        ranged = await c.call_tool("refine_edit", {"edit_id": edit_id, "search": {"blue square": [2, 4]}})
        assert not ranged.is_error and 2 <= ranged.structured_content["pairs"][1]["optimal_step"] <= 4
        bad = await c.call_tool("refine_edit", {"edit_id": "e-unknown", "steps": {"red circle": 3}})
        assert bad.is_error and "unknown or was evicted" in bad.content[0].text
        bad = await c.call_tool("view_candidates", {"edit_id": edit_id, "pair": "cat"})
        assert bad.is_error and "red circle" in bad.content[0].text


@pytest.mark.anyio
async def test_refine_obeys_the_device_gate(editor, tmp_path):
    from oir_agent.server.app import build_server
    from oir_agent.server.settings import ServerSettings

    release, entered = threading.Event(), threading.Event()

    class Held:
        def __getattr__(self, name):
            return getattr(editor, name)

        def run(self, *a, **k):
            entered.set()
            release.wait(30)
            return editor.run(*a, **k)

    scene().save(tmp_path / "scene.png")
    server = build_server(lambda: Held(), ServerSettings(allowed_dirs=[tmp_path], output_dir=tmp_path / "o",
                                                         queue_size=0))
    async with Client(server) as c:
        done = await c.call_tool("edit_image", EDIT)
        edit_id = done.structured_content["edit_id"]
        results = {}

        async def long_edit():
            results["edit"] = await c.call_tool("edit_image", EDIT)

        async with anyio.create_task_group() as tg:
            release.clear()
            entered.clear()
            tg.start_soon(long_edit)
            await anyio.to_thread.run_sync(entered.wait)
            busy = await c.call_tool("refine_edit", {"edit_id": edit_id, "steps": {"red circle": 3}})
            release.set()
        assert busy.is_error and "busy" in busy.content[0].text
        assert not results["edit"].is_error


@pytest.mark.anyio
async def test_refine_over_stdio(tmp_path):
    from mcp import StdioServerParameters

    scene().save(tmp_path / "scene.png")
    params = StdioServerParameters(command=sys.executable, args=[
        str(ROOT / "server.py"), "--model", "tiny", "--allowed-dir", str(tmp_path), "--output-dir", str(tmp_path / "o")],
        env={"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    async with Client(params, read_timeout_seconds=300) as c:
        first = await c.call_tool("edit_image", EDIT)
        edit_id = first.structured_content["edit_id"]
        steps = {p["source"]: p["optimal_step"] for p in first.structured_content["pairs"]}
        again = await c.call_tool("refine_edit", {"edit_id": edit_id, "steps": {"red circle": steps["red circle"]}})
        assert not again.is_error
        a = (tmp_path / "o" / first.structured_content["output"]["uri"].split("/")[-1]).read_bytes()
        b = (tmp_path / "o" / again.structured_content["output"]["uri"].split("/")[-1]).read_bytes()
        assert a == b  # the same steps, the same PNG


def test_stored_tensors_live_on_the_cpu(editor, edited):
    entry = editor.edits.get(edited.edit_id)
    assert entry.inverted.trajectory.device == torch.device("cpu")
    assert all(v.device == torch.device("cpu") for s in entry.searches for v in s.at_reassembly.values())


def test_agent_loop_example_runs(tmp_path):
    import subprocess

    r = subprocess.run([sys.executable, str(ROOT / "examples" / "agent_loop.py"), "--model", "tiny", "--steps", "10",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=600,
                       env={"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith("edit e-") and "total" in r.stdout


def test_targeted_research_picks_the_best_step_in_range_and_counts_it(editor, edited):
    from oir_agent.engine import metric

    before = editor.edits.get(edited.edit_id)
    evaluated = set(before.searches[0].steps)
    lo, hi = 6, 9
    missing = [i for i in range(lo, hi + 1) if i not in evaluated]
    r, re = edited.reassembly_step, edited.reinversion_steps
    result = editor.refine(edited.edit_id, search={"red circle": [lo, hi]})
    chosen = result.pairs[0].optimal_step
    assert lo <= chosen <= hi
    assert result.cost.unet_sample_evals == re + final_samples(result.pairs, r, re) + 2 * sum(missing)  # by hand
    curve = result.pairs[0].search
    inside = [j for j, i in enumerate(curve.steps) if lo <= i <= hi]
    score = metric.search_score(curve.metric, torch.tensor([curve.s_edit[j] for j in inside]),
                                torch.tensor([curve.s_background[j] for j in inside]),
                                torch.tensor([curve.s_source[j] for j in inside]))
    assert chosen == curve.steps[inside[metric.best_index(score)]]
    fresh = editor.refine(edited.edit_id, search={"red circle": [lo, hi]}, search_text={"red circle": "green cone"})
    assert fresh.pairs[0].search.steps == list(range(lo, hi + 1)) and fresh.pairs[0].search.strategy == "targeted"
    assert fresh.cost.unet_sample_evals == re + final_samples(fresh.pairs, r, re) + 2 * sum(range(lo, hi + 1))
    with pytest.raises(InvalidInputError, match="not both"):
        editor.refine(edited.edit_id, steps={"red circle": 5}, search={"red circle": [1, 3]})
    with pytest.raises(InvalidInputError, match="lo <= hi"):
        editor.refine(edited.edit_id, search={"red circle": [9, 2]})
