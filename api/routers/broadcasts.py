"""Broadcasts: a coordinator texts the active subscribers of some zones and roles."""

from fastapi import APIRouter, Response
from redis.exceptions import RedisError

from api.deps import Coordinator, SessionDep, Viewer, actor
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, BroadcastIn, BroadcastOut, BroadcastPreview
from core import broadcasts
from core.models import Broadcast
from workers.effects import segments_of
from workers.queues import RedisNotConfigured, enqueue_write

router = APIRouter(prefix="/api/v1/broadcasts", tags=["broadcasts"], responses=API_ERRORS)
counted = segments_of(broadcasts.TEMPLATE)  # as the console counts them


def broadcast_out(broadcast: Broadcast, delivery: dict[str, int]) -> BroadcastOut:
    body = {k: v for k, v in (("es", broadcast.body_es), ("en", broadcast.body_en)) if v}
    return BroadcastOut(
        id=broadcast.id,
        actor=broadcast.actor,
        zone_ids=broadcast.zone_ids,
        roles=broadcast.roles,
        body=body,
        recipients=broadcast.recipients,
        segments=broadcast.segments,
        delivery=delivery,
        created_at=broadcast.created_at,
        status=broadcast.status,
        stored=sum(delivery.values()),
    )


@router.post(
    "",
    status_code=201,
    responses={200: {"model": BroadcastPreview, "description": "the preview: nothing was sent"}},
)
def create_broadcast(
    body: BroadcastIn, session: SessionDep, key: Coordinator, response: Response
) -> BroadcastOut | BroadcastPreview:
    """Text each active subscriber of ``zone_ids`` with any of ``roles``, in their language (the
    other one when theirs is missing). With ``"preview": true`` it answers 200 with what it would
    cost (``{"recipients", "segments"}``) and sends nothing.

    Answers at once, ``status`` ``queued``: a job writes the texts (``stored`` counts them, then
    ``status`` is ``written``) and they go out on the broadcasts' lane, after every raid's texts;
    ``GET /broadcasts`` shows the progress."""
    request = broadcasts.BroadcastRequest(
        zone_ids=tuple(body.zone_ids),
        roles=tuple(body.roles),
        body={k: v for k, v in body.body.model_dump().items() if v},
    )
    if body.preview:
        response.status_code = 200
        return BroadcastPreview(**broadcasts.preview(session, request, segments_of=counted))
    broadcast = broadcasts.queue(session, request, actor=actor(key), segments_of=counted)
    session.commit()
    try:
        enqueue_write(broadcast.id)
    except (RedisError, RedisNotConfigured):
        pass  # stored: the maintenance sweep queues the job
    return broadcast_out(broadcast, {})


@router.get("")
def list_broadcasts(
    session: SessionDep, _: Viewer, cursor: Cursor = None, limit: Limit = 50
) -> Page[BroadcastOut]:
    """Newest first, each with its recipients and its texts counted by status."""
    rows, next_cursor = paginate(session, broadcasts.listing(), Broadcast, cursor, limit)
    figures = broadcasts.delivery(session, [b.id for b in rows])
    return Page(items=[broadcast_out(b, figures[b.id]) for b in rows], next_cursor=next_cursor)
