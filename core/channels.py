"""Which channel a text travels on: SMS or WhatsApp, both through Twilio's Messaging API.

An address is ``+13235550101`` (SMS) or ``whatsapp:+13235550101``. The number itself is the person:
inbound messages store the E.164 part (sealed) with its channel beside it, and the blind index is
of the E.164 part, so one person writing on both channels is one reporter.

WhatsApp's rule (Twilio enforces it with error 63016): a business may write freely only within
24 hours of the person's last message to us; outside that window only an approved template may go
out. So a WhatsApp subscriber's text goes (``route``):

    their last WhatsApp message < 24 h ago              → WhatsApp, as written
    else an approved template set for the text's kind   → WhatsApp, ``content_sid``, text as {{1}}
    else                                                → SMS to the same number
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from core.clock import now
from core.enums import Channel, MessageKind
from core.models import InboundMessage, Subscriber
from core.settings import Settings

WHATSAPP_PREFIX = "whatsapp:"
WINDOW = timedelta(hours=24)
MESSAGING = (Channel.SMS, Channel.WHATSAPP)  # the channels texts travel on (not voice)


def parse(address: str) -> tuple[Channel, str]:
    """``whatsapp:+1…`` → (WHATSAPP, ``+1…``); anything else is an SMS address, unchanged."""
    address = address.strip()
    if address.lower().startswith(WHATSAPP_PREFIX):
        return Channel.WHATSAPP, address[len(WHATSAPP_PREFIX) :].strip()
    return Channel.SMS, address


def number(address: str) -> str:
    """The phone number of an address (its E.164 part)."""
    return parse(address)[1]


def address(channel: str, e164: str) -> str:
    """Where to send: ``whatsapp:+1…`` on WhatsApp, the number itself otherwise."""
    return f"{WHATSAPP_PREFIX}{e164}" if channel == Channel.WHATSAPP and e164 else e164


@dataclass(frozen=True)
class Route:
    channel: Channel = Channel.SMS
    content_sid: str | None = None  # an approved WhatsApp template (HX…), outside the window


def route(session: Session, settings: Settings, subscriber: Subscriber, kind: str) -> Route:
    """The channel (and template) of a ``kind`` text to ``subscriber`` now; see the module doc."""
    if subscriber.channel != Channel.WHATSAPP:
        return Route()
    if window_open(session, subscriber.phone_hash):
        return Route(Channel.WHATSAPP)
    template = {
        MessageKind.ALERT: settings.whatsapp_template_alert,
        MessageKind.UPDATE: settings.whatsapp_template_update,
    }.get(MessageKind(kind), "")
    return Route(Channel.WHATSAPP, template) if template else Route()


def window_open(session: Session, phone_hash: str) -> bool:
    """They wrote to us on WhatsApp within the last 24 hours."""
    query = select(InboundMessage.id).where(
        InboundMessage.from_hash == phone_hash,
        InboundMessage.channel == Channel.WHATSAPP,
        col(InboundMessage.received_at) >= now() - WINDOW,
    )
    return session.exec(query.limit(1)).first() is not None
