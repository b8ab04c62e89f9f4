"""Avisa's tables. Phone numbers appear only as ``*_enc`` (Fernet) and ``*_hash`` (HMAC blind
index).

Times are timezone-aware UTC (``core.clock.now``). Statuses, kinds, roles, languages and channels
are the ``StrEnum``s of ``core.enums``, stored as short strings (``Vocab``) so migrations stay
portable (SQLite, PostgreSQL) and a new member needs no schema change.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import AutoString, Field, SQLModel

from core.clock import now
from core.enums import (
    AccessRole,
    AlertCallStatus,
    BroadcastStatus,
    CaseStatus,
    Channel,
    ImportStatus,
    IncidentStatus,
    Lane,
    Language,
    MessageKind,
    MessageStatus,
    NoteKind,
    ReportFlag,
    ReportStatus,
    SubscriberStatus,
)

Vocab = AutoString  # the column type of every StrEnum field: a plain string in the database


class ApiKey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: AccessRole = Field(sa_type=Vocab)
    key_hash: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=now)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None  # to the minute (core.apikeys.TOUCH_EVERY)


class Zone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    zips: list[str] | None = Field(default=None, sa_column=Column(JSON))
    center_lat: float | None = None
    center_lon: float | None = None
    radius_m: float | None = None
    geometry: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=now)


class Subscriber(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phone_enc: str = Field(sa_column=Column(Text, nullable=False))
    phone_hash: str = Field(unique=True, index=True)
    name: str
    language: Language = Field(default=Language.ES, sa_type=Vocab)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: SubscriberStatus = Field(default=SubscriberStatus.PENDING, sa_type=Vocab, index=True)
    confirmed_in_person: bool = False
    channel: Channel = Field(default=Channel.SMS, sa_type=Vocab)  # where alerts go: sms, whatsapp
    flag: str | None = None  # why a coordinator should look: invalid number, landline …
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class SubscriberZone(SQLModel, table=True):
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True, ondelete="CASCADE")
    zone_id: int = Field(foreign_key="zone.id", primary_key=True, ondelete="CASCADE", index=True)


class InboundMessage(SQLModel, table=True):
    """A text or call as the provider delivered it, stored before anything else happens."""

    id: int | None = Field(default=None, primary_key=True)
    provider_sid: str = Field(unique=True)
    channel: Channel = Field(default=Channel.SMS, sa_type=Vocab)
    from_enc: str | None = Field(default=None, sa_column=Column(Text))
    from_hash: str = Field(index=True)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(default_factory=now, index=True)
    enqueued_at: datetime | None = None
    processed_at: datetime | None = Field(default=None, index=True)
    outcome: str | None = None  # report, followup, command:<name>, ignored
    report_id: int | None = Field(default=None, foreign_key="report.id", index=True)
    media_count: int = 0  # photos or clips that came with it (InboundMedia), read by routing


class InboundMedia(SQLModel, table=True):
    """A photo, video or sound clip a resident sent with a message (MMS, WhatsApp). Only the
    provider's reference is kept: the file stays there, is fetched through Avisa for a signed-in
    coordinator (``messaging.media``) and deleted there by the purge (``core.privacy``). It belongs
    to the report its message joined (``InboundMessage.report_id``)."""

    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    position: int  # Twilio's N in MediaUrlN
    message_sid: str
    media_sid: str = Field(unique=True)
    content_type: str
    received_at: datetime = Field(default_factory=now, index=True)


class Report(SQLModel, table=True):
    """What one resident told us about one sighting; may span several inbound messages."""

    id: int | None = Field(default=None, primary_key=True)
    channel: Channel = Field(default=Channel.SMS, sa_type=Vocab)
    reporter_hash: str = Field(index=True)
    language: Language = Field(default=Language.ES, sa_type=Vocab)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: ReportStatus = Field(default=ReportStatus.LOCATED, sa_type=Vocab)
    awaiting_until: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    precision_m: float | None = None
    geo_source: str | None = None
    geo_kind: str | None = None
    matched: str | None = None
    zip: str | None = None
    recording_url: str | None = None
    flag: ReportFlag | None = Field(default=None, sa_type=Vocab)  # set: it corroborates nothing
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now, index=True)


class Incident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    status: IncidentStatus = Field(default=IncidentStatus.REPORTED, sa_type=Vocab, index=True)
    lat: float = Field(index=True)
    lon: float = Field(index=True)
    precision_m: float
    label: str | None = None  # how residents named the place, e.g. "Pacific / Florence"
    zip: str | None = None
    report_count: int = 0
    reporter_count: int = 0
    first_seen: datetime = Field(default_factory=now)
    last_seen: datetime = Field(default_factory=now, index=True)
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None
    escalated_at: datetime | None = None
    merged_into: int | None = None
    drill: bool = False  # a rehearsal (core.drills): never a real incident in lists or metrics
    negative_count: int = 0  # responders on scene who texted that they see nothing


class IncidentNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    author: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=now)
    kind: NoteKind = Field(default=NoteKind.COORDINATOR, sa_type=Vocab)
    negative: bool = False  # a responder on scene saw nothing
    # A responder's texted note: the message it came in, whose photos it shows (InboundMedia).
    inbound_id: int | None = Field(default=None, foreign_key="inboundmessage.id")


class Acknowledgement(SQLModel, table=True):
    """A responder's answer to an alert: confirm, false, on_my_way, clear."""

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    action: str
    created_at: datetime = Field(default_factory=now)


