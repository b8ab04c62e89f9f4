"""Dependencies point inward (ARCHITECTURE.md's table of rooms): checked on the source, module
by module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"core", "messaging", "workers", "api", "avisa", "console"}
ALLOWED = {
    "core": {"core"},
    "messaging": {"core", "messaging"},
    "workers": {"core", "messaging", "workers"},
    "api": {"core", "messaging", "workers", "api", "console"},
    "console": {"core", "messaging", "workers", "console"},
}
# The console reaches into workers only to carry out what a service decided (enqueue, send,
# place under the area lock) and for the geocoder and runtime jobs use: never a job's own logic.
CONSOLE_WORKERS = {
    "workers.effects",
    "workers.queues",
    "workers.geocoding",
    "workers.inbox",
    "workers.runtime",
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


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return names


def test_console_uses_workers_only_to_carry_out():
    offenders = {}
    for path in (ROOT / "console").rglob("*.py"):
        used = {m for m in imported_modules(path) if m.startswith("workers.")}
        bad = {m for m in used if not any(m == w or m.startswith(w + ".") for w in CONSOLE_WORKERS)}
        bad -= {"workers." + w.split(".")[1] for w in CONSOLE_WORKERS}  # "from workers import x"
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders, offenders


def test_the_front_doors_share_one_home_for_their_request_dependencies():
    """Settings, session and vault come from ``console.deps`` for the API and the console alike:
    a second definition would let the two doors drift (another engine, another vault)."""
    from api import deps as api_deps
    from console import deps, web

    shared = {"app_settings", "get_session", "get_vault", "get_or_404"}
    homes = {}
    for layer in ("api", "console", "workers", "avisa"):
        for path in (ROOT / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.FunctionDef) and node.name in shared:
                    homes.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    assert homes == {name: ["console/deps.py"] for name in shared}
    for name in ("SessionDep", "SettingsDep", "VaultDep"):
        assert getattr(api_deps, name) is getattr(deps, name) is getattr(web, name)
