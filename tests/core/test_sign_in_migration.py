"""0008_sign_in_attempts matches the model it adds (console sign-in attempts, which replace the
failures table) and goes down and up again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from alembic import command
from avisa.migrations import alembic_config, upgrade
from core.db import make_engine


@pytest.mark.dialects  # the migrations must build each dialect's schema as the models say
def test_migration_matches_the_model(db):
    with db.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert [d for d in diff if "consolesigninattempt" in str(d) or "loginfailure" in str(d)] == []


@pytest.mark.dialects  # each dialect's ALTERs
def test_migration_downgrades_and_upgrades(migrated_database):
    url = migrated_database
    assert "consoleloginfailure" not in _tables(url)
    command.downgrade(alembic_config(url), "0007_media")
    assert "consoleloginfailure" in _tables(url) and "consolesigninattempt" not in _tables(url)
    upgrade(url)
    assert "consolesigninattempt" in _tables(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
