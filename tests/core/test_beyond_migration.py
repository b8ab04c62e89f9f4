"""0006_beyond and 0007_media match the models they add to (drills, alert calls, channels, a
report's photos) and go down and up again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from alembic import command
from avisa.migrations import alembic_config, upgrade
from core.db import make_engine

OURS = ("drill", "alertcall", "inboundmedia", "media_count", "channel", "content_sid")


@pytest.mark.dialects  # the migrations must build each dialect's schema as the models say
def test_migration_matches_the_model(db):
    with db.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert [d for d in diff if any(word in str(d) for word in OURS)] == []


@pytest.mark.dialects  # each dialect's ALTERs (SQLite's are batch copies of the table)
def test_migration_downgrades_and_upgrades(migrated_database):
    url = migrated_database
    command.downgrade(alembic_config(url), "0004_console")
    assert "drill" not in _tables(url)
    upgrade(url)
    assert {"drill", "alertcall", "inboundmedia"} <= _tables(url)
    command.downgrade(alembic_config(url), "0006_beyond")
    assert "inboundmedia" not in _tables(url) and "drill" in _tables(url)
    upgrade(url)
    assert "inboundmedia" in _tables(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
