"""Request and response bodies of the coordinator API. Phone numbers leave only masked."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.phones import PhoneE164
from core.zones import validate_geometry

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Language = Literal["es", "en"]
ZipCode = Annotated[str, Field(pattern=r"^\d{5}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Strict):
    lat: Latitude
    lon: Longitude


class ZoneIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)]
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
    phone: PhoneE164
    name: Annotated[str, Field(min_length=1, max_length=120)]
    language: Language = "es"
    roles: list[Literal["responder", "legal_aid", "coordinator", "community"]] = Field(
        default_factory=lambda: ["responder"], min_length=1
    )
    zone_ids: list[int] = Field(default_factory=list)
    confirmed: bool = False
    channel: Literal["sms", "whatsapp"] = "sms"


class SubscriberPatch(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    language: Language | None = None
    roles: list[Literal["responder", "legal_aid", "coordinator", "community"]] | None = None
    zone_ids: list[int] | None = None
    status: Literal["opted_out"] | None = None
    channel: Literal["sms", "whatsapp"] | None = None


class SubscriberOut(BaseModel):
    id: int
    phone: str  # masked
    name: str
    language: str
    roles: list[str]
    status: str
    zone_ids: list[int]
    confirmed_in_person: bool
    flag: str | None
    created_at: datetime
    channel: str = "sms"


class ImportOut(BaseModel):
    created: int
    updated: int
    errors: list[dict]


class ReportOut(BaseModel):
    id: int
    channel: str
    language: str
    text: str
    status: str
    lat: float | None
    lon: float | None
    precision_m: float | None
    matched: str | None
    zip: str | None
    recording_url: str | None
    created_at: datetime


class IncidentOut(BaseModel):
    id: int
    status: str
    lat: float
    lon: float
    precision_m: float
    label: str | None
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
    reason: Annotated[str, Field(max_length=500)] = ""


class MessageOut(BaseModel):
    id: int
    subscriber_id: int | None
    incident_id: int | None
    kind: str
    to: str  # masked
    body: str
    status: str
    segments: int
    error_code: str | None
    created_at: datetime
    channel: str = "sms"


class PlaceIn(Strict):
    name: Annotated[str, Field(min_length=2, max_length=120)]
    aliases: list[Annotated[str, Field(min_length=2, max_length=120)]] = Field(default_factory=list)
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
    into: int


class SplitIn(Strict):
    report_ids: list[int] = Field(min_length=1)


class NoteIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class NoteOut(BaseModel):
    id: int
    incident_id: int
    author: str  # an API key's name, or subscriber:<id> for a responder's text
    text: str
    kind: str = "coordinator"  # coordinator | responder
    negative: bool = False  # a responder on scene saw nothing
    created_at: datetime


class DrillIn(Strict):
    zone_id: int
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
