"""The vocabularies Avisa stores as short strings: typed once here, used by models, schemas and
OpenAPI. ``StrEnum`` members compare equal to their strings, so rows written as plain text by
earlier versions read back unchanged."""

from enum import IntEnum, StrEnum


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    RESOLVED = "resolved"
    EXPIRED = "expired"
    DISMISSED = "dismissed"
    MERGED = "merged"
    HELD = "held"  # a flood or a limited number: stored, shown to coordinators, nobody alerted


# Open for matching (more reports of a held flood join it) and for the expiry sweep.
OPEN_INCIDENT = (IncidentStatus.REPORTED, IncidentStatus.CONFIRMED, IncidentStatus.HELD)
# Open incidents someone was told about: what a responder's answer or note can refer to.
ALERTED_INCIDENT = (IncidentStatus.REPORTED, IncidentStatus.CONFIRMED)


class ReportStatus(StrEnum):
    LOCATED = "located"
    AWAITING_LOCATION = "awaiting_location"
    UNLOCATED = "unlocated"


class MessageKind(StrEnum):
    OPT_IN = "opt_in"
    ALERT = "alert"  # a new incident
    UPDATE = "update"  # a status change
    REPLY = "reply"  # answers to residents and commands
    BROADCAST = "broadcast"


class Lane(IntEnum):
    """What a text is for, in the order texts are handed to the provider: a lower lane never waits
    for a higher one's texts, and uses all the send rate they leave. Fixed when the text is stored
    (``core.outbox.lane_for``)."""

    FIRST = 0  # a new raid's first alert to its responders, and escalations
    RESPONDERS = 1  # legal aid, updates to responders, replies to whoever just texted
    COMMUNITY = 2  # confirmed raids, stand-downs and all-clears to community members
    BULK = 3  # broadcasts and opt-in confirmations


class BroadcastStatus(StrEnum):
    """How far a broadcast's texts are written (their delivery is counted from the texts)."""

    QUEUED = "queued"  # stored; a job writes its texts
    WRITING = "writing"
    WRITTEN = "written"  # every text stored and queued to send


class ImportStatus(StrEnum):
    QUEUED = "queued"  # stored; a job runs it
    RUNNING = "running"
    DONE = "done"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SKIPPED = "skipped"


class SubscriberRole(StrEnum):
    RESPONDER = "responder"
    LEGAL_AID = "legal_aid"
    COORDINATOR = "coordinator"
    COMMUNITY = "community"  # a resident who signed up by text: confirmed raids only


# Roles whose free text is a note on the incident they were alerted about, not a report.
RESPONDING_ROLES = (SubscriberRole.RESPONDER, SubscriberRole.LEGAL_AID)


class ReportFlag(StrEnum):
    """Why a report does not count towards corroboration (``AVISA_CONFIRM_REPORTERS``)."""

    LIMITED = "limited"  # its number went past the per-number limit
    HELD = "held"  # part of a held incident (a flood, a number's far second place)
    RESPONDER = "responder"  # sent by a responder or legal aid volunteer
    # Kept for coordinators, never a sighting (core.intent): they open no incident and alert
    # nobody; a question may sit on the open incident at its place, a past event on none.
    QUESTION = "question"  # "¿hay migra en South Gate?"
    PAST = "past"  # "la semana pasada se llevaron a dos": documentation of a past incident
    RUMOUR = "rumour"  # "van a hacer redadas en todas las escuelas el lunes"


# Reports that are no sighting: never a place, a count or a voice of any incident.
NOT_SIGHTING = (ReportFlag.QUESTION, ReportFlag.PAST, ReportFlag.RUMOUR)


class NoteKind(StrEnum):
    COORDINATOR = "coordinator"
    RESPONDER = "responder"  # a responder's own words, texted in


class SubscriberStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    OPTED_OUT = "opted_out"


class Language(StrEnum):
    ES = "es"
    EN = "en"


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    WHATSAPP = "whatsapp"  # Twilio's WhatsApp senders, same webhooks as SMS (core.channels)


class AlertCallStatus(StrEnum):
    """A phone call placed because an alert text could not reach a subscriber (core.alert_calls)."""

    PENDING = "pending"  # decided, not yet placed
    PLACING = "placing"  # claimed by a worker: never placed a second time
    PLACED = "placed"  # Twilio took it
    ANSWERED = "answered"  # the call was picked up and our TwiML asked
    ACKNOWLEDGED = "acknowledged"  # they pressed 1
    UNANSWERED = "unanswered"  # busy, no answer, failed, or hung up without pressing
    FAILED = "failed"  # could not be placed
    UNCERTAIN = "uncertain"  # Twilio may have placed it: not tried again


class AccessRole(StrEnum):
    """What an API key or a console user may do: each ranked role includes the ones below.

    ``legal_aid`` stands beside the ladder: it reads what a viewer reads, and besides it sees
    detention cases with their personal data (``core.cases``), which coordinators see without.
    """

    VIEWER = "viewer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    LEGAL_AID = "legal_aid"

    @property
    def rank(self) -> int:
        return 0 if self is AccessRole.LEGAL_AID else list(AccessRole).index(self)


class CaseStatus(StrEnum):
    """A detention case's states (``core.cases``): legal aid moves it forward; ``closed`` starts
    the clock of its purge."""

    NEW = "new"  # offered to legal aid, nobody took it yet
    TAKEN = "taken"
    IN_CONTACT = "in_contact"  # the owner reached the family
    LOCATED = "located"  # the person was found in a facility
    RELEASED = "released"
    DEPORTED = "deported"
    CLOSED = "closed"


OPEN_CASE = (
    CaseStatus.NEW,
    CaseStatus.TAKEN,
    CaseStatus.IN_CONTACT,
    CaseStatus.LOCATED,
    CaseStatus.RELEASED,
    CaseStatus.DEPORTED,
)
