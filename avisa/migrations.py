"""Applying Alembic migrations from code (``avisa db upgrade``, ``avisa dev``, tests).

Where the scripts are: an installed wheel carries them as ``avisa/_alembic`` (``setup.py`` copies
the top-level ``alembic/`` folder there; a top-level ``alembic`` package would shadow the Alembic
library); a checkout or editable install reads the ``alembic/`` folder itself. Either works from
any working directory: no ``alembic.ini`` is read (that file is for the ``alembic`` command
run from the checkout, e.g. ``alembic revision``).
"""

from pathlib import Path

from alembic.config import Config

from alembic import command

HERE = Path(__file__).resolve().parent
PACKAGED = HERE / "_alembic"
CHECKOUT = HERE.parent / "alembic"


class MigrationsNotFound(RuntimeError):
    pass


def script_location() -> Path:
    """The folder holding ``env.py`` and ``versions/``; raises ``MigrationsNotFound``."""
    for candidate in (PACKAGED, CHECKOUT):
        # Both files, so site-packages' own ``alembic`` (the library) is never taken for ours.
        if (candidate / "env.py").is_file() and (candidate / "versions").is_dir():
            return candidate
    raise MigrationsNotFound(
        f"no migrations in {PACKAGED} or {CHECKOUT}: reinstall avisa from a wheel or a checkout"
    )


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("path_separator", "os")
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")
