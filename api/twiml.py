"""TwiML documents as HTTP responses (Twilio wants an XML content type, never an empty 200)."""

from fastapi import Response


def xml_response(document: str) -> Response:
    return Response(content=document, media_type="application/xml")
