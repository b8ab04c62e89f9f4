"""The ``avisa`` command. Each subcommand is a small function; heavy imports happen inside them so
``avisa geocode`` or ``avisa text`` start fast."""

import argparse
import json
import sys


def _dev(args) -> int:
    from avisa.dev import run

    return run(host=args.host, port=args.port)


def _serve(args) -> int:
    import uvicorn

    from avisa.logs import uvicorn_config

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=uvicorn_config(),  # applied in each worker process, unlike a root handler
        log_level="warning",
        access_log=False,
    )  # uvicorn's access logs would carry webhook query strings (api.middleware logs paths)
    return 0


def _worker(args) -> int:
    from avisa.worker import run

    return run(burst=args.burst)


def _db_upgrade(args) -> int:
    from avisa.migrations import upgrade

    upgrade()
    print("database is at the latest migration")
    return 0


def _apikey_create(args) -> int:
    from core.apikeys import create_key
    from workers import runtime

    with runtime.session() as session:
        key, plaintext = create_key(session, name=args.name, role=args.role)
        print(f"created {key.role} key {key.name!r}; it is shown once, store it now:")
    print(plaintext)
    return 0


def _apikey_list(args) -> int:
    from core.apikeys import all_keys
    from workers import runtime

    with runtime.session() as session:
        for key in all_keys(session):
            print(
                json.dumps(
                    {
                        "id": key.id,
                        "name": key.name,
                        "role": key.role,
                        "created_at": key.created_at.isoformat(),
                        "last_used_at": key.last_used_at and key.last_used_at.isoformat(),
                        "revoked_at": key.revoked_at and key.revoked_at.isoformat(),
                    }
                )
            )
    return 0


def _apikey_revoke(args) -> int:
    from core.apikeys import revoke
    from core.errors import NotFound
    from workers import runtime

    try:
        with runtime.session() as session:
            key = revoke(session, args.id, actor="cli")
    except NotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"revoked key {key.id} ({key.name!r}); requests with it now answer 401")
    return 0


def _subscribers_import(args) -> int:
    from core import subscribers
    from core.errors import AvisaError
    from workers import runtime
    from workers.effects import carry_out

    def progress(rows: int) -> None:
        print(f"… {rows} rows read", file=sys.stderr, flush=True)

    try:
        with open(args.file, "rb") as handle:
            text = subscribers.decode_csv(handle.read())
        with runtime.session() as session:
            result, decisions = subscribers.import_csv(
                session,
                runtime.vault(),
                text,
                actor="cli",
                allow_confirmed=True,  # whoever runs the CLI holds the database: an admin
                progress=progress,
            )
            carry_out(session, decisions)
    except (OSError, AvisaError) as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    for error in result.errors:
        print(f"row {error['row']}: {error['error']}", file=sys.stderr)
    summary = {"created": len(result.created), "updated": len(result.updated)}
    print(json.dumps({**summary, "errors": result.errors}))
    return 1 if result.errors else 0


def _user_add(args) -> int:
    from core import users
    from core.errors import AvisaError
    from workers import runtime

    try:
        with runtime.session() as session:
            user, password = users.create(
                session, args.username, role=args.role, language=args.language
            )
            print(f"created {user.role} user {user.username!r} for /console/login;")
            print("the password is shown once, give it to them now:")
    except AvisaError as exc:
        print(f"avisa user add: {exc}", file=sys.stderr)
        return 1
    print(password)
    return 0


def _user_revoke(args) -> int:
    from core import users
    from workers import runtime

    with runtime.session() as session:
        ended = users.revoke_all(session, args.username.strip().lower())
    print(f"ended {ended} console sessions of {args.username!r}")
    return 0


def _text(args) -> int:
    from pathlib import Path

    from avisa.resident import NoServer, send_text

    media = Path(args.media) if args.media else None
    if media is not None and not media.is_file():
        print(f"avisa text: no such file: {args.media}", file=sys.stderr)
        return 2
    try:
        status, reply = send_text(
            args.sender, args.body, url=args.url, whatsapp=args.whatsapp, media=media
        )
    except NoServer as exc:
        print(f"avisa text: {exc}", file=sys.stderr)
        return 2
    print(reply)
    return 0 if status == 200 else 1


def _call(args) -> int:
    from avisa.resident import NoServer, play_call

    try:
        status = play_call(args.sender, args.place, args.what, language=args.language, url=args.url)
    except NoServer as exc:
        print(f"avisa call: {exc}", file=sys.stderr)
        return 2
    return 0 if status in (200, 204) else 1


def _geocode(args) -> int:
    from avisa.geocode import run

    return run(args.text)


def _gazetteer_build(args) -> int:
    from avisa.gazetteer import run

    return run(args)


def _places_add(args) -> int:
    from avisa.places import add

    return add(
        name=args.name, lat=args.lat, lon=args.lon, aliases=args.alias, precision_m=args.precision_m
    )


def _places_list(args) -> int:
    from avisa.places import list_all

    return list_all()


def _replay(args) -> int:
    from avisa.replay import run

    return run(args.file)


