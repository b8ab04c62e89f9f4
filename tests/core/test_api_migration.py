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
    assert [d for d in diff if "broadcast" in str(d) or "last_used_at" in str(d)] == []


@pytest.mark.dialects  # each dialect's ALTERs (SQLite's are batch copies of the table)
def test_migration_downgrades_and_upgrades(migrated_database):
    url = migrated_database
    command.downgrade(alembic_config(url), "0004_trust")
    engine = make_engine(url)
    try:
        assert "broadcast" not in inspect(engine).get_table_names()
        assert "last_used_at" not in {c["name"] for c in inspect(engine).get_columns("apikey")}
    finally:
        engine.dispose()
    upgrade(url)
