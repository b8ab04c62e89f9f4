"""Request and response bodies of the coordinator API. Phone numbers leave only masked, also
inside free text (``core.phones.mask_numbers_in``), so a number a resident typed into a report
never reaches an answer.

Every id a client sends is an ``Id`` and every string a ``Text``: the database's limits
(PostgreSQL's 32-bit integer, its refusal of NUL) are checked here, as a 422, not met as a 500.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from core.enums import (
    AccessRole,
    BroadcastStatus,
    Channel,
    ImportStatus,
    IncidentStatus,
    Language,
    MessageKind,
    MessageStatus,
    NoteKind,
    ReportFlag,
    ReportStatus,
    SubscriberRole,
    SubscriberStatus,
)
from core.inbound import CONTROL_CHARS
from core.incidents import NOTE_MAX
from core.models import InboundMedia
from core.phones import mask_numbers_in, normalize
from core.subscribers import NAME_MAX
from core.zones import validate_geometry

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider, and the API keeps to the narrower
# A row id: path, query or body. Out of range is a 422, never a database overflow.
Id = Annotated[int, Ge(1), Le(MAX_ID)]


def _no_controls(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("must not contain control characters (NUL, ESC …)")
    return value


# Any string a client sends: tabs and line breaks are text, other control characters are not.
Text = Annotated[
    str,
    AfterValidator(_no_controls),
    Field(json_schema_extra={"pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"}),
]
# Free text that may quote a phone number (a report, a note): masked on the way out.
MaskedText = Annotated[str, BeforeValidator(lambda v: mask_numbers_in(v) if v else v)]

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
ZipCode = Annotated[Text, Field(pattern=r"^\d{5}$")]
Name = Annotated[Text, Field(min_length=1, max_length=NAME_MAX)]
# The vocabularies are core's (``core.enums``), never restated here: a value core adds is one the
# API takes and documents.
SubscriberChannel = Literal[Channel.SMS, Channel.WHATSAPP]  # a subscriber is texted, never called


class Problem(BaseModel):
    """Every error answer: a sentence, or (422 from validation) the list of what was wrong."""

    detail: str | list[dict[str, Any]]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a router: each error it may answer, documented in the OpenAPI schema."""
    what = {
        400: "The body cannot be read (not UTF-8 JSON, or not the UTF-8 CSV an import takes)",
        401: "Missing, unknown or revoked API key",
        403: "The key's role may not do this",
        404: "No such row",
        409: "The request clashes with the current state",
        422: "Invalid input; the detail names the field",
        503: "A dependency is down",
    }
    return {code: {"model": Problem, "description": what[code]} for code in codes}


# The answers every coordinator route may give besides its own.
API_ERRORS = problems(400, 401, 403, 404, 409, 422)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Strict):
    lat: Latitude
    lon: Longitude


class ZoneIn(Strict):
    name: Annotated[Text, Field(min_length=1, max_length=120)]
    zips: list[ZipCode] | None = None
    center: Point | None = None
    radius_m: Annotated[float, Field(gt=0, le=100_000)] | None = None
    geometry: dict | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> "ZoneIn":
        shapes = [
            self.zips is not None,
            self.center is not None or self.radius_m is not None,
            self.geometry is not None,
        ]
        if sum(shapes) != 1:
            raise ValueError("give exactly one of: zips, center + radius_m, geometry")
        if self.zips is not None and not self.zips:
            raise ValueError("zips must not be empty")
        if (self.center is None) != (self.radius_m is None):
            raise ValueError("center and radius_m go together")
        if self.geometry is not None:
            validate_geometry(self.geometry)
        return self


class ZoneOut(BaseModel):
    id: int
    name: str
    zips: list[str] | None
    center: Point | None
    radius_m: float | None
    geometry: dict | None
    created_at: datetime


class SubscriberIn(Strict):
    phone: Annotated[Text, Field(max_length=64), AfterValidator(normalize)]
    name: Name
    language: Language = Language.ES
    roles: list[SubscriberRole] = Field(
        default_factory=lambda: [SubscriberRole.RESPONDER], min_length=1, max_length=4
    )
    zone_ids: list[Id] = Field(default_factory=list, max_length=1000)
    confirmed: bool = False
    channel: SubscriberChannel = Channel.SMS


class SubscriberPatch(Strict):
    name: Name | None = None
    language: Language | None = None
    roles: list[SubscriberRole] | None = Field(default=None, min_length=1, max_length=4)
    zone_ids: list[Id] | None = Field(default=None, max_length=1000)
    status: Literal[SubscriberStatus.OPTED_OUT] | None = None
    channel: SubscriberChannel | None = None


class SubscriberOut(BaseModel):
    id: int
    phone: str  # masked
    name: str
    language: Language
    roles: list[SubscriberRole]
    status: SubscriberStatus
    zone_ids: list[int]
    confirmed_in_person: bool
    flag: str | None
    created_at: datetime
    channel: Channel = Channel.SMS


class ImportOut(BaseModel):
    created: int
    updated: int
    errors: list[dict]


class ImportJobOut(ImportOut):
    """An import run by a worker: its progress, then its result."""

    id: int
    status: ImportStatus
    rows: int = Field(description="rows of the file after its header")
    processed: int = Field(description="rows read so far")
    created_at: datetime
    finished_at: datetime | None


# A photo, clip or recording answered as its own bytes (``messaging.media``), not JSON.
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file's bytes", "content": {"application/octet-stream": {}}}
}


