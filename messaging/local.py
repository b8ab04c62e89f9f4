"""Development backend: nothing leaves the machine; texts are printed (numbers masked).

The outbox is the ``message`` table, served by ``GET /api/v1/messages``. A photo a local
"resident" sent (``avisa text --media FILE``) is held in ``LOCAL_MEDIA`` under the server's
folder, as ``<MessageSid>/<MediaSid>`` with its type beside it, and handed back as Twilio would.
"""

import re
import sys
import uuid
from pathlib import Path

from core.phones import mask
from messaging.provider import Fetched, PermanentSendError, Receipt

LOCAL_HOLDS_NOTHING = "local_backend"  # nothing was ever stored elsewhere to fetch
LOCAL_MEDIA = Path(".avisa") / "media"
_SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")


class LocalProvider:
    def __init__(self, stream=None):
        self._stream = stream

    def send(
        self, to: str, body: str, *, idempotency_key: str, content_sid: str | None = None
    ) -> Receipt:
        stream = self._stream or sys.stdout
        label = "💬 WhatsApp" if to.startswith("whatsapp:") else "📱 SMS"
        template = f" (template {content_sid})" if content_sid else ""
        print(
            f"{label} → {mask(to)}  [{idempotency_key}]{template}\n   {body}",
            file=stream,
            flush=True,
        )
        return Receipt(provider_sid="LO" + uuid.uuid4().hex, status="delivered")

    def place_call(self, to: str, url: str, *, idempotency_key: str) -> Receipt:
        stream = self._stream or sys.stdout
        print(f"📞 call → {mask(to)}  [{idempotency_key}]\n   {url}", file=stream, flush=True)
        return Receipt(provider_sid="LC" + uuid.uuid4().hex, status="queued")

    def fetch_media(self, message_sid: str, media_sid: str) -> Fetched:
        if _SID.match(message_sid) and _SID.match(media_sid):  # never a path of the caller's
            file = LOCAL_MEDIA / message_sid / media_sid
            kind = file.with_suffix(".type")
            if file.is_file() and kind.is_file():
                return Fetched(file.read_bytes(), kind.read_text().strip())
        raise PermanentSendError("the local backend holds no files", code=LOCAL_HOLDS_NOTHING)

    def fetch_recording(self, recording_sid: str) -> Fetched:
        raise PermanentSendError("the local backend holds no files", code=LOCAL_HOLDS_NOTHING)
