"""Test data for the delivery path (tests and bench/delivery.py): a temp-file SQLite database,
subscribers and pending texts."""

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from core.db import make_engine, session_scope
from core.models import Message, Subscriber
from core.phones import vault_for
from core.settings import Settings
from messaging.segments import count_segments

TEST_SECRET = "test-secret-" + "x" * 32


def phone(n: int) -> str:
    """A distinct, valid-looking Los Angeles number per ``n`` (555-01xx are fictional)."""
    return f"+1323555{n:04d}"


def make_db(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / 'avisa-test.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    return url, engine


def make_settings(database_url: str, **overrides) -> Settings:
    values = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "send_rate": 200.0,
        "send_concurrency": 8,
        "public_url": "https://hotline.example.org",
    }
    return Settings(**(values | overrides))


def add_subscribers(engine: Engine, phones: list[str], *, status: str = "active") -> list[int]:
    vault = vault_for(TEST_SECRET)
    with session_scope(engine) as session:
        rows = [
            Subscriber(
                phone_enc=vault.seal(p),
                phone_hash=vault.index(p),
                name=f"Responder {i}",
                status=status,
                roles=["responder"],
            )
            for i, p in enumerate(phones)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def add_messages(
    engine: Engine,
    subscriber_ids: list[int],
    *,
    body: str = "AVISA #7 SIN VERIFICAR: prueba",
    kind: str = "alert",
    tag: str = "a",
    lane: int = 1,
) -> list[int]:
    """One pending text per subscriber, to the subscriber's number, in ``lane``
    (``core.enums.Lane``)."""
    with session_scope(engine) as session:
        subscribers = [session.get(Subscriber, i) for i in subscriber_ids]
        rows = [
            Message(
                dedupe_key=f"{tag}:{s.id}",
                kind=kind,
                subscriber_id=s.id,
                to_enc=s.phone_enc,
                to_hash=s.phone_hash,
                body=body,
                segments=count_segments(body),
                lane=lane,
            )
            for s in subscribers
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def messages(engine: Engine) -> dict[int, Message]:
    with session_scope(engine) as session:
        return {m.id: m for m in session.exec(select(Message)).all()}
