"""TwiML documents, built with the twilio SDK (it escapes text and keeps UTF-8)."""

from twilio.twiml.messaging_response import MessagingResponse


def sms_reply(text: str | None) -> str:
    """A reply to the texter, or the empty ``<Response/>`` (no reply) when ``text`` is None."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
