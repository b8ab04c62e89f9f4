"""Migrations read the models' metadata and the database URL from Avisa's settings."""

from sqlmodel import SQLModel

import core.models  # noqa: F401 — registers the tables on SQLModel.metadata
from alembic import context
from core.db import make_engine
from core.settings import get_settings

target_metadata = SQLModel.metadata


def run() -> None:
    url = context.config.attributes.get("database_url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
