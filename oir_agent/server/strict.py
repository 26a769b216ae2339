"""StrictTool: an MCP tool that refuses arguments it does not have, and reports argument errors in one line.

The SDK's tools ignore unknown arguments silently (an agent would never learn that its argument had no effect) and
report validation errors as pydantic's multi-line dump. The SDK has no option for either, so this is the one
adapter: a subclass of the SDK's public `Tool` (built with its public `from_function`, registered through
`MCPServer(tools=[...])`) whose argument model forbids extra fields (the published input schema then says
`additionalProperties: false`) and whose `run` rewrites a validation failure. It relies on two documented parts of
`Tool`: the `fn_metadata.arg_model` field (the pydantic model arguments are validated with) and `run` raising
`ToolError` caused by a `ValidationError` for bad arguments; tests/test_server.py::test_strict_tool_adapter fails
when either changes.
"""

from __future__ import annotations

import inspect
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from pydantic import ValidationError


class StrictTool(Tool):
    @classmethod
    def build(cls, fn, *, annotations=None, structured_output: bool | None = None,
              meta: dict[str, Any] | None = None) -> StrictTool:
        """The tool for `fn`: named after it, its docstring the description, unknown arguments refused."""
        tool = cls.from_function(fn, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations,
                                 structured_output=structured_output, meta=meta)
        base = tool.fn_metadata.arg_model
        strict = type(base.__name__, (base,), {"model_config": {**base.model_config, "extra": "forbid"},
                                                 "__module__": base.__module__})
        tool.fn_metadata.arg_model = strict
        tool.parameters = strict.model_json_schema(by_alias=True)
        return tool

    @property
    def argument_names(self) -> list[str]:
        return sorted(self.fn_metadata.arg_model.model_fields)

    async def run(self, arguments, context, convert_result: bool = False):
        try:
            return await super().run(arguments, context, convert_result=convert_result)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            problems = []
            for err in exc.__cause__.errors():
                where = ".".join(str(x) for x in err["loc"]) or "arguments"
                what = ("unknown argument (this tool's arguments are " + ", ".join(self.argument_names) + ")"
                        if err["type"] == "extra_forbidden" else err["msg"])
                problems.append(f"{where}: {what}")
            raise ToolError(f"invalid arguments for {self.name}: " + "; ".join(problems)) from exc.__cause__