class Alert(SQLModel, table=True):
    """One decision to tell an audience about an incident; fanned out into Messages."""

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    reason: str  # new, confirmed, dismissed, resolved, held, escalated, broadcast
    audience: str  # responders, legal_aid, alerted, escalation, broadcast
    created_at: datetime = Field(default_factory=now)
    dispatched_at: datetime | None = None


class Message(SQLModel, table=True):
    """Every outbound text. ``dedupe_key`` makes each one exist once however often a job re-runs."""

    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_message_dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str
    kind: MessageKind = Field(sa_type=Vocab)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    to_enc: str | None = Field(default=None, sa_column=Column(Text))
    to_hash: str = Field(index=True)
    language: Language = Field(default=Language.ES, sa_type=Vocab)
    body: str = Field(sa_column=Column(Text, nullable=False))
    segments: int = 1
    status: MessageStatus = Field(default=MessageStatus.PENDING, sa_type=Vocab, index=True)
    channel: Channel = Field(default=Channel.SMS, sa_type=Vocab)  # sms or whatsapp (core.channels)
    content_sid: str | None = None  # an approved WhatsApp template sent instead of the body
    lane: int = Lane.RESPONDERS  # core.enums.Lane, fixed when stored (core.outbox.lane_for)
    provider_sid: str | None = Field(default=None, unique=True)
    attempts: int = 0
    claimed_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    created_at: datetime = Field(default_factory=now, index=True)
    sent_at: datetime | None = None
    updated_at: datetime = Field(default_factory=now)


class Place(SQLModel, table=True):
    """A coordinator-added place or alias ("el Home Depot de Slauson")."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    lat: float
    lon: float
    precision_m: float = 100.0
    created_at: datetime = Field(default_factory=now)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor: str
    action: str
    target: str
    detail: str | None = None
    created_at: datetime = Field(default_factory=now)


class Broadcast(SQLModel, table=True):
    """A coordinator's text to every active subscriber of some zones and roles; its texts are
    Messages of kind ``broadcast`` with dedupe keys ``broadcast:<id>:<subscriber>``."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str
    zone_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    body_es: str | None = Field(default=None, sa_column=Column(Text))
    body_en: str | None = Field(default=None, sa_column=Column(Text))
    recipients: int = 0
    segments: int = 0  # all recipients' texts together
    status: BroadcastStatus = Field(default=BroadcastStatus.WRITTEN, sa_type=Vocab)
    created_at: datetime = Field(default_factory=now, index=True)


class SubscriberImport(SQLModel, table=True):
    """A CSV import answered at once and run by a job (``core.subscribers.queue_import``). The
    file is kept sealed (it holds phone numbers) only until the job has read it."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str
    allow_confirmed: bool = False
    csv_enc: str | None = Field(default=None, sa_column=Column(Text))
    status: ImportStatus = Field(default=ImportStatus.QUEUED, sa_type=Vocab)
    rows: int = 0  # lines of the file after its header (blank ones included)
    processed: int = 0  # rows read so far
    created: int = 0
    updated: int = 0
    errors: list[dict[str, int | str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=now, index=True)
    finished_at: datetime | None = None


class VoiceCall(SQLModel, table=True):
    """One phone call's answers until it becomes an InboundMessage (then kept until the purge)."""

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(unique=True)
    language: Language = Field(default=Language.ES, sa_type=Vocab)
    place_text: str | None = Field(default=None, sa_column=Column(Text))  # as recognised, unedited
    digits: str | None = None  # a ZIP typed on the keypad
    description: str | None = Field(default=None, sa_column=Column(Text))
    recording_url: str | None = Field(default=None, sa_column=Column(Text))
    speech_failures: int = 0
    finalised_at: datetime | None = None
    created_at: datetime = Field(default_factory=now, index=True)


# The coordinators' console. Named people, their sessions, and failed sign-ins (lockout).