def _purge(args) -> int:
    if args.queue:
        # A worker does it (the same job the scheduler runs hourly); this answers at once.
        from workers.queues import MAINTENANCE, RETRY, queue

        job = queue(MAINTENANCE).enqueue(
            "workers.maintenance.purge", retry=RETRY, job_timeout=3600, job_id="purge-now"
        )
        print(json.dumps({"queued": job.id}))
        return 0
    from workers.maintenance import purge

    print(json.dumps(purge()))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="avisa", description="Avisa rapid-response alert hotline")
    sub = root.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="API + worker + scheduler, SQLite, embedded Redis, local SMS")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    dev.set_defaults(func=_dev)

    serve = sub.add_parser("serve", help="the API (production)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)

    worker = sub.add_parser(
        "worker", help="an RQ worker with the scheduler (run as many as needed)"
    )
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.set_defaults(func=_worker)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=_db_upgrade)

    apikey = sub.add_parser("apikey", help="API keys").add_subparsers(
        dest="apikey_command", required=True
    )
    create = apikey.add_parser("create", help="create a key; it is printed alone on the last line")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role", required=True, choices=["admin", "coordinator", "viewer", "legal_aid"]
    )
    create.set_defaults(func=_apikey_create)
    apikey.add_parser(
        "list", help="every key, one JSON object a line (never the secret)"
    ).set_defaults(func=_apikey_list)
    revoke = apikey.add_parser("revoke", help="revoke a key at once (401 from then on)")
    revoke.add_argument("id", type=int, metavar="ID")
    revoke.set_defaults(func=_apikey_revoke)

    people = sub.add_parser("subscribers", help="subscribers").add_subparsers(
        dest="subscribers_command", required=True
    )
    load = people.add_parser(
        "import",
        help="import a UTF-8 CSV (phone,name,language,roles,zones[,confirmed]); "
        "progress on stderr, the result as JSON on stdout",
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(func=_subscribers_import)

    user = sub.add_parser("user", help="console users").add_subparsers(
        dest="user_command", required=True
    )
    user_add = user.add_parser(
        "add", help="add a console user; the generated password is printed alone on the last line"
    )
    user_add.add_argument("username")
    user_add.add_argument(
        "--role", required=True, choices=["viewer", "coordinator", "admin", "legal_aid"]
    )
    user_add.add_argument("--language", default="es", choices=["es", "en"])
    user_add.set_defaults(func=_user_add)
    user_revoke = user.add_parser("revoke", help="sign a user out everywhere (a lost phone)")
    user_revoke.add_argument("username")
    user_revoke.set_defaults(func=_user_revoke)

    text = sub.add_parser(
        "text", help="play a resident: sign and post an SMS to the running server"
    )
    where = (
        "server base URL (default: the `avisa dev` / `make run` started in this folder, "
        "else AVISA_PUBLIC_URL)"
    )
    text.add_argument("sender", metavar="FROM")
    text.add_argument("body", metavar="BODY")
    text.add_argument("--url", help=where)
    text.add_argument("--whatsapp", action="store_true", help="as a WhatsApp message")
    text.add_argument("--media", metavar="FILE", help="with a photo or clip (MMS / WhatsApp)")
    text.set_defaults(func=_text)

    call = sub.add_parser(
        "call", help="play a resident's call through the voice webhooks of the running server"
    )
    call.add_argument("sender", metavar="FROM")
    call.add_argument("place", metavar="PLACE", nargs="?", default="Pacific y Florence")
    call.add_argument(
        "what", metavar="WHAT", nargs="?", default="hay agentes de inmigracion en la esquina"
    )
    call.add_argument("--language", choices=("es", "en"), default="es")
    call.add_argument("--url", help=where)
    call.set_defaults(func=_call)

    geocode = sub.add_parser("geocode", help="how a phrase is understood; '-' reads one per line")
    geocode.add_argument("text", metavar="TEXT")
    geocode.set_defaults(func=_geocode)

    gazetteer = sub.add_parser("gazetteer", help="the offline place data").add_subparsers(
        dest="gazetteer_command", required=True
    )
    gaz_build = gazetteer.add_parser(
        "build", help="rebuild it from OSM (.pmtiles/.osm.pbf), GTFS stops and GeoNames ZIPs"
    )
    from avisa.gazetteer import add_arguments

    add_arguments(gaz_build)
    gaz_build.set_defaults(func=_gazetteer_build)

    places = sub.add_parser("places", help="coordinators' own places and aliases").add_subparsers(
        dest="places_command", required=True
    )
    place_add = places.add_parser(
        "add", help='add a place, e.g. "Home Depot Slauson" --alias "el home depot de slauson"'
    )
    place_add.add_argument("name")
    place_add.add_argument("--lat", type=float, required=True)
    place_add.add_argument("--lon", type=float, required=True)
    place_add.add_argument(
        "--alias", action="append", default=[], help="another way people name it (repeatable)"
    )
    place_add.add_argument("--precision-m", type=float, default=100.0)
    place_add.set_defaults(func=_places_add)
    places.add_parser("list", help="the places, one JSON object a line").set_defaults(
        func=_places_list
    )

    replay = sub.add_parser(
        "replay", help="run a JSONL stream of reports through the real pipeline"
    )
    replay.add_argument("file", metavar="FILE.jsonl")
    replay.set_defaults(func=_replay)

    purge = sub.add_parser("purge", help="erase data past retention now")
    purge.add_argument(
        "--queue", action="store_true", help="leave it to a worker and answer at once"
    )
    purge.set_defaults(func=_purge)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
