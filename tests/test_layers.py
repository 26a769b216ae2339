"""The folder layout is the layering: imports (module level and inside functions) only point down, never in a cycle."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "oir_agent"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """module -> the oir_agent modules it imports anywhere in its body (relative imports resolved)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        tree = ast.parse(path.read_text())
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and getattr(block.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in typing_only:  # annotations only: not an import at run time
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            found |= {c for c in candidates if c in modules and c != name}
        graph[name] = found
    return graph


def test_no_import_cycles():
    graph = _imports()
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in graph[node]:
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own submodules
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


def test_layers_point_down():
    graph = _imports()
    allowed_below_engine = {"oir_agent.config", "oir_agent.errors", "oir_agent.types", "oir_agent"}
    for module, targets in graph.items():
        if module.startswith("oir_agent.engine"):
            outside = {t for t in targets if not t.startswith("oir_agent.engine") and t not in allowed_below_engine}
            assert not outside, f"{module} (engine) imports {outside}: the engine is tensors in, tensors out"
        for front, other in (("oir_agent.cli", "oir_agent.server"), ("oir_agent.server", "oir_agent.cli")):
            if module.startswith(front):
                crossing = {t for t in targets if t.startswith(other) and t != "oir_agent.server.transports"}
                assert not crossing, f"{module} imports {crossing}: front ends share the library, not each other"
        if not module.startswith(("oir_agent.cli", "oir_agent.server")):
            up = {t for t in targets if t.startswith(("oir_agent.cli", "oir_agent.server"))}
            assert not up, f"{module} imports the front end {up}"
