"""Pair identity (issue: pairs that collide): twins get distinct ids from the prompt's words; masks, fixed steps,
refine, view_candidates and the diagnostics take an id, a pair number, or a phrase that names one pair; a phrase
that names two is refused with the ids."""

from __future__ import annotations

import json

import anyio
import pytest
from conftest import scene, scene_masks
from mcp import Client

from oir_agent import OIRConfig, prepare_edit
from oir_agent.errors import InvalidInputError, MaskError
from oir_agent.text.aligner import align_prompts

TWINS = "a yellow triangle on the left and a yellow triangle on the right"
EDITED = "a red triangle on the left and a yellow square on the right"
IDS = ["yellow triangle (left)", "yellow triangle (right)"]


def test_twins_get_ids_from_the_prompts_words():
    a = align_prompts(TWINS, EDITED)
    assert [p.id for p in a.pairs] == IDS
    assert [p["id"] for p in a.to_dict()["pairs"]] == IDS
    unique = align_prompts("a cat on a mat", "a dog on a mat")
    assert [p.id for p in unique.pairs] == ["cat"]  # a unique phrase is its own id


def test_twins_without_position_words_are_numbered():
    a = align_prompts("a yellow triangle and a yellow triangle", "a red triangle and a yellow square")
    assert [p.id for p in a.pairs] == ["yellow triangle (1st)", "yellow triangle (2nd)"]


def test_keys_resolve_by_id_number_or_unique_phrase():
    left, right = scene_masks()
    request = prepare_edit(scene(), TWINS, EDITED, masks={IDS[1]: right, "#1": left}, steps={2: 3, IDS[0]: 4})
    assert request.fixed_steps == [4, 3]
    assert request.masks[0].getbbox()[0] < request.masks[1].getbbox()[0]  # left mask for the left pair


def test_an_ambiguous_phrase_is_refused_with_the_ids():
    with pytest.raises(InvalidInputError) as exc:
        prepare_edit(scene(), TWINS, EDITED, steps={"yellow triangle": 3})
    assert all(i in str(exc.value) for i in IDS)
    with pytest.raises(MaskError, match=r"yellow triangle \(left\)"):
        prepare_edit(scene(), TWINS, EDITED, masks={"yellow triangle": scene_masks()[0]})
    with pytest.raises(InvalidInputError, match="pair 3, but there are 2"):
        prepare_edit(scene(), TWINS, EDITED, steps={3: 2})


def test_twins_through_the_api_refine_and_diagnostics(editor):
    left, right = scene_masks()
    r = editor.edit(scene(), source_prompt=TWINS, target_prompt=EDITED, masks={IDS[0]: left, IDS[1]: right},
                    steps={IDS[0]: 2}, config=OIRConfig(num_inference_steps=4))
    d = r.to_dict()
    assert [p["id"] for p in d["pairs"]] == IDS and d["replay"]["fixed_steps"] == {IDS[0]: 2}
    assert [p["optimal_step"] for p in d["pairs"]][0] == 2
    again = editor.refine(r.edit_id, {IDS[1]: 3})
    assert [p.optimal_step for p in again.pairs][1] == 3 and again.pairs[0].optimal_step == 2
    with pytest.raises(InvalidInputError, match="2 pairs"):
        editor.refine(r.edit_id, {"yellow triangle": 3})


def save_scene(folder):
    """scene.png, l.png (the left object's mask), r.png (the right one's) in `folder`."""
    from PIL import Image

    scene().save(folder / "scene.png")
    for name, mask in zip(("l.png", "r.png"), scene_masks()):
        Image.fromarray(mask.astype("uint8") * 255).save(folder / name)


def test_twins_through_the_cli(tiny_dir, tmp_path):
    from oir_agent.cli.main import main

    save_scene(tmp_path)
    diag = tmp_path / "d.json"
    rc = main(["edit", str(tmp_path / "scene.png"), "--model", str(tiny_dir), "-s", TWINS, "-t", EDITED,
               "--mask", f"{IDS[0]}={tmp_path / 'l.png'}", "--mask", f"{IDS[1]}={tmp_path / 'r.png'}",
               "--step", f"{IDS[1]}=3", "--steps", "4", "-o", str(tmp_path / "o.png"), "--diagnostics", str(diag),
               "--quiet"])
    assert rc == 0
    d = json.loads(diag.read_text())
    assert [p["id"] for p in d["pairs"]] == IDS and d["pairs"][1]["optimal_step"] == 3


def test_twins_through_mcp(editor, tmp_path):
    from oir_agent.server.app import build_server
    from oir_agent.server.settings import ServerSettings

    save_scene(tmp_path)
    server = build_server(lambda: editor, ServerSettings(allowed_dirs=[tmp_path], output_dir=tmp_path / "out"))

    async def go():
        async with Client(server) as c:
            r = await c.call_tool("edit_image", {
                "image": "scene.png", "source_prompt": TWINS, "steps": 4,
                "pairs": [{"source": "yellow triangle", "target": "red triangle", "mask": "l.png"},
                          {"source": "yellow triangle", "target": "yellow square", "mask": "r.png"}],
                "pair_steps": {IDS[0]: 2}, "return_image": "link"})
            edit_id = r.structured_content["edit_id"]
            v = await c.call_tool("view_candidates", {"edit_id": edit_id, "pair": IDS[1]})
            bad = await c.call_tool("view_candidates", {"edit_id": edit_id, "pair": "yellow triangle"})
            f = await c.call_tool("refine_edit", {"edit_id": edit_id, "steps": {IDS[1]: 3}, "return_image": "link"})
            return r, v, bad, f

    r, v, bad, f = anyio.run(go)
    assert not r.is_error, r.content[0].text
    assert [p["id"] for p in r.structured_content["pairs"]] == IDS
    assert r.structured_content["pairs"][0]["optimal_step"] == 2
    assert not v.is_error and v.structured_content["pair"] == IDS[1]
    assert bad.is_error and IDS[0] in bad.content[0].text and IDS[1] in bad.content[0].text
    assert not f.is_error and f.structured_content["pairs"][1]["optimal_step"] == 3
