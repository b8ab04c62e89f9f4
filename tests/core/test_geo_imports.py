"""core.geo stays pure: no web framework, queue, Redis, Twilio, nor outer layers of Avisa."""

import ast
from pathlib import Path

GEO = Path(__file__).resolve().parents[2] / "core" / "geo"
FORBIDDEN = {
    "api",
    "workers",
    "messaging",
    "avisa",
    "fastapi",
    "starlette",
    "redis",
    "rq",
    "twilio",
    "sqlmodel",
    "sqlalchemy",
}


def test_core_geo_imports_nothing_forbidden():
    for path in GEO.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_public_api():
    import core.geo as geo

    for name in (
        "GeoResult",
        "Geocoder",
        "CustomPlace",
        "Region",
        "haversine_m",
        "bounding_box",
        "nearest_zip",
        "zip_centroid",
        "get_default_geocoder",
    ):
        assert hasattr(geo, name)
