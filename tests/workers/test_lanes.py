"""Lanes: a text's lane is fixed when it is stored (``core.outbox``), and the workers hand texts to
the provider lane by lane — a new raid's first alert never waits behind a confirmed raid's
community texts or a broadcast. Functional, not timed: the order of hand-overs is what counts."""

import threading

import pytest
from sqlmodel import select

from core import channels
from core.db import session_scope
from core.enums import Channel, Lane, Language, MessageKind
from core.models import Message, Subscriber
from core.outbox import Draft, add_messages, lane_for
from core.phones import vault_for
from core.settings import get_settings
from messaging.local import LocalProvider
from tests.conftest import InProcessWorker
from workers import dispatch
from workers.effects import carry_out
from workers.queues import ALL_QUEUES, enqueue_lanes, queue


def _subscribers(engine, n: int, *, roles: list[str], start: int = 0, **extra) -> list[int]:
    vault = vault_for(get_settings().secret_key)
    with session_scope(engine) as session:
        rows = []
        for i in range(start, start + n):
            e164 = f"+1213555{i:04d}"
            rows.append(
                Subscriber(
                    phone_enc=vault.seal(e164),
                    phone_hash=vault.index(e164),
                    name=f"S{i}",
                    roles=roles,
                    status="active",
                    **extra,
                )
            )
        session.add_all(rows)
        session.flush()
        return [s.id for s in rows]


def _store(engine, subscriber_ids: list[int], *, kind: str, tag: str, lane: Lane) -> list[int]:
    with session_scope(engine) as session:
        drafts = [
            Draft(
                dedupe_key=f"{tag}:{i}",
                kind=MessageKind(kind),
                body=f"{tag} text",
                language=Language.ES,
                segments=1,
                subscriber=session.get(Subscriber, i),
                lane=lane,
            )
            for i in subscriber_ids
        ]
        stored = add_messages(
            session, vault_for(get_settings().secret_key), drafts, settings=get_settings()
        )
        return [m.id for m in stored]


def test_each_text_gets_its_lane_from_what_it_is_for():
    responder = Subscriber(phone_enc="x", phone_hash="h", roles=["responder"])
    neighbour = Subscriber(phone_enc="x", phone_hash="h", roles=["community"])
    assert lane_for("alert", audience="responders", subscriber=responder) is Lane.FIRST
    assert lane_for("alert", audience="escalation", subscriber=responder) is Lane.FIRST
    assert lane_for("alert", audience="legal_aid", subscriber=responder) is Lane.RESPONDERS
    assert lane_for("update", audience="responders", subscriber=responder) is Lane.RESPONDERS
    assert lane_for("update", audience="alerted", subscriber=responder) is Lane.RESPONDERS
    assert lane_for("alert", audience="community", subscriber=neighbour) is Lane.COMMUNITY
    assert lane_for("update", audience="alerted", subscriber=neighbour) is Lane.COMMUNITY
    assert lane_for("reply", subscriber=neighbour) is Lane.RESPONDERS
    assert lane_for("broadcast", subscriber=responder) is Lane.BULK
    assert lane_for("opt_in", subscriber=neighbour) is Lane.BULK


def test_a_big_broadcast_reaches_whatsapp_subscribers_on_whatsapp(db, monkeypatch):
    """The batch path (above 20 texts) routes each subscriber's channel like a single text."""
    monkeypatch.setattr(channels, "window_open", lambda session, phone_hash: True)
    ids = _subscribers(db, 25, roles=["community"], channel=Channel.WHATSAPP)
    from core.broadcasts import BroadcastRequest, send
    from core.models import SubscriberZone, Zone

    with session_scope(db) as session:
        zone = Zone(name="Z", zips=["90255"])
        session.add(zone)
        session.flush()
        session.add_all(SubscriberZone(subscriber_id=i, zone_id=zone.id) for i in ids)
        zone_id = zone.id
    with session_scope(db) as session:
        request = BroadcastRequest(zone_ids=(zone_id,), roles=("community",), body={"es": "hola"})
        _, decisions = send(session, request, actor="t", segments_of=lambda lang, text: 1)
        assert len(decisions.texts) > 20
        carry_out(session, decisions)
    with session_scope(db) as session:
        stored = session.exec(select(Message)).all()
    assert len(stored) == 25
    assert {m.channel for m in stored} == {Channel.WHATSAPP}
    assert {m.lane for m in stored} == {Lane.BULK}


