"""Build the console's default basemap: a small PMTiles cut of the OpenStreetMap tiles.

    python scripts/build_basemap.py [SOURCE.pmtiles] [OUT.pmtiles]

SOURCE defaults to ``../shared/geodata/osm/la-core.pmtiles`` (OpenMapTiles schema, zoom 0–14);
OUT to ``console/data/basemap.pmtiles``. It keeps the tiles that touch the shipped region
(Southeast LA, ``BOX``) up to ``MAX_ZOOM`` and, inside each tile, only the layers a street map
for coordinators needs (``KEEP``): buildings, house numbers and points of interest are the bulk of
the source and are dropped. Layers are cut out of the tile's protobuf as they are, byte for byte,
so geometry is never decoded or re-encoded. The output is deterministic: the same source gives the
same file. Data © OpenStreetMap contributors, ODbL 1.0 (the output stays under it).
"""

import gzip
import json
import math
import sys
from pathlib import Path

from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "geodata" / "osm" / "la-core.pmtiles"
OUT = ROOT / "console" / "data" / "basemap.pmtiles"
BOX = (33.80, -118.40, 34.10, -118.05)  # south, west, north, east
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
}
ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"


def tile_range(zoom: int, box=BOX) -> tuple[range, range]:
    south, west, north, east = box

    def x_of(lon: float) -> int:
        return int((lon + 180) / 360 * 2**zoom)

    def y_of(lat: float) -> int:
        rad = math.radians(lat)
        return int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * 2**zoom)

    return range(x_of(west), x_of(east) + 1), range(y_of(north), y_of(south) + 1)


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


def keep_layers(tile: bytes, keep=KEEP) -> bytes:
    """The MVT tile with only the layers named in ``keep`` (Tile.layers is field 3)."""
    return b"".join(
        raw
        for number, _, raw, payload in _fields(tile)
        if number != 3 or layer_name(payload) in keep
    )


def build(source: Path = SOURCE, out: Path = OUT) -> dict:
    with open(source, "rb") as f:
        reader = Reader(MmapSource(f))
        header = reader.header()
        tiles = {}
        for zoom in range(header["min_zoom"], MAX_ZOOM + 1):
            xs, ys = tile_range(zoom)
            for x in xs:
                for y in ys:
                    data = reader.get(zoom, x, y)
                    if data:
                        kept = keep_layers(gzip.decompress(data))
                        tiles[zxy_to_tileid(zoom, x, y)] = gzip.compress(kept, 9, mtime=0)
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
                "min_zoom": header["min_zoom"],
                "max_zoom": MAX_ZOOM,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": 12,
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {
                "attribution": ATTRIBUTION,
                "description": f"Avisa console basemap: OpenMapTiles layers {sorted(KEEP)}, "
                f"zoom 0-{MAX_ZOOM}, box {BOX} (south, west, north, east)",
            },
        )
    return {"tiles": len(tiles), "bytes": out.stat().st_size, "out": str(out)}


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(build(*(Path(a) for a in args))))
