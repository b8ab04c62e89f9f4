"""One writer per table: every row of ``Incident``, ``InboundMessage`` and ``Message`` is made by
one ``core`` function, and an incident's status moves only by ``core.policy.transition``.

A second writer drifts from the first (skips a check, a retry, an audit row), so this test reads
the source of every package and fails on a write anywhere else:

- making a row: ``Incident(…)``, ``InboundMessage(…)``, ``Message(…)``, ``insert(…)`` of one, or
  reaching for its Core table (``InboundMessage.__table__``);
- moving an incident's status: ``update(Incident)…values(status=…)``, or assigning ``.status``
  on an incident (an object named like one, or a value of ``IncidentStatus``).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "messaging", "workers", "api", "console", "avisa")

# table -> the modules allowed to make its rows
ROW_WRITERS = {
    "Incident": {"core/matching.py"},  # matching.new_incident
    "InboundMessage": {"core/inbound.py"},  # inbound.store
    "Message": {"core/outbox.py"},  # outbox.new_message
}
# Test data for the tests and bench/ (rows made directly, as a fixture would): never run by the
# service itself.
TEST_DATA = "avisa/testing/"
STATUS_WRITERS = {"core/policy.py"}  # policy.transition

INCIDENT_STATUS_NAMES = {"IncidentStatus", "S"}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            yield relative, ast.parse(path.read_text(), filename=relative)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_incident_status(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute) and _name(n.value) in INCIDENT_STATUS_NAMES
        for n in ast.walk(node)
    )


def row_writes(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(table, line) of each row made in ``tree``."""
    for node in ast.walk(tree):
        # The Core table of a model (``InboundMessage.__table__``) writes around the ORM: only
        # its writer reaches for it.
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            if _name(node.value) in ROW_WRITERS:
                yield _name(node.value), node.lineno
            continue
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        if isinstance(node.func, ast.Call):  # _insert_for(session)(InboundMessage)
            called = _name(node.func.func)
        if called in ROW_WRITERS:
            yield called, node.lineno
        elif "insert" in called.lower() and node.args and _name(node.args[0]) in ROW_WRITERS:
            yield _name(node.args[0]), node.lineno


def status_writes(tree: ast.Module) -> Iterator[int]:
    """Lines where ``tree`` moves an incident's status."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "values":
            chain = node.func.value if isinstance(node.func, ast.Attribute) else None
            updates_incident = chain is not None and any(
                isinstance(n, ast.Call)
                and _name(n.func) == "update"
                and n.args
                and _name(n.args[0]) == "Incident"
                for n in ast.walk(chain)
            )
            if updates_incident and any(k.arg == "status" for k in node.keywords):
                yield node.lineno
        if isinstance(node, ast.Assign):
            for target in node.targets:
                targets = target.elts if isinstance(target, ast.Tuple) else [target]
                values = (
                    node.value.elts
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [node.value] * len(targets)
                )
                for each, value in zip(targets, values, strict=True):
                    if not (isinstance(each, ast.Attribute) and each.attr == "status"):
                        continue
                    owner = _name(each.value).lower()
                    if "incident" in owner or _is_incident_status(value):
                        yield node.lineno


def test_each_table_has_one_writer() -> None:
    strays = []
    for module, tree in modules():
        for table, line in row_writes(tree):
            allowed = ROW_WRITERS[table]
            if module not in allowed and not module.startswith(TEST_DATA):
                strays.append(f"{module}:{line} makes a {table} row")
        for line in status_writes(tree):
            if module not in STATUS_WRITERS:
                strays.append(f"{module}:{line} moves an incident's status")
    assert not strays, "\n".join(strays)


def test_the_rule_sees_what_it_forbids() -> None:
    """The walker finds each kind of write (so an empty result above means something)."""
    source = """
incident.status = IncidentStatus.EXPIRED
source.status, source.closed_at = IncidentStatus.MERGED, now()
row.status = S.DISMISSED
session.exec(update(Incident).where(col(Incident.id) == 1).values(status="expired"))
session.add(Incident(lat=1, lon=2))
session.add(Message(body="x"))
session.exec(insert(InboundMessage).values(provider_sid="SM1"))
session.exec(_insert_for(session)(Message))
table = cast(Table, Incident.__table__)
report.status = ReportStatus.LOCATED
session.exec(update(Incident).values(negative_count=Incident.negative_count + 1))
"""
    tree = ast.parse(source)
    assert sorted(status_writes(tree)) == [2, 3, 4, 5]  # not the report's, nor a count
    assert sorted(row_writes(tree)) == [
        ("InboundMessage", 8),
        ("Incident", 6),
        ("Incident", 10),
        ("Message", 7),
        ("Message", 9),
    ]


def test_no_allowed_writer_is_stale() -> None:
    """Each allow-list entry still writes: a writer that moved leaves no hole behind it."""
    found: dict[str, set[str]] = {}
    statuses = set()
    for module, tree in modules():
        for table, _ in row_writes(tree):
            found.setdefault(table, set()).add(module)
        if any(True for _ in status_writes(tree)):
            statuses.add(module)
    for table, writers in ROW_WRITERS.items():
        assert writers <= found.get(table, set()), table
    assert statuses <= STATUS_WRITERS
    assert STATUS_WRITERS <= statuses