class MediaOut(BaseModel):
    """A photo or clip the resident sent; ``url`` is Avisa's own (coordinators only), never the
    provider's."""

    id: int
    content_type: str
    url: str

    @classmethod
    def of(cls, item: InboundMedia, owner_path: str) -> "MediaOut":
        """``owner_path``: the report's or note's API path, e.g. ``/api/v1/reports/7``."""
        return cls(
            id=cast(int, item.id),  # a stored row
            content_type=item.content_type,
            url=f"{owner_path}/media/{item.id}",
        )


class ReportOut(BaseModel):
    id: int
    channel: Channel
    language: Language
    text: MaskedText
    status: ReportStatus
    lat: float | None
    lon: float | None
    precision_m: float | None
    matched: MaskedText | None
    zip: str | None
    recording_url: str | None
    # Why it corroborates nothing: limited, held, responder; or no sighting at all — question,
    # past (documentation of a past incident), rumour — shown, never alerting.
    flag: ReportFlag | None = None
    incident_id: int | None = None
    created_at: datetime
    media: list[MediaOut] = []


class IncidentOut(BaseModel):
    id: int
    status: IncidentStatus
    lat: float
    lon: float
    precision_m: float
    label: MaskedText | None
    zip: str | None
    report_count: int
    reporter_count: int  # distinct residents whose word counts towards confirmation
    negative_count: int = 0  # responders on scene who saw nothing
    first_seen: datetime
    last_seen: datetime
    confirmed_at: datetime | None
    closed_at: datetime | None
    drill: bool = False


class IncidentDetail(IncidentOut):
    reports: list[ReportOut]


class ActionIn(Strict):
    reason: Annotated[Text, Field(max_length=500)] = ""


class MessageOut(BaseModel):
    id: int
    subscriber_id: int | None
    incident_id: int | None
    kind: MessageKind
    to: str  # masked
    # Not masked: Avisa's own words (the catalogue, a coordinator's broadcast) never quote a
    # resident, and the numbers they do hold are public ones people must be able to read
    # (AVISA_LEGAL_AID_LINE).
    body: str
    status: MessageStatus
    segments: int
    error_code: str | None
    created_at: datetime
    channel: Channel = Channel.SMS


class PlaceIn(Strict):
    name: Annotated[Text, Field(min_length=2, max_length=120)]
    aliases: list[Annotated[Text, Field(min_length=2, max_length=120)]] = Field(
        default_factory=list, max_length=50
    )
    lat: Latitude
    lon: Longitude
    precision_m: Annotated[float, Field(gt=0, le=10_000)] = 100.0

    @field_validator("aliases")
    @classmethod
    def _unique(cls, aliases: list[str]) -> list[str]:
        return list(dict.fromkeys(a.strip() for a in aliases))


class PlaceOut(PlaceIn):
    model_config = ConfigDict(extra="ignore")
    id: int


class MergeIn(Strict):
    into: Id


class SplitIn(Strict):
    report_ids: list[Id] = Field(min_length=1, max_length=1000)


class NoteIn(Strict):
    text: Annotated[Text, Field(min_length=1, max_length=NOTE_MAX)]


class NoteOut(BaseModel):
    id: int
    incident_id: int
    author: str  # an API key's name, or subscriber:<id> for a responder's text
    text: MaskedText
    kind: NoteKind = NoteKind.COORDINATOR
    negative: bool = False  # a responder on scene saw nothing
    created_at: datetime
    media: list[MediaOut] = []  # photos a responder texted from the scene


class ApiKeyIn(Strict):
    name: Annotated[Text, Field(min_length=1, max_length=120)]
    role: AccessRole


class ApiKeyOut(BaseModel):
    """A key as listed: never its secret (only its hash is stored)."""

    id: int
    name: str
    role: AccessRole
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="the secret: shown in this answer only, store it now")


class AuditOut(BaseModel):
    id: int
    actor: str
    action: str
    target: str
    detail: MaskedText | None
    created_at: datetime


BroadcastText = Annotated[Text, Field(min_length=1, max_length=640)]


class BroadcastBody(Strict):
    """The text in each language; a subscriber whose language is missing gets the other."""

    es: BroadcastText | None = None
    en: BroadcastText | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> "BroadcastBody":
        if not ((self.es or "").strip() or (self.en or "").strip()):
            raise ValueError("body: give the text in es, en or both")
        return self


class BroadcastIn(Strict):
    zone_ids: list[Id] = Field(min_length=1, max_length=1000)
    roles: list[SubscriberRole] = Field(
        default_factory=lambda: [SubscriberRole.RESPONDER], min_length=1, max_length=3
    )
    body: BroadcastBody
    preview: bool = False


class BroadcastPreview(BaseModel):
    recipients: int
    segments: int = Field(description="SMS segments all recipients together would cost")


class BroadcastOut(BaseModel):
    id: int
    actor: str
    zone_ids: list[int]
    roles: list[SubscriberRole]
    body: dict[str, str]
    recipients: int
    segments: int
    delivery: dict[MessageStatus, int] = Field(description="the broadcast's texts by status")
    created_at: datetime
    status: BroadcastStatus = Field(
        BroadcastStatus.WRITTEN,
        description="queued: a job will write its texts; writing; written: all stored and queued",
    )
    stored: int = Field(0, description="texts written so far (of recipients)")


class DrillIn(Strict):
    zone_id: Id
    place: Annotated[str, Field(min_length=2, max_length=120)] | None = None
    full: bool = False  # legal aid and escalation too, as in a raid


class DrillOut(BaseModel):
    """What a drill measured; ``*_ack_s`` are seconds from a responder's alert to their answer."""

    id: int
    incident_id: int
    zone_id: int
    full: bool
    status: str
    started_at: datetime
    sent: int
    delivered: int
    failed: int
    acknowledged: int
    confirmed: int
    on_my_way: int
    first_ack_s: float | None
    median_ack_s: float | None
