"""The `oir-agent` command: edit with pairs and masks, pairs --json, masks overlay, clear errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from oir_agent.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
SRC = "a bowl of dumplings on the left and chopsticks on the right"


def test_edit_with_pairs_masks_diagnostics_and_sheet(tiny_dir, tmp_path, capsys):
    out, diag, sheet = tmp_path / "o.png", tmp_path / "d.json", tmp_path / "s.png"
    rc = main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "--device", "cpu", "-s", SRC,
               "--pair", "dumplings=>fried rice", "--pair", "chopsticks=>a knife",
               "--mask", f"dumplings={EX / 'masks' / 'dumplings.png'}",
               "--mask", f"chopsticks={EX / 'masks' / 'chopsticks.png'}",
               "--steps", "4", "-o", str(out), "--diagnostics", str(diag), "--sheet", str(sheet), "--quiet"])
    assert rc == 0
    assert Image.open(out).size == (192, 128)
    d = json.loads(diag.read_text())
    assert [(p["source"], p["target"]) for p in d["pairs"]] == [("dumplings", "fried rice"), ("chopsticks", "a knife")]
    assert [p["mask"]["provider"] for p in d["pairs"]] == ["given", "given"]
    assert d["target_prompt"] == "a bowl of fried rice on the left and a knife on the right"
    assert Image.open(sheet).width > 400
    assert "optimal inversion step" in capsys.readouterr().err


def test_edit_step_override_and_search_flags(tiny_dir, tmp_path):
    out, diag = tmp_path / "o.png", tmp_path / "d.json"
    rc = main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "--device", "cpu", "-s", SRC,
               "--pair", "dumplings=>fried rice", "--pair", "chopsticks=>a knife",
               "--mask", f"dumplings={EX / 'masks' / 'dumplings.png'}",
               "--mask", f"chopsticks={EX / 'masks' / 'chopsticks.png'}", "--steps", "5", "--step", "chopsticks=3",
               "--search", "exhaustive", "--search-metric", "paper", "-o", str(out), "--diagnostics", str(diag),
               "--quiet"])
    assert rc == 0
    d = json.loads(diag.read_text())
    searched, fixed = d["pairs"]
    assert searched["search"]["steps"] == [1, 2, 3, 4, 5] and searched["search"]["metric"] == "paper"
    assert fixed["optimal_step"] == 3 and fixed["search"]["steps"] == [3] and fixed["search"]["strategy"] == "override"


def test_from_diagnostics_reproduces_an_edit_bit_for_bit(tiny_dir, tmp_path):
    first, diag, again = tmp_path / "a.png", tmp_path / "a.json", tmp_path / "b.png"
    rc = main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "-s", SRC,
               "-t", "a bowl of fried rice on the left and a knife on the right", "--masks", "attention",
               "--steps", "6", "--seed", "3", "--guidance-scale", "5", "--step", "chopsticks=4", "-o", str(first),
               "--diagnostics", str(diag), "--quiet"])
    assert rc == 0
    d = json.loads(diag.read_text())
    assert d["config"]["seed"] == 3 and d["config"]["guidance_scale"] == 5 and d["config"]["mask_provider"] == "noise-difference"
    # different flags on the command line are ignored: the recorded edit wins
    rc = main(["edit", str(EX / "dumplings.png"), "--from-diagnostics", str(diag), "--steps", "9", "-o", str(again),
               "--quiet"])
    assert rc == 0
    assert first.read_bytes() == again.read_bytes()
    assert json.loads(diag.read_text())["pairs"][1]["search"]["strategy"] == "override"


def test_from_diagnostics_with_given_masks_needs_them_again(tiny_dir, tmp_path, capsys):
    out, diag = tmp_path / "a.png", tmp_path / "a.json"
    masks = ["--mask", f"dumplings={EX / 'masks' / 'dumplings.png'}"]
    assert main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "-s", SRC, "--pair", "dumplings=>rice",
                 *masks, "--steps", "4", "-o", str(out), "--diagnostics", str(diag), "--quiet"]) == 0
    assert main(["edit", str(EX / "dumplings.png"), "--from-diagnostics", str(diag), "-o", str(tmp_path / "b.png"),
                 "--quiet"]) == 2
    assert "pass them again with --mask" in capsys.readouterr().err
    assert main(["edit", str(EX / "dumplings.png"), "--from-diagnostics", str(diag), *masks,
                 "-o", str(tmp_path / "b.png"), "--quiet"]) == 0
    assert (tmp_path / "b.png").read_bytes() == out.read_bytes()


def test_edit_step_flag_errors(tiny_dir, tmp_path, capsys):
    base = ["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "-s", SRC, "--pair", "dumplings=>rice",
            "--steps", "5", "-o", str(tmp_path / "o.png"), "--quiet"]
    assert main(base + ["--step", "spoon=3"]) == 2
    assert "not an editing pair" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(base + ["--step", "dumplings=three"])
    assert "must be an integer" in capsys.readouterr().err


def test_edit_with_instruction_and_attention_masks(tiny_dir, tmp_path):
    out, diag = tmp_path / "o.png", tmp_path / "d.json"
    rc = main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "-s", SRC,
               "-i", "replace the chopsticks with a knife", "--masks", "attention", "--steps", "3", "-o", str(out),
               "--diagnostics", str(diag), "--quiet"])
    assert rc == 0 and Image.open(out).size == (192, 128)
    d = json.loads(diag.read_text())  # what the flags asked for is what ran
    assert [(p["source"], p["target"]) for p in d["pairs"]] == [("chopsticks", "knife")]
    assert d["target_prompt"] == "a bowl of dumplings on the left and a knife on the right"
    assert d["pairs"][0]["mask"]["provider"] == "noise-difference" and d["num_inference_steps"] == 3


def test_pairs_json(capsys):
    rc = main(["pairs", "-s", SRC, "-t", "a bowl of fried rice on the left and a knife on the right", "--json"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == {"source_prompt", "target_prompt", "pairs", "warnings"}
    assert [(p["source"], p["target"], p["mask_phrase"], p["kind"]) for p in d["pairs"]] == [
        ("dumplings", "fried rice", "dumplings", "object"), ("chopsticks", "knife", "chopsticks", "object")]
    assert set(d["pairs"][0]) == {"id", "source", "target", "mask_phrase", "kind", "guided_prompt"}


def test_masks_overlay(tiny_dir, tmp_path, capsys):
    out = tmp_path / "overlay.png"
    rc = main(["masks", str(EX / "dumplings.png"), "--model", str(tiny_dir), "--phrase", "dumplings",
               "--phrase", "chopsticks", "-o", str(out), "--json"])
    assert rc == 0 and Image.open(out).size == (192, 128)
    report = json.loads(capsys.readouterr().out)
    assert [r["phrase"] for r in report] == ["dumplings", "chopsticks"] and report[0]["provider"] == "grounded-sam"
    drawn = np.asarray(Image.open(out).convert("RGB"), float) - np.asarray(Image.open(EX / "dumplings.png")
                                                                          .convert("RGB"), float)
    assert np.abs(drawn).max() > 0  # the overlay is drawn over the input, not the input written back


def test_masks_on_an_exif_rotated_jpeg_agree_with_find_objects(editor, tiny_dir, tmp_path, capsys):
    """The CLI, the library and the overlay all work in the displayed orientation (EXIF applied)."""
    from oir_agent.report import objects_report

    exif = Image.Exif()
    exif[0x0112] = 6  # stored 192 x 128, displayed rotated: 128 x 192
    path = tmp_path / "rotated.jpg"
    Image.open(EX / "dumplings.png").convert("RGB").save(path, exif=exif)
    out = tmp_path / "overlay.png"
    rc = main(["masks", str(path), "--model", str(tiny_dir), "--phrase", "dumplings", "--masks", "attention",
               "-o", str(out), "--json"])
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert Image.open(out).size == (128, 192)
    results, work = editor.find_objects(str(path), ["dumplings"], provider="attention")
    assert work.size[0] < work.size[1]  # portrait, like the displayed picture
    assert report == objects_report(["dumplings"], results, work.size, (128, 192))
    box = report[0]["box"]
    assert box is None or (box[2] <= 128 and box[3] <= 192)


def test_errors_exit_2_with_message(tiny_dir, tmp_path, capsys):
    rc = main(["edit", str(tmp_path / "missing.png"), "--model", str(tiny_dir), "-s", SRC, "-t", "x", "-o",
               str(tmp_path / "o.png")])
    assert rc == 2 and "does not exist" in capsys.readouterr().err
    rc = main(["pairs", "-s", "a cat", "-t", "a cat"])
    assert rc == 2 and "nothing to edit" in capsys.readouterr().err
    rc = main(["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "-s", SRC, "-t", "x", "-o",
               str(tmp_path), "--quiet"])
    assert rc == 2 and "is a folder; give a file name" in capsys.readouterr().err


def test_console_script_entry_point():
    """The installed `oir-agent` script (pyproject's [project.scripts]), not `python -m`."""
    script = Path(sys.executable).parent / "oir-agent"
    assert script.is_file(), f"{script} missing: install the project (pip install -e .)"
    r = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and all(c in r.stdout for c in ("edit", "pairs", "masks", "serve", "demo"))
    r = subprocess.run([sys.executable, "-m", "oir_agent.cli", "pairs", "-s", "a cat", "-t", "a dog", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["pairs"][0]["target"] == "dog"


def test_keep_outside_flags(tiny_dir, tmp_path, capsys):
    """--regenerate-all turns keep_outside off, --keep-margin sets the margin (recorded in the diagnostics); an
    out-of-range margin is refused naming the flag, before any model loads."""
    base = ["edit", str(EX / "dumplings.png"), "--model", str(tiny_dir), "--device", "cpu", "-s", SRC,
            "--pair", "dumplings=>fried rice", "--mask", f"dumplings={EX / 'masks' / 'dumplings.png'}",
            "--steps", "4", "--quiet"]
    for extra, keep, margin in ((["--regenerate-all"], False, 0.0625), (["--keep-margin", "0.2"], True, 0.2)):
        diag = tmp_path / "d.json"
        assert main([*base, *extra, "-o", str(tmp_path / "o.png"), "--diagnostics", str(diag)]) == 0
        config = json.loads(diag.read_text())["config"]
        assert config["keep_outside"] is keep and config["keep_margin"] == margin
    assert main([*base, "--keep-margin", "0.9", "-o", str(tmp_path / "x.png")]) == 2
    assert "--keep-margin" in capsys.readouterr().err


def test_from_diagnostics_replays_refines_bit_for_bit(tiny_dir, tmp_path):
    """A refined result's diagnostics record the edit's fixed steps and each refine: replaying them gives the same
    bytes, for a refine with a new step and for a targeted re-search (with another text)."""
    from oir_agent import OIRConfig, OIREditor
    from oir_agent.files import save_image

    editor = OIREditor.from_pretrained(str(tiny_dir), device="cpu")
    masks = {"dumplings": EX / "masks" / "dumplings.png", "chopsticks": EX / "masks" / "chopsticks.png"}
    edit = editor.edit(EX / "dumplings.png", source_prompt=SRC, masks=masks, steps={"chopsticks": 3},
                       target_prompt="a bowl of fried rice on the left and a knife on the right",
                       config=OIRConfig(num_inference_steps=6, seed=1))
    moved = 5 if edit.pairs[0].optimal_step != 5 else 4  # a step other than the edit's own
    stepped = editor.refine(edit.edit_id, {"dumplings": moved})
    searched = editor.refine(stepped.edit_id, search={"chopsticks": (2, 4)}, search_text={"chopsticks": "a spoon"})
    assert searched.to_dict()["replay"] == {
        "fixed_steps": {"chopsticks": 3},
        "refines": [{"steps": {"dumplings": moved}, "search": {}, "search_text": {}, "search_metric": None},
                    {"steps": {}, "search": {"chopsticks": [2, 4]}, "search_text": {"chopsticks": "a spoon"},
                     "search_metric": None}]}
    for name, result in (("edit", edit), ("stepped", stepped), ("searched", searched)):
        diag, first, again = tmp_path / f"{name}.json", tmp_path / f"{name}.png", tmp_path / f"{name}-again.png"
        save_image(result.image, first)
        diag.write_text(json.dumps(dict(result.to_dict(), model=str(tiny_dir))))
        rc = main(["edit", str(EX / "dumplings.png"), "--from-diagnostics", str(diag), "-o", str(again), "--quiet",
                   "--mask", f"dumplings={masks['dumplings']}", "--mask", f"chopsticks={masks['chopsticks']}"])
        assert rc == 0
        assert Image.open(first).tobytes() == Image.open(again).tobytes(), name
    assert stepped.image.tobytes() != edit.image.tobytes()  # the refine changed something worth replaying


def test_diagnostics_older_than_a_field_replay_without_it():
    """A diagnostics file written before `verify_edits` existed replays with the check off (the edit ran without it),
    one written before `search_refinement` with the halving rounds it ran; one that records a field replays with what
    it records."""
    import dataclasses

    from oir_agent import OIRConfig
    from oir_agent.reproduce import edit_arguments

    config = dataclasses.asdict(OIRConfig(num_inference_steps=6))
    old = {k: v for k, v in config.items() if k != "verify_edits"}
    base = {"source_prompt": SRC, "target_prompt": "a bowl of fried rice on the left and chopsticks on the right",
            "pairs": [{"source": "dumplings", "target": "fried rice", "mask": {"provider": "grounded-sam"},
                       "search": {"strategy": "budgeted"}, "optimal_step": 3}],
            "model": "tiny"}
    assert edit_arguments(dict(base, config=old))["config"].verify_edits is False
    assert edit_arguments(dict(base, config=config))["config"].verify_edits is True
    assert edit_arguments(dict(base, config=dict(config, verify_edits=False)))["config"].verify_edits is False
    older = {k: v for k, v in config.items() if k not in ("verify_edits", "search_refinement")}
    assert edit_arguments(dict(base, config=older))["config"].search_refinement == "halving"
    assert edit_arguments(dict(base, config=config))["config"].search_refinement == "one-round"
