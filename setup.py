"""Packaging beyond what pyproject.toml can say: the migrations ship inside the wheel.

The migration scripts live in the top-level ``alembic/`` folder (the product card fixes the layout),
but a top-level ``alembic`` package in site-packages would shadow the Alembic library itself. So the
build copies them to ``avisa/_alembic/`` in the wheel, as data of the ``avisa`` package, and
``avisa.migrations`` looks there first (and in the source tree when running from a checkout).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "alembic"
TARGET = Path("avisa", "_alembic")


class BuildWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads alembic/ from the checkout
            return
        for path in sorted(SOURCE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                dest = Path(self.build_lib, TARGET, path.relative_to(SOURCE))
                self.mkpath(str(dest.parent))
                self.copy_file(str(path), str(dest))


setup(cmdclass={"build_py": BuildWithMigrations})
