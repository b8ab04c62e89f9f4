"""A report's photos and clips, for coordinators: fetched from the provider through Avisa
(``messaging.media``), so the provider's URL and credentials never reach a client."""

from fastapi import APIRouter, Response

from api.deps import Coordinator, SessionDep, SettingsDep
from api.schemas import API_ERRORS, FILE_RESPONSE, Id
from core import media
from messaging.media import download

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=API_ERRORS)


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
