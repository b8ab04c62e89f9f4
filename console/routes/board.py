"""The board (open incidents, live) and the map."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from console.errors import ConsoleRoute
from console.web import POLL_SECONDS, PREFIX, SessionDep, Viewer, render
from core import board

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


@router.get("/")
def board_page(request: Request, session: SessionDep, _: Viewer):
    return render(
        request, "board.html", rows=board.board(session), poll_seconds=POLL_SECONDS, nav="board"
    )


@router.get("/board/rows")
def board_rows(request: Request, session: SessionDep, _: Viewer):
    """The board's rows alone: htmx swaps them in every few seconds."""
    return render(request, "_board_rows.html", rows=board.board(session))


@router.get("/map")
def map_page(request: Request, _: Viewer):
    return render(request, "map.html", nav="map")


@router.get("/map/features.geojson")
def map_features(session: SessionDep, _: Viewer):
    return JSONResponse(board.map_features(session))
