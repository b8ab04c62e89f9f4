"""Imports: how close ``core.subscribers.import_csv`` comes to the bare cost of writing
the same rows.

In one run, on a throwaway SQLite file each round: N subscribers imported from CSV through the
service (parse, the API's validation, seal and index each number, insert rows, zone links and
their confirmation texts' decisions), against the floor — the same rows sealed, indexed and
inserted with one SQLAlchemy Core executemany, no validation, no zone links. Rounds alternate;
prints the median of each and their ratio (lower is better; 1.0 would be free validation).

Then the hotline beside a big import: the same import committed batch by batch (as the API and
the CLI run it) in one thread while this one stores a report every tenth of a second through
``core.inbound.store`` (the webhook's write); prints the slowest store against its bound (2.5 s:
about a second of lock wait, the rest a loaded machine's slack) and exits 1 past it.
tests/e2e/test_import_vs_intake.py checks the webhooks are answered and stored meanwhile.

    .venv/bin/python bench/subscriber_import.py [ROWS] [ROUNDS]
"""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import inbound, subscribers  # noqa: E402
from core.clock import now  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.models import Subscriber, Zone  # noqa: E402
from core.phones import vault_for  # noqa: E402

VAULT = vault_for("bench-" + "k" * 40)


def _csv(rows: int) -> str:
    lines = ["phone,name,language,roles,zones"]
    lines += [f"+1323{5000000 + i:07d},Vol {i},es,responder,HP" for i in range(rows)]
    return "\n".join(lines) + "\n"


def _fresh(folder: str, name: str):
    engine = make_engine(f"sqlite:///{folder}/{name}.db")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Zone(name="HP", zips=["90255"]))
        session.commit()
    return engine


def avisa(folder: str, rows: int, text: str) -> float:
    engine = _fresh(folder, "avisa")
    start = time.perf_counter()
    with Session(engine) as session:
        result, _ = subscribers.import_csv(
            session, VAULT, text, actor="bench", allow_confirmed=False
        )
        session.commit()
    elapsed = time.perf_counter() - start
    assert len(result.created) == rows and not result.errors, result.errors[:3]
    engine.dispose()
    return elapsed


def floor(folder: str, rows: int, _text: str) -> float:
    engine = _fresh(folder, "floor")
    start = time.perf_counter()
    at = now()
    values = [
        {
            "phone_enc": VAULT.seal(phone),
            "phone_hash": VAULT.index(phone),
            "name": f"Vol {i}",
            "language": "es",
            "roles": ["responder"],
            "status": "pending",
            "confirmed_in_person": False,
            "channel": "sms",
            "created_at": at,
            "updated_at": at,
        }
        for i, phone in enumerate(f"+1323{5000000 + i:07d}" for i in range(rows))
    ]
    with Session(engine) as session:
        session.execute(insert(Subscriber), values)
        session.commit()
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


STORE_BOUND_S = 2.5


def store_during_import(folder: str, rows: int, text: str) -> list[float]:
    """Seconds each report's store took while the import ran."""
    engine = _fresh(folder, "beside")
    done = threading.Event()

    def run_import() -> None:
        with Session(engine) as session:
            subscribers.import_csv(
                session,
                VAULT,
                text,
                actor="bench",
                allow_confirmed=False,
                commit=lambda _decisions: session.commit(),
            )
            session.commit()
        done.set()

    importer = threading.Thread(target=run_import)
    importer.start()
    took = []
    while not done.is_set():
        start = time.perf_counter()
        with Session(engine) as session:
            inbound.store(
                session,
                VAULT,
                sid=f"SM{len(took):032d}",
                channel="sms",
                from_e164=f"+1310555{len(took) % 10000:04d}",
                body="migra en Pacific y Florence",
            )
        took.append(time.perf_counter() - start)
        done.wait(0.1)
    importer.join()
    engine.dispose()
    return took


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    text = _csv(rows)
    times: dict[str, list[float]] = {"avisa": [], "floor": []}
    for _ in range(rounds):
        for name, run in (("avisa", avisa), ("floor", floor)):
            with tempfile.TemporaryDirectory() as folder:
                times[name].append(run(folder, rows, text))
    a, f = statistics.median(times["avisa"]), statistics.median(times["floor"])
    print(f"rows {rows}, rounds {rounds}")
    print(f"import_csv  median {a:.3f} s  ({rows / a:,.0f} rows/s)")
    print(f"floor       median {f:.3f} s  ({rows / f:,.0f} rows/s)")
    print(f"ratio import/floor {a / f:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        took = store_during_import(folder, rows, text)
    slowest = max(took, default=0.0)
    print(
        f"beside the import: {len(took)} reports stored, median "
        f"{statistics.median(took) * 1000 if took else 0:.0f} ms, slowest {slowest * 1000:.0f} ms "
        f"(bound {STORE_BOUND_S * 1000:.0f} ms)"
    )
    if slowest >= STORE_BOUND_S:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