class RecordingProvider(LocalProvider):
    """Records the order of hand-overs; at the ``trigger``-th one, runs ``on_trigger`` (a raid
    arriving mid-broadcast) before answering."""

    def __init__(self, trigger: int, on_trigger):
        super().__init__(stream=open("/dev/null", "w"))  # noqa: SIM115 — closed with the process
        self.order: list[int] = []
        self.trigger_at: int | None = None
        self._trigger, self._on_trigger = trigger, on_trigger
        self._lock = threading.Lock()

    def send(self, to, body, *, idempotency_key, content_sid=None):
        with self._lock:
            self.order.append(int(idempotency_key))
            fire = len(self.order) == self._trigger
        if fire:
            self._on_trigger()
            with self._lock:  # from here on the raids' texts are queued
                self.trigger_at = len(self.order)
        return super().send(to, body, idempotency_key=idempotency_key, content_sid=content_sid)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_new_raid_goes_first_whatever_is_being_sent(db, redis, monkeypatch, concurrency):
    monkeypatch.setenv("AVISA_SEND_CONCURRENCY", str(concurrency))
    get_settings.cache_clear()
    bulk_to = _subscribers(db, 200, roles=["community"])
    community_to = _subscribers(db, 60, roles=["community"], start=1000)
    updates_to = _subscribers(db, 20, roles=["legal_aid"], start=2000)
    first_to = _subscribers(db, 5, roles=["responder"], start=3000)
    bulk = _store(db, bulk_to, kind="broadcast", tag="b", lane=Lane.BULK)
    enqueue_lanes((i, Lane.BULK) for i in bulk)
    later: dict[str, list[int]] = {}

    def raids_arrive() -> None:
        # A confirmed raid's community texts and its legal aid alerts are stored first, then a
        # second raid's first alerts: the last come first all the same.
        later["community"] = _store(db, community_to, kind="alert", tag="c", lane=Lane.COMMUNITY)
        later["responders"] = _store(db, updates_to, kind="alert", tag="l", lane=Lane.RESPONDERS)
        later["first"] = _store(db, first_to, kind="alert", tag="f", lane=Lane.FIRST)
        enqueue_lanes(
            [(i, Lane.COMMUNITY) for i in later["community"]]
            + [(i, Lane.RESPONDERS) for i in later["responders"]]
            + [(i, Lane.FIRST) for i in later["first"]]
        )

    provider = RecordingProvider(30, raids_arrive)
    monkeypatch.setattr(dispatch, "get_provider", lambda settings: provider)
    worker = InProcessWorker([queue(name, redis) for name in ALL_QUEUES], connection=redis)
    while any(queue(name, redis).count for name in ALL_QUEUES):
        worker.work(burst=True, logging_level="WARNING")

    order = provider.order
    assert sorted(order) == sorted(bulk + sum(later.values(), []))  # each once, none lost
    after = order[provider.trigger_at :]
    position = {message_id: n for n, message_id in enumerate(after)}
    # Texts of the broadcast already holding a token when the raids arrived may still leave
    # (at most one per sending thread); nothing of a lower lane after that until a lane is done.
    in_flight = concurrency
    first_done = max(position[i] for i in later["first"])
    responders_done = max(position[i] for i in later["responders"])
    community_done = max(position[i] for i in later["community"])
    lower_before_first = [i for i in after[:first_done] if i not in later["first"]]
    assert len(lower_before_first) <= in_flight
    assert not set(after[:responders_done]) & set(later["community"])
    assert len(set(after[:community_done]) & set(bulk)) <= in_flight
    with session_scope(db) as session:
        pending = session.exec(select(Message.id).where(Message.status == "pending")).all()
    assert pending == []
