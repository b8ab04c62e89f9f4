"""0009_detention_cases matches the models it adds and goes down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from alembic import command
from avisa.migrations import alembic_config, upgrade
from core.db import make_engine


def test_migration_matches_the_models(db):
    with db.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert [d for d in diff if "detention_case" in str(d) or "caseentry" in str(d)] == []


def test_migration_downgrades_and_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    upgrade(url)
    assert {"detention_case", "caseentry"} <= _tables(url)
    command.downgrade(alembic_config(url), "0008_sign_in_attempts")
    assert not {"detention_case", "caseentry"} & _tables(url)
    upgrade(url)
    assert {"detention_case", "caseentry"} <= _tables(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
