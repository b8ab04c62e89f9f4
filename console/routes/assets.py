"""Static files and the basemap, served by Avisa itself: the console asks no other host.

The basemap answers HTTP Range requests (206) through Starlette's ``FileResponse``, which is how
the ``pmtiles`` library in the browser reads single tiles out of one file.
"""

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from console.basemap import basemap_path
from console.errors import ConsoleRoute
from console.web import HERE, PREFIX, SettingsDep, Viewer

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
STATIC = (HERE / "static").resolve()
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".pbf": "application/x-protobuf",
}


@router.get("/static/{path:path}")
def static(path: str):
    file = (STATIC / path).resolve()
    if not file.is_relative_to(STATIC) or not file.is_file():
        return Response(status_code=404)
    return FileResponse(
        file,
        media_type=TYPES.get(file.suffix),
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/basemap.pmtiles")
def basemap(settings: SettingsDep, _: Viewer):
    path = basemap_path(settings)
    if path is None:
        return Response(status_code=404)
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers={"Cache-Control": "private, max-age=3600"},
    )
