"""Reports for coordinators: what residents sent that is no sighting (questions, past events,
rumours: kept, never alerting), and a report's photos and clips, fetched from the provider
through Avisa (``messaging.media``), so the provider's URL and credentials never reach a client."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import Coordinator, SessionDep, SettingsDep, Viewer
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, FILE_RESPONSE, Id, ReportOut
from core import media, reports
from core.enums import ReportFlag
from core.models import Report
from messaging.media import download

AsideFlag = Literal["question", "past", "rumour"]

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=API_ERRORS)


@router.get("")
def list_aside(
    session: SessionDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    flag: Annotated[AsideFlag | None, Query(description="one kind; default all three")] = None,
) -> Page[ReportOut]:
    """Reports that are no sighting: ``question`` (shown on the open incident at its place, as
    ``incident_id``, never counted), ``past`` (documentation of a past incident), ``rumour``
    (a chain text, "every store", "el lunes"). None of them opened an incident or alerted."""
    query = reports.kept_aside(ReportFlag(flag) if flag else None)
    rows, next_cursor = paginate(session, query, Report, cursor, limit)
    items = [ReportOut.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{report_id}/media/{media_id}", response_class=Response, responses=FILE_RESPONSE)
def get_media(
    report_id: Id, media_id: Id, session: SessionDep, settings: SettingsDep, _: Coordinator
) -> Response:
    """Inline for photos, videos and sound a browser shows safely; a download otherwise. 404 once
    purged or when the provider no longer holds it; 503 when the provider cannot be asked."""
    item = media.get(session, report_id, media_id)
    session.close()  # the provider may take seconds: hold no database connection meanwhile
    file = download(settings, item)
    return Response(file.content, media_type=file.media_type, headers=file.headers)
