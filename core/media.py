"""Photos and clips residents send with a report (MMS, WhatsApp): which references we keep, which
report each belongs to, and how a coordinator's browser may be shown one.

Only references are stored (``InboundMedia``: the provider's message and media SIDs and the
declared type), never a URL to fetch: the fetch URL is built from our own provider settings
(``messaging.media``), so a forged or altered ``MediaUrlN`` can never make Avisa send its
credentials to another host. A URL that is not a provider media URL is dropped at the door.
"""

import re
from dataclasses import dataclass
from typing import Any, cast

from sqlmodel import Session, col, select

from core.errors import NotFound
from core.models import InboundMedia, InboundMessage, IncidentNote

MAX_MEDIA = 10  # Twilio delivers at most ten per message: more is not from Twilio
# …/2010-04-01/Accounts/AC…/Messages/MM…(or SM…)/Media/ME…
_MEDIA_URL = re.compile(
    r"^https?://[^/?#]+/2010-04-01/Accounts/AC[0-9a-fA-F]{32}"
    r"/Messages/((?:MM|SM)[0-9a-fA-F]{32})/Media/(ME[0-9a-fA-F]{32})/?$"
)
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
# Types a browser shows inline from our own origin. Anything else (SVG, which can carry script;
# HTML; vCards; HEIC, which browsers cannot show) is offered as a download of opaque bytes.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/3gpp",
        "audio/mpeg",
        "audio/ogg",
        "audio/amr",
        "audio/mp4",
    }
)
DOWNLOAD_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class MediaRef:
    """One attachment as the provider announced it."""

    position: int
    message_sid: str
    media_sid: str
    content_type: str


def from_form(form: dict[str, str]) -> list[MediaRef]:
    """The attachments of an inbound webhook (``NumMedia``, ``MediaUrlN``, ``MediaContentTypeN``).

    Lenient, as a report must never be lost to a malformed attachment: an unreadable count means
    none, a URL that is not a provider media URL is skipped, an odd type is kept as a download."""
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        return []
    refs = []
    for position in range(max(count, 0)):
        found = _MEDIA_URL.match(form.get(f"MediaUrl{position}", "").strip())
        if found is None:
            continue
        declared = form.get(f"MediaContentType{position}", "").strip().lower()
        refs.append(
            MediaRef(
                position,
                message_sid=found.group(1),
                media_sid=found.group(2),
                content_type=declared if _CONTENT_TYPE.match(declared) else DOWNLOAD_TYPE,
            )
        )
    return refs


def of_reports(session: Session, report_ids: list[int]) -> dict[int, list[InboundMedia]]:
    """Each report's attachments, in the order they arrived (reports with none are absent)."""
    return _grouped(session, InboundMessage.report_id, report_ids)


def of_notes(session: Session, note_ids: list[int]) -> dict[int, list[InboundMedia]]:
    """Each responder note's attachments (a photo from the scene), likewise."""
    return _grouped(session, IncidentNote.id, note_ids, via_note=True)


def get(session: Session, report_id: int, media_id: int) -> InboundMedia:
    """Attachment ``media_id`` of report ``report_id``; NotFound when it is not that report's
    (or was purged)."""
    return _one(of_reports(session, [report_id]).get(report_id, []), media_id)


def get_for_note(session: Session, incident_id: int, note_id: int, media_id: int) -> InboundMedia:
    """Attachment ``media_id`` of note ``note_id`` of incident ``incident_id``; else NotFound."""
    note = session.get(IncidentNote, note_id)
    if note is None or note.incident_id != incident_id:
        raise NotFound("incident {incident} has no note {note}", incident=incident_id, note=note_id)
    return _one(of_notes(session, [note_id]).get(note_id, []), media_id)


def _grouped(
    session: Session, owner: Any, owner_ids: list[int], *, via_note: bool = False
) -> dict[int, list[InboundMedia]]:
    if not owner_ids:
        return {}
    query = select(owner, InboundMedia).join(
        InboundMessage, col(InboundMessage.id) == InboundMedia.inbound_id
    )
    if via_note:
        query = query.join(IncidentNote, col(IncidentNote.inbound_id) == InboundMessage.id)
    rows = session.exec(
        query.where(col(owner).in_(owner_ids)).order_by(
            col(InboundMedia.inbound_id), col(InboundMedia.position)
        )
    ).all()
    found: dict[int, list[InboundMedia]] = {}
    for owner_id, media in rows:
        found.setdefault(cast(int, owner_id), []).append(media)  # the join: the owner is set
    return found


def _one(media: list[InboundMedia], media_id: int) -> InboundMedia:
    for item in media:
        if item.id == media_id:
            return item
    raise NotFound("no such photo or file {id} (purged, or not this one's)", id=media_id)


def served_type(content_type: str) -> str:
    """The Content-Type we answer with: the type itself when browsers may show it inline from our
    origin, else opaque bytes to download."""
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in INLINE_TYPES else DOWNLOAD_TYPE


def shows_inline(content_type: str) -> bool:
    return served_type(content_type) != DOWNLOAD_TYPE


def is_photo(content_type: str) -> bool:
    """Whether a page may show it as an image (``<img>``) rather than a link."""
    return shows_inline(content_type) and served_type(content_type).startswith("image/")
