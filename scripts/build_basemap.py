"""Build the console's default basemap: a small PMTiles cut of the OpenStreetMap tiles.

    python scripts/build_basemap.py [--max-zoom N] [--out OUT.pmtiles] [SOURCE.pmtiles ...]

SOURCES default to ``../shared/geodata/osm/la-core.pmtiles`` and ``la-outer.pmtiles``
(OpenMapTiles schema, zoom 0–14), which together cover Los Angeles County once: a tile is taken
from the first archive that holds it. OUT defaults to ``console/data/basemap.pmtiles``. It keeps
every tile up to ``--max-zoom`` (13 by default) and, inside each tile, only the layers a street
map for coordinators needs (``KEEP``): buildings, house numbers and points of interest are the
bulk of the source and are dropped. Names come with the tiles (``transportation_name``,
``place``, ``water_name``): at zoom 13 the source names main streets only, at 14 every street,
so ``--max-zoom 14`` makes the larger map an operator may serve with ``AVISA_BASEMAP``.
Layers are cut out of the tile's protobuf as they are, byte for byte, so geometry is never
decoded or re-encoded. The output is deterministic: the same sources give the same file.
Data © OpenStreetMap contributors, ODbL 1.0 (the output stays under it).
"""

import argparse
import gzip
import json
from pathlib import Path

from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

ROOT = Path(__file__).resolve().parent.parent
OSM = ROOT.parent / "shared" / "geodata" / "osm"
SOURCES = (OSM / "la-core.pmtiles", OSM / "la-outer.pmtiles")
OUT = ROOT / "console" / "data" / "basemap.pmtiles"
BOX = (33.30, -118.95, 34.83, -117.64)  # south, west, north, east: the county, as the sources
MAX_ZOOM = 13
KEEP = {
    "water",
    "waterway",
    "landuse",
    "landcover",
    "park",
    "boundary",
    "aeroway",
    "transportation",
    "transportation_name",
    "place",
    "water_name",
}
# Features of these classes are dropped from their layer: alleys, driveways, footpaths and
# streams are most of the bytes and tell a coordinator nothing about where a raid is.
DROP = {
    "transportation": {"service", "track", "path"},
    "transportation_name": {"service", "track", "path"},
    "waterway": {"stream", "drain", "ditch"},
}
# Below this zoom the style draws no minor street, so the tiles need none.
MINOR_FROM = 12


def drop_at(zoom: int) -> dict[str, set[str]]:
    if zoom >= MINOR_FROM:
        return DROP
    return DROP | {"transportation": DROP["transportation"] | {"minor"}}


ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes):
    """Top-level protobuf fields: (field number, wire type, raw bytes of the whole field, payload)."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(data, pos)
            payload = b""
        elif wire == 2:
            length, pos = _varint(data, pos)
            payload, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            payload, pos = b"", pos + 8
        elif wire == 5:
            payload, pos = b"", pos + 4
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        yield number, wire, data[start:pos], payload


def layer_name(layer: bytes) -> str:
    for number, wire, _, payload in _fields(layer):
        if number == 1 and wire == 2:
            return payload.decode()
    return ""


def _packed(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        values.append(value)
    return values


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    key, size, out = (number << 3) | 2, len(payload), bytearray()
    for value in (key, size):
        while value >= 0x80:
            out.append(value & 0x7F | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out) + payload


def drop_features(layer: bytes, classes: set[str]) -> bytes:
    """The layer without its features whose ``class`` is one of ``classes``.

    Layer: keys are field 3, values field 4 (Value.string_value is field 1), features field 2;
    a feature's tags (field 2) are packed pairs of key and value indexes.
    """
    fields = list(_fields(layer))
    keys = [payload.decode() for number, _, _, payload in fields if number == 3]
    values = [
        next((p.decode() for n, w, _, p in _fields(payload) if n == 1 and w == 2), None)
        for number, _, _, payload in fields
        if number == 4
    ]
    if "class" not in keys:
        return layer
    class_key = keys.index("class")

    def wanted(feature: bytes) -> bool:
        for number, wire, _, payload in _fields(feature):
            if number == 2 and wire == 2:
                tags = _packed(payload)
                for k, v in zip(tags[::2], tags[1::2], strict=True):
                    if k == class_key:
                        return values[v] not in classes
        return True

    return b"".join(raw for number, _, raw, payload in fields if number != 2 or wanted(payload))


def keep_layers(tile: bytes, keep=KEEP, drop=DROP) -> bytes:
    """The MVT tile with only the layers named in ``keep`` (Tile.layers is field 3), and in
    them none of the features ``drop`` names."""
    out = []
    for number, _, raw, payload in _fields(tile):
        if number != 3:
            out.append(raw)
            continue
        name = layer_name(payload)
        if name not in keep:
            continue
        out.append(_field(3, drop_features(payload, drop[name])) if name in drop else raw)
    return b"".join(out)


def build(sources=SOURCES, out: Path = OUT, max_zoom: int = MAX_ZOOM) -> dict:
    tiles: dict[int, bytes] = {}
    min_zoom = max_zoom
    for source in sources:
        with open(source, "rb") as f:
            reader = Reader(MmapSource(f))
            min_zoom = min(min_zoom, reader.header()["min_zoom"])
            for (zoom, x, y), data in all_tiles(reader.get_bytes):
                tile_id = zxy_to_tileid(zoom, x, y)
                if zoom > max_zoom or tile_id in tiles:
                    continue  # an earlier source holds it (la-outer repeats la-core below 8)
                kept = keep_layers(gzip.decompress(data), drop=drop_at(zoom))
                tiles[tile_id] = gzip.compress(kept, 9, mtime=0)
    out.parent.mkdir(parents=True, exist_ok=True)
    south, west, north, east = BOX
    with open(out, "wb") as f:
        writer = Writer(f)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_zoom": min_zoom,
                "max_zoom": max_zoom,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": 10,
                "center_lon_e7": int(-118.25 * 1e7),
                "center_lat_e7": int(34.05 * 1e7),
            },
            {
                "attribution": ATTRIBUTION,
                "description": f"Avisa console basemap: OpenMapTiles layers {sorted(KEEP)}, "
                f"zoom {min_zoom}-{max_zoom}, Los Angeles County",
            },
        )
    return {"tiles": len(tiles), "bytes": out.stat().st_size, "out": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", type=Path, default=list(SOURCES))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--max-zoom", type=int, default=MAX_ZOOM, choices=range(8, 15))
    args = parser.parse_args()
    print(json.dumps(build(args.sources, args.out, args.max_zoom)))


if __name__ == "__main__":
    main()
