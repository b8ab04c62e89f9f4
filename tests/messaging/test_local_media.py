"""The local backend hands back a photo a local "resident" left for it (``avisa text --media``),
and nothing else: a SID that is not one can never name a path."""

import pytest

from messaging.local import LOCAL_MEDIA, LocalProvider
from messaging.provider import PermanentSendError

MM, ME = "MM" + "a" * 32, "ME" + "b" * 32


def test_a_held_photo_is_handed_back_with_its_type(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / LOCAL_MEDIA / MM
    folder.mkdir(parents=True)
    (folder / ME).write_bytes(b"\x89PNG")
    (folder / ME).with_suffix(".type").write_text("image/png")
    fetched = LocalProvider().fetch_media(MM, ME)
    assert (fetched.content, fetched.content_type) == (b"\x89PNG", "image/png")


@pytest.mark.parametrize("message, media", [(MM, "ME" + "c" * 32), ("../../etc", "passwd")])
def test_anything_else_is_held_by_nobody(tmp_path, monkeypatch, message, media):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PermanentSendError):
        LocalProvider().fetch_media(message, media)
