"""Rebuild Avisa's offline gazetteer; the same as ``avisa gazetteer build`` (see
``avisa/gazetteer.py`` and ``core/geo/builder``).

Usage: python scripts/build_gazetteer.py [GEODATA_DIR] [--osm F] [--stops F] [--postal F]
[--bbox S,W,N,E] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from avisa.gazetteer import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