class ConsoleUser(SQLModel, table=True):
    """A person who signs in to the console; ``password_hash`` is argon2id (``core.users``)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    role: str  # AccessRole: viewer, coordinator, admin
    language: str = "es"
    password_hash: str
    created_at: datetime = Field(default_factory=now)
    disabled_at: datetime | None = None


class ConsoleSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    user_id: int = Field(foreign_key="consoleuser.id", index=True, ondelete="CASCADE")
    csrf_token: str
    created_at: datetime = Field(default_factory=now)
    expires_at: datetime
    revoked_at: datetime | None = None


class ConsoleSignInAttempt(SQLModel, table=True):
    """One console sign-in attempt, stored and committed before its password is checked, so that
    parallel attempts see each other (``core.users``). The name is kept only as a SHA-256 (people
    type passwords and phone numbers into the name field), the client only as the keyed hash the
    console gives."""

    id: int | None = Field(default=None, primary_key=True)
    username_hash: str = Field(index=True)
    client_hash: str = Field(index=True)
    state: str = "reserved"  # reserved → checking → failed | ok; or refused, never checked
    clean: bool = False  # its client had no failure in the window when it was tried
    created_at: datetime = Field(default_factory=now, index=True)
    # When its check began: under load a request may wait seconds between being written and being
    # checked, so the one-check-per-delay rule spaces checks by this, not by ``created_at``.
    checked_at: datetime | None = None


class Drill(SQLModel, table=True):
    """A rehearsal a coordinator started: one synthetic incident sent down a zone's real chain."""

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", unique=True)
    zone_id: int = Field(foreign_key="zone.id", index=True)
    full: bool = False  # legal aid and escalation fire too, as in a real raid
    actor: str
    created_at: datetime = Field(default_factory=now)


class AlertCall(SQLModel, table=True):
    """A call placed because an alert or update text came back unreachable (core.alert_calls).

    One per message, ever: ``message_id`` is unique and the worker claims the row before dialling.
    """

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", unique=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    error_code: str | None = None  # the text's reachability error that caused the call
    status: AlertCallStatus = Field(default=AlertCallStatus.PENDING, sa_type=Vocab, index=True)
    call_sid: str | None = Field(default=None, unique=True)
    attempts: int = 0
    detail: str | None = None
    created_at: datetime = Field(default_factory=now, index=True)
    placed_at: datetime | None = None
    acknowledged_at: datetime | None = None


class DetentionCase(SQLModel, table=True):
    """A family's report that someone was taken, and legal aid's work on it (``core.cases``).

    Everything that names or places the person, and the family's numbers, is sealed with the
    phone vault (``*_enc``); the family is found again by the blind index of their number. The
    purge (``core.case_privacy.purge``) erases all of it ``AVISA_CASE_PURGE_DAYS`` after it closes.
    """

    __tablename__ = "detention_case"

    id: int | None = Field(default=None, primary_key=True)
    source_sid: str = Field(unique=True)  # the text or call that opened it: once per Sid
    status: CaseStatus = Field(default=CaseStatus.NEW, sa_type=Vocab, index=True)
    language: Language = Field(default=Language.ES, sa_type=Vocab)
    channel: Channel = Field(default=Channel.SMS, sa_type=Vocab)  # how the family reached us
    family_enc: str | None = Field(default=None, sa_column=Column(Text))  # a channel address
    family_hash: str = Field(index=True)
    step: str = "done"  # the question the family was last asked (core.detention), or done
    step_until: datetime | None = None  # past this, their next text is no answer
    name_enc: str | None = Field(default=None, sa_column=Column(Text))
    birth_enc: str | None = Field(default=None, sa_column=Column(Text))  # birth date or A-number
    place_enc: str | None = Field(default=None, sa_column=Column(Text))
    taken_enc: str | None = Field(default=None, sa_column=Column(Text))  # when, in their words
    contact_enc: str | None = Field(default=None, sa_column=Column(Text))
    facility_enc: str | None = Field(default=None, sa_column=Column(Text))
    lat: float | None = None
    lon: float | None = None
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    zone_id: int | None = Field(default=None, foreign_key="zone.id", index=True)
    owner_subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    owner: str | None = None  # who took it: subscriber:<id>, user:<name> or apikey:<name>
    offered_at: datetime | None = Field(default=None, index=True)
    escalated_at: datetime | None = None
    taken_at: datetime | None = None
    closed_at: datetime | None = Field(default=None, index=True)
    purged_at: datetime | None = None
    created_at: datetime = Field(default_factory=now, index=True)
    updated_at: datetime = Field(default_factory=now)


class CaseEntry(SQLModel, table=True):
    """One line of a case's story: a note, a text from the family, a reply to them. Its words are
    sealed like the case's."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="detention_case.id", index=True)
    kind: str  # note, family, reply, status
    author: str
    text_enc: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=now)
