"""A newcomer's first run (issue "First-run experience"): one test per item that can be tested."""

import argparse
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import anyio
import numpy as np
import pytest
import torch
from PIL import Image

from oir_agent import OIRConfig, prepare_edit
from oir_agent.cli.main import main
from oir_agent.errors import AlignmentError, ConfigError, InvalidInputError, MaskError, ModelUnavailableError

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
SRC = "a bowl of dumplings on the left and chopsticks on the right"
TGT = "a bowl of fried rice on the left and a knife on the right"
MASKS = [f"dumplings={EX / 'masks' / 'dumplings.png'}", f"chopsticks={EX / 'masks' / 'chopsticks.png'}"]


@pytest.fixture
def no_model_load(monkeypatch):
    """Any model load fails the test: inputs must be refused before it."""
    import oir_agent.models

    def refuse(*a, **k):
        raise AssertionError("the model was loaded before the inputs were checked")

    monkeypatch.setattr(oir_agent.models, "load_components", refuse)


def edit_args(tmp_path, *extra):
    return ["edit", str(EX / "dumplings.png"), "--model", "tiny", "-s", SRC, "-t", TGT, "-o",
            str(tmp_path / "o.png"), "--quiet", *extra]


# 1. Steps are bounded by the scheduler, and costly settings are announced with the estimated cost.
def test_steps_bounded_by_the_scheduler_with_a_clear_error(tmp_path, capsys):
    rc = main(edit_args(tmp_path, "--steps", "1000", *sum((["--mask", m] for m in MASKS), [])))
    err = capsys.readouterr().err
    assert rc == 2 and "--steps 1000 is invalid: expected at most 999" in err and "Traceback" not in err
    from diffusers import DDIMScheduler

    from oir_agent.engine.schedule import DDIMSchedule, max_inference_steps

    sd = DDIMScheduler(steps_offset=1, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
    assert max_inference_steps(sd) == 999
    assert DDIMSchedule.from_config(dict(sd.config), 999).timesteps.max() == 999
    with pytest.raises(ConfigError, match="at most 999"):
        DDIMSchedule.from_config(dict(sd.config), 1000)


def test_costly_settings_warn_with_the_estimate_before_loading(tmp_path, capsys, no_model_load):
    request = prepare_edit(EX / "dumplings.png", SRC, TGT, config=OIRConfig(num_inference_steps=500))
    [warning] = [w for w in request.warnings if "UNet sample evaluations" in w]
    # N + K * 0.4 * N(N+1) + a reassembly re + (2 + K)(r + re) for K = 2 searched pairs at N = 500 (r = re = 100):
    # at most, each pair's region has its own prompt in the final denoise (final_prompts="per-pair-shallow", steps
    # <= r); and verify_edits (the default) may run one more reassembly
    reassembly = 100 + 4 * 200
    assert f"{500 + 2 * int(0.4 * 500 * 501) + reassembly + reassembly:,}" in warning
    assert not [w for w in prepare_edit(EX / "dumplings.png", SRC, TGT).warnings if "UNet sample" in w]
    with pytest.raises(AssertionError, match="model was loaded"):
        main(edit_args(tmp_path, "--steps", "500"))
    assert "warning: this edit may cost up to" in capsys.readouterr().err  # said before the model load


# 2. Inputs are checked before the model loads: CLI, Python API and MCP alike.
@pytest.mark.parametrize("argv, message", [
    (["edit", "missing.png", "-s", SRC, "-t", TGT, "-o", "o.png"], "does not exist"),
    (["edit", str(EX / "dumplings.png"), "-s", SRC, "-t", SRC, "-o", "o.png"], "nothing to edit"),
    (["edit", str(EX / "dumplings.png"), "-s", SRC, "-i", "make it nicer please", "-o", "o.png"], "instruction"),
    (["edit", str(EX / "dumplings.png"), "-s", SRC, "-t", TGT, "--mask", f"dumplings={EX / 'nope.png'}",
      "--mask", f"chopsticks={EX / 'masks' / 'chopsticks.png'}", "-o", "o.png"], "does not exist"),
    (["edit", str(EX / "dumplings.png"), "-s", SRC, "-t", TGT, "--steps", "1", "-o", "o.png"], "--steps 1"),
    (["edit", str(EX / "dumplings.png"), "-s", SRC, "-t", TGT, "--step", "cat=3", "-o", "o.png"], "not an editing"),
])
def test_cli_refuses_bad_inputs_before_loading_the_default_model(argv, message, tmp_path, capsys, no_model_load,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and message in err and "model" not in err.split("error:")[1][:40]


def test_python_api_prepare_edit_checks_everything_without_a_model(no_model_load, tmp_path):
    with pytest.raises(InvalidInputError, match="does not exist"):
        prepare_edit(tmp_path / "missing.png", SRC, TGT)
    with pytest.raises(AlignmentError):
        prepare_edit(EX / "dumplings.png", SRC, SRC)
    blank = tmp_path / "blank.png"
    Image.new("L", (8, 8)).save(blank)
    with pytest.raises(MaskError, match="empty"):
        prepare_edit(EX / "dumplings.png", SRC, TGT, masks={"dumplings": blank, "chopsticks": blank})
    with pytest.raises(MaskError, match="no masks were passed"):
        prepare_edit(EX / "dumplings.png", SRC, TGT, config=OIRConfig(mask_provider="given"))
    request = prepare_edit(EX / "dumplings.png", SRC, TGT, steps={"dumplings": 30})
    assert [p.source for p in request.pairs] == ["dumplings", "chopsticks"] and request.fixed_steps == [30, None]


def test_mcp_edit_refuses_bad_inputs_without_loading(tmp_path):
    from mcp import Client

    from oir_agent.server.app import build_server
    from oir_agent.server.settings import ServerSettings

    loads = []
    server = build_server(lambda: loads.append(1), ServerSettings(allowed_dirs=[EX], output_dir=tmp_path))

    async def go():
        async with Client(server) as c:
            for args in ({"image": "missing.png", "source_prompt": SRC, "target_prompt": TGT},
                         {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": SRC}):
                r = await c.call_tool("edit_image", args)
                assert r.is_error and r.content[0].text.strip()

    anyio.run(go)
    assert loads == []


# 3. Offline failures: one clear message, no hub noise, the download command that exists, the presets.
def test_missing_model_offline_is_one_clear_message(caplog, recwarn):
    from oir_agent.models import load_components

    with caplog.at_level(logging.WARNING), pytest.raises(ModelUnavailableError) as exc:
        load_components("nobody/no-such-model", device="cpu")
    text = str(exc.value)
    assert "hf download nobody/no-such-model" in text and "huggingface-cli" not in text
    assert "offline" in text and "shapes" in text and "tiny" in text and "cache" in text
    assert not [r for r in caplog.records if r.name.startswith("huggingface_hub")]
    assert not [w for w in recwarn if "local_dir_use_symlinks" in str(w.message)]


def test_edit_help_names_the_default_model_and_its_download(capsys):
    with pytest.raises(SystemExit):
        main(["edit", "--help"])
    out = " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # argparse wraps lines at hyphens
    assert "CompVis/stable-diffusion-v1-4" in out and "downloaded once" in out and "shapes | tiny | sd-random" in out


# 4. The output's folder is created (as demo does); a folder given as the output file is refused.
def test_edit_creates_the_output_folder(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "edited.png"
    rc = main(["edit", str(EX / "dumplings.png"), "--model", "tiny", "-s", SRC, "-t", TGT, "--steps", "3",
               *sum((["--mask", m] for m in MASKS), []), "-o", str(out), "--diagnostics",
               str(tmp_path / "d" / "diag.json"), "--quiet"])
    assert rc == 0 and out.is_file() and (tmp_path / "d" / "diag.json").is_file()


# 5. Long stages show a progress bar with an ETA.
def test_progress_bar_shows_eta(capsys):
    from oir_agent.cli.output import StageProgress
    from oir_agent.types import ProgressEvent

    bar = StageProgress()
    for i in range(0, 11):
        bar(ProgressEvent(stage="search", completed=i, total=10, message=f"UNet call {i}/10"))
    bar.close()
    err = capsys.readouterr().err
    assert "search" in err and "10/10" in err and "<" in err  # tqdm's [elapsed<remaining]


# 6. A pair whose edit is invisible or failed is flagged.
def test_weak_edit_warnings():
    from oir_agent.engine.search import weak_edit_notes

    steps = [5, 10, 15]
    t = lambda *x: torch.tensor(x, dtype=torch.float32)
    strong = weak_edit_notes(0, steps, 10, t(0.2, 0.3, 0.31), t(0.25, 0.2, 0.2), t(0.1, 0.2, 0.3), 50)
    assert strong == []
    invisible = weak_edit_notes(0, steps, 5, t(0.2, 0.3, 0.31), t(0.25, 0.2, 0.2), t(0.01, 0.2, 0.3), 50)
    assert len(invisible) == 1 and "barely changes" in invisible[0] and "step 5/50" in invisible[0]
    never = weak_edit_notes(1, steps, 10, t(0.2, 0.21, 0.2), t(0.3, 0.3, 0.3), t(0.1, 0.2, 0.3), 50)
    assert len(never) == 1 and "pair 2" in never[0] and "more than the source" in never[0]
    flat = weak_edit_notes(0, steps, 10, t(0.3, 0.3, 0.3), t(0.2, 0.2, 0.2), t(0.1, 0.2, 0.3), 50)
    assert len(flat) == 1 and "never rose" in flat[0]


def test_inside_change_measures_the_mask_region_only():
    from oir_agent.engine.metric import inside_change

    original = torch.zeros(3, 8, 8)
    mask = torch.zeros(8, 8, dtype=torch.bool)
    mask[:4] = True
    moved = original.clone().unsqueeze(0).repeat(2, 1, 1, 1)
    moved[0, :, :4] = 0.5  # inside changed
    moved[1, :, 4:] = 1.0  # only outside changed
    assert torch.allclose(inside_change(moved, original, mask), torch.tensor([0.5, 0.0]))


# 7. CLI errors speak in flags, not API parameter names.
def test_errors_name_flags(tmp_path, capsys):
    assert main(edit_args(tmp_path, "--steps", "0")) == 2
    assert "--steps 0 is invalid" in capsys.readouterr().err
    if not torch.cuda.is_available():
        assert main(edit_args(tmp_path, "--device", "cuda")) == 2
        err = capsys.readouterr().err
        assert "--device cuda" in err and "--device cpu" in err and "device=" not in err
    assert main(edit_args(tmp_path, "--steps", "10", "--step", "dumplings=99")) == 2  # from the error's fields
    assert "--step dumplings=99 is invalid: expected an integer inversion step in [1, 10] (--steps)." in \
        capsys.readouterr().err
    from oir_agent.cli.flags import in_flag_terms
    from oir_agent.engine.schedule import DDIMSchedule
    from oir_agent.errors import ConfigError, ModelUnavailableError, Param, Worded

    hint = Worded("use {a} or {b} ({n}); {c}", a=Param("model", "shapes"), b=Param("model", "my model"),
                  n=Param("num_inference_steps"), c=Param("reassembly_step", 3))
    assert str(hint) == "use model='shapes' or model='my model' (num_inference_steps); reassembly_step=3"
    assert in_flag_terms(ModelUnavailableError(hint)) == \
        "use --model shapes or --model 'my model' (--steps); reassembly_step=3"  # no flag: the API's words
    nested = Worded("could not load {m}: {hint}.", m=repr("x y"), hint=hint)
    assert in_flag_terms(ModelUnavailableError(nested)).endswith("--model 'my model' (--steps); reassembly_step=3.")
    # free text is never parsed: a message that merely looks like an assignment is left as written
    assert in_flag_terms(ConfigError("model='shapes' in a sentence")) == "model='shapes' in a sentence"
    with pytest.raises(ConfigError) as info:
        DDIMSchedule.from_config({"num_train_timesteps": 100}, 300)
    assert "num_inference_steps=300 is invalid" in str(info.value)
    assert in_flag_terms(info.value).startswith("--steps 300 is invalid: expected at most 100 for this model")


# 8. Servers say where they are when they start.
def test_stdio_server_prints_its_start_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "oir_agent.cli", "serve", "--model", "tiny", "--allowed-dir", str(EX),
                        "--output-dir", str(tmp_path)], input="", capture_output=True, text=True, timeout=120)
    assert r.stdout == ""  # stdout is the protocol
    line = r.stderr.strip().splitlines()[0]
    assert line.startswith("oir-agent MCP server on stdio; model tiny (loads on the first edit)") and str(EX) in line


def test_http_start_line():
    from oir_agent.server.settings import ServerSettings
    from oir_agent.server.transports import start_line

    args = argparse.Namespace(transport="http", host="127.0.0.1", port=8765, model="shapes", preload=True)
    line = start_line(args, ServerSettings(allowed_dirs=[EX], output_dir=Path("/tmp/o")))
    assert "listening on http://127.0.0.1:8765/mcp" in line and "model shapes (loaded)" in line


# 9. The aligner never imports torch (cold start of `oir-agent pairs`).
def test_aligner_does_not_import_torch():
    code = ("import sys; from oir_agent.cli.main import main; main(['pairs', '-s', 'a cat on a mat', '-t', "
            "'a dog on a mat', '--json']); assert 'torch' not in sys.modules, 'torch imported'; "
            "import torch; assert torch.ones(2).sum() == 2")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pairs"][0]["target"] == "dog"


# 10. Help: every serve option explained, defaults shown, --version, one preset order.
def test_help_is_complete(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    serve = " ".join(capsys.readouterr().out.split())
    for flag, words in (("--transport", "stdio (default"), ("--port", "default 8765"), ("--device", "cpu | cuda"),
                        ("--dtype", "fp32 | fp16"), ("--clip-model", "metric"), ("--queue-size", "default 2")):
        assert flag in serve and words in serve, flag
    with pytest.raises(SystemExit):
        main(["edit", "--help"])
    edit = " ".join(capsys.readouterr().out.split())
    assert "classifier-free guidance" in edit and "same seed, same result" in edit
    assert "shapes | tiny | sd-random" in serve and "shapes | tiny | sd-random" in edit
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    import oir_agent

    assert exc.value.code == 0 and oir_agent.__version__ in capsys.readouterr().out


# 11. Diagnostics explain themselves: every field described; version and files recorded.
def test_diagnostics_schema_describes_every_field():
    from oir_agent.diagnostics import EditDiagnostics

    schema = EditDiagnostics.model_json_schema()
    undescribed = []

    def walk(props, where):
        for name, prop in props.items():
            if name not in ("seed",) and "description" not in prop and "$ref" not in prop:
                undescribed.append(f"{where}.{name}")

    walk(schema["properties"], "root")
    for name, model in schema.get("$defs", {}).items():
        if name != "ConfigModel":  # OIRConfig's fields are documented in config.py
            walk(model.get("properties", {}), name)
    assert undescribed == []
    text = json.dumps(schema)
    assert "RAW" in text and "normalised" in text


def test_cli_diagnostics_record_version_and_files(tmp_path, capsys):
    import oir_agent

    out, diag = tmp_path / "o.png", tmp_path / "d.json"
    assert main(edit_args(tmp_path, "--steps", "3", *sum((["--mask", m] for m in MASKS), []),
                          "--diagnostics", str(diag))) == 0
    d = json.loads(diag.read_text())
    assert d["version"] == oir_agent.__version__
    assert d["files"] == {"input": str((EX / "dumplings.png").resolve()), "output": str(out.resolve()),
                          "diagnostics": str(diag.resolve()), "sheet": None}
    assert all(len(p["search"]["inside_change"]) == len(p["search"]["steps"]) for p in d["pairs"])


# 12. The contact sheet: small pictures enlarged crisply, labels beside the objects, not on them.
def test_enlarge_is_crisp_and_integer():
    from oir_agent.report import enlarge

    img = Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8))
    big = np.asarray(enlarge(img, 192))
    assert big.shape == (192, 192) and set(np.unique(big)) == {0, 255}  # nearest: no blur
    assert enlarge(Image.new("L", (300, 10)), 192).size == (300, 10)  # never shrinks


def test_mask_labels_do_not_cover_the_object():
    from oir_agent.report import mask_overlay

    img = Image.new("RGB", (200, 200), (128, 128, 128))
    mask = np.zeros((200, 200), bool)
    mask[80:160, 40:160] = True
    tinted = np.asarray(mask_overlay(img, [mask], ["a long label"]))
    plain = np.asarray(mask_overlay(img, [mask], [""]))
    changed = np.any(tinted != plain, axis=2)
    assert changed.any() and not changed[mask].any()  # the label's pixels are all outside the mask


# 13. Result files get the usual mode (umask), not mkstemp's 0600; oir-demo/ is ignored by git.
def test_result_files_use_the_umask_mode(tmp_path):
    from oir_agent.files import save_json

    umask = os.umask(0o022)
    os.umask(umask)
    path = save_json({"a": 1}, tmp_path / "x.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert "/oir-demo/" in (ROOT / ".gitignore").read_text().split()
