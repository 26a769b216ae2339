"""Every contract is written once: the diagnostics models read the library's objects by attribute, and the same
models are the JSON (`to_dict`), the MCP output schema and what README's table must name. These tests show a field
travels from its one definition to all three, and that nothing on the way restates the field list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pytest
from conftest import SOURCE, scene, scene_masks
from mcp_types import CallToolResult
from pydantic import Field

from oir_agent import OIRConfig
from oir_agent.diagnostics import EditDiagnostics, PairModel, SearchModel

ROOT = Path(__file__).resolve().parents[1]
TARGET = SOURCE.replace("red circle", "green triangle")


def readme_table_names() -> set[str]:
    """The identifiers named in the first column of README's diagnostics table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Diagnostics", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            for token in re.findall(r"`([^`]+)`", first):
                names.update(n for n in re.split(r"[./,\s]|\[\]", token) if n)
    return names


def missing_from_readme(model=EditDiagnostics) -> list[str]:
    """Fields of the diagnostics (top level, per pair, per search) that README's table does not name."""
    named = readme_table_names()
    fields = list(model.model_fields) + list(PairModel.model_fields) + list(SearchModel.model_fields)
    return [f for f in fields if f not in named]


def schema_fields(schema: dict, defs: dict) -> set[str]:
    def resolve(s):
        return defs[s["$ref"].rsplit("/", 1)[1]] if "$ref" in s else s

    return set(resolve(schema).get("properties", {}))


@pytest.fixture(scope="module")
def result(editor):
    return editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, masks=[scene_masks()[0]],
                       config=OIRConfig(num_inference_steps=3))


def test_readme_table_names_every_diagnostics_field():
    assert missing_from_readme() == []


def test_json_and_mcp_schema_are_the_models_fields(result):
    """to_dict's keys and the published output schema's properties are the models' fields, level by level."""
    from oir_agent.server.strict import StrictTool
    from oir_agent.server.tools.edit_image import edit_image

    d = result.to_dict()
    assert set(d) == set(EditDiagnostics.model_fields)
    assert set(d["pairs"][0]) == set(PairModel.model_fields)
    assert set(d["pairs"][0]["search"]) == set(SearchModel.model_fields)
    assert set(d["config"]) == set(OIRConfig.__dataclass_fields__)
    schema = StrictTool.build(edit_image).output_schema
    defs = schema.get("$defs", {})
    assert schema_fields(schema, defs) == set(EditDiagnostics.model_fields) | {"output"}
    pair = schema["properties"]["pairs"]["items"]
    assert schema_fields(pair, defs) == set(PairModel.model_fields)
    assert schema_fields(defs["PairModel"]["properties"]["search"], defs) == set(SearchModel.model_fields)


def test_a_new_field_reaches_json_schema_and_readme_check(result):
    """A scratch subclass with one more field: the value is read from the result object (JSON), the schema built
    for a tool that returns it carries the field and its description, and the README check reports it missing."""
    from oir_agent.server.strict import StrictTool

    class Scratch(EditDiagnostics):
        colour: str = Field("unset", description="a scratch field")

    result.colour = "red"
    try:
        dumped = Scratch.model_validate(result, from_attributes=True).model_dump(mode="json")
    finally:
        del result.colour
    assert dumped["colour"] == "red" and dumped["pairs"] == result.to_dict()["pairs"]

    async def scratch_tool():
        """scratch"""

    scratch_tool.__annotations__ = {"return": Annotated[CallToolResult, Scratch]}  # a local class: no string eval

    schema = StrictTool.build(scratch_tool).output_schema
    assert schema["properties"]["colour"]["description"] == "a scratch field"
    assert missing_from_readme(Scratch) == ["colour"]


def test_json_rounds_and_nulls_only_when_written(result):
    """In memory the curves keep full precision (-inf for excluded candidates); the JSON rounds to 6 places and
    writes null for non-finite values."""
    import math

    search = result.pairs[0].search
    search_copy = search.model_copy(update={"score": [float("-inf")] + list(search.score[1:]),
                                            "s_edit": [0.123456789] + list(search.s_edit[1:])})
    data = search_copy.model_dump(mode="json")
    assert data["score"][0] is None and math.isinf(search_copy.score[0])
    assert data["s_edit"][0] == 0.123457 and search_copy.s_edit[0] == 0.123456789


def test_edit_result_needs_its_config():
    """A result without its config could not be replayed nor serialised: the type requires it."""
    from oir_agent.types import Cost, EditResult

    with pytest.raises(TypeError, match="config"):
        EditResult(image=scene(), source_prompt="a", target_prompt="b", model="m", seed=0, num_inference_steps=3,
                   guidance_scale=7.5, reassembly_step=1, reinversion_steps=1, image_size=(1, 1),
                   working_size=(1, 1), pairs=[], cost=Cost(), timings_s={})


def test_cli_flags_and_mcp_arguments_take_the_config_defaults():
    """No door restates a default: the edit command's flags and edit_image's arguments default to OIRConfig's."""
    from oir_agent.cli.main import build_parser
    from oir_agent.config import knobs
    from oir_agent.server.strict import StrictTool
    from oir_agent.server.tools.edit_image import edit_image

    args = build_parser().parse_args(["edit", "x.png", "-o", "y.png"])
    table = knobs()
    from oir_agent.cli.config_flags import EDIT_FIELDS, config_values

    assert OIRConfig(**config_values(args)) == OIRConfig()
    for name in EDIT_FIELDS:
        assert table[name].help, f"{name} is exposed by a door but has no help"
    props = StrictTool.build(edit_image).parameters["properties"]
    for arg, name in (("steps", "num_inference_steps"), ("seed", "seed"), ("keep_margin", "keep_margin")):
        assert props[arg]["default"] == table[name].default and props[arg]["description"] == table[name].help
