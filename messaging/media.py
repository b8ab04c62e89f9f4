"""Showing a resident's photo or a caller's recording to a signed-in coordinator: fetched from the
provider with Avisa's credentials, answered from our own origin. Both front doors (``api``,
``console``) check who may see it, then hand the result of ``download`` to their response.

The browser never talks to the provider and never sees its URL; what it is given cannot run in
our origin (``core.media.served_type`` and the headers below) and is not cached anywhere.
"""

from dataclasses import dataclass

from core import media
from core.errors import NotFound, Unavailable
from core.models import InboundMedia
from core.privacy import recording_sid
from core.settings import Settings
from messaging.factory import get_provider
from messaging.local import LOCAL_HOLDS_NOTHING
from messaging.provider import Fetched, SendError

# A photo can show a face or a plate: never kept by a browser or a proxy, never framed by a
# page, never run as a document.
PRIVATE_FILE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    headers: dict[str, str]


def download(settings: Settings, item: InboundMedia) -> Download:
    """Attachment ``item``'s file. NotFound when the provider no longer holds it; Unavailable
    when it cannot be asked now (or this server's backend holds no files)."""
    fetched = _fetch(lambda p: p.fetch_media(item.message_sid, item.media_sid), settings)
    kind = media.served_type(fetched.content_type or item.content_type)
    name = f"report-media-{item.id}"
    return _answer(fetched.content, kind, name)


def download_recording(settings: Settings, url: str | None) -> Download:
    """A caller's recording (``Report.recording_url``), as audio/mpeg."""
    sid = recording_sid(url or "")
    if sid is None:
        raise NotFound("no recording")
    fetched = _fetch(lambda p: p.fetch_recording(sid), settings)
    return _answer(fetched.content, "audio/mpeg", f"recording-{sid}")


def _fetch(get, settings: Settings) -> Fetched:
    try:
        fetched: Fetched = get(get_provider(settings))
    except SendError as exc:
        if exc.status == 404:
            raise NotFound("the provider no longer holds this file") from None
        if exc.code == LOCAL_HOLDS_NOTHING:
            raise Unavailable(
                "files are held by Twilio; this server uses the local backend"
            ) from None
        raise Unavailable("the provider could not be reached; try again") from None
    return fetched


def _answer(content: bytes, kind: str, name: str) -> Download:
    disposition = "inline" if media.shows_inline(kind) else "attachment"
    headers = PRIVATE_FILE_HEADERS | {"Content-Disposition": f'{disposition}; filename="{name}"'}
    return Download(content=content, media_type=kind, headers=headers)
