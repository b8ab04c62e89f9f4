"""``avisa gazetteer build``: rebuild the offline gazetteer for the region an operator serves.

Needs the build extra (``pip install -e '.[gazetteer]'``). With no source given it reads
``../shared/geodata`` (the shipped LA default) and writes ``core/geo/data/gazetteer.json.gz``;
point ``AVISA_GAZETTEER`` at any other output.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GEODATA = REPO.parent / "shared" / "geodata"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``avisa gazetteer build`` (also used by scripts/build_gazetteer.py)."""
    p.add_argument(
        "geodata",
        nargs="?",
        help="a folder laid out like ../shared/geodata (osm/*.pmtiles, GTFS stops, GeoNames)",
    )
    p.add_argument("--osm", action="append", default=[], help=".pmtiles or .osm.pbf (repeatable)")
    p.add_argument("--stops", action="append", default=[], help="GTFS stops.txt (repeatable)")
    p.add_argument("--postal", help="GeoNames US postal codes file (tab-separated)")
    p.add_argument("--bbox", help="only this box of the OSM data: south,west,north,east")
    p.add_argument(
        "--out", help="output file (default: the shipped core/geo/data/gazetteer.json.gz)"
    )


def run(args) -> int:
    from core.geo.builder import Sources, build, summary, write
    from core.geo.gazetteer import DATA_FILE

    if args.osm or args.stops or args.postal:
        src = Sources(
            [Path(p) for p in args.osm],
            [Path(p) for p in args.stops],
            Path(args.postal) if args.postal else None,
        )
        if args.geodata:
            shared = Sources.shared(Path(args.geodata))
            src.osm = src.osm or shared.osm
            src.stops = src.stops or shared.stops
            src.postal = src.postal or shared.postal
    else:
        src = Sources.shared(Path(args.geodata) if args.geodata else DEFAULT_GEODATA)
    if args.bbox:
        s, w, n, e = (float(v) for v in args.bbox.split(","))
        src.bbox = (s, w, n, e)
    out = Path(args.out) if args.out else DATA_FILE
    t0 = time.perf_counter()
    data = build(src)
    size = write(data, out)
    print(f"{out}: {summary(data)}; {size / 1e6:.1f} MB in {time.perf_counter() - t0:.0f} s")
    return 0
