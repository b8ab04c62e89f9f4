"""Dependencies point inward (DESIGN.md's layout table): checked on the source, module by module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"core", "messaging", "workers", "api", "avisa"}
ALLOWED = {
    "core": {"core"},
    "messaging": {"core", "messaging"},
    "workers": {"core", "messaging", "workers"},
    "api": {"core", "messaging", "workers", "api"},
}
# core is pure domain: no web framework, queue, Redis or Twilio in it.
FORBIDDEN_IN_CORE = {"fastapi", "starlette", "rq", "redis", "twilio", "httpx", "uvicorn"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_inward(layer):
    offenders = {}
    for path in (ROOT / layer).rglob("*.py"):
        roots = imported_roots(path)
        bad = (roots & OURS) - ALLOWED[layer]
        if layer == "core":
            bad |= roots & FORBIDDEN_IN_CORE
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders, offenders
