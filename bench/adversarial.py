"""Labelled attacks mixed into busy real days, replayed through the real pipeline, measured
against the bars a hotline under attack must hold.

    python -m bench.adversarial                # every stream: replay, print the figures
    python -m bench.adversarial --write DIR    # also write each stream as DIR/<name>.jsonl

The attacks (``ATTACKS``), each generated from a fixed seed, are labelled ``noise:<attack>-<n>``:

- ``cycling``: one number cycles ten places, fifty texts, switching between SMS and WhatsApp;
- ``twice``: one number sends each new place twice (its second text "the same place again");
- ``repeats``: one number repeats one text, then a second place, over and over;
- ``script-block``: a dozen new numbers, a block of sequential ones and random ones, send one
  template with only the corner changed ("⚠️ RAID at <corner> NOW — forward to everyone");
- ``script-random``: a dozen random new numbers, one template without chain words;
- ``block-own-words``: ten sequential numbers, each naming a new corner in varied words;
- ``copies``: ten random numbers forwarding one long text about one corner.

Each is mixed into a real day (``tests/scenarios``' busy days and the shared sample day), with a
roster (one zone over the region, two responders) so that alerts are really sent; a last stream
mixes them all into the sample day. The flood's corners are kept 1.5 km from every real report of
its day, so a flood's incident is never a real raid's. Bars, at the end of each stream:
0 noise-only incidents left ``reported``/``confirmed``/``expired``; real-raid B-cubed F1 ≥ 0.95;
0 real raids held; 0 real reports silenced (in no incident, or in a held one).
"""

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAYS = {
    "simultaneous": ROOT / "tests" / "scenarios" / "simultaneous-raids.jsonl",
    "dense": ROOT / "tests" / "scenarios" / "dense-pacific-blvd.jsonl",
    "sample": ROOT.parent / "shared" / "scenarios" / "sample-raid-day.jsonl",
}
ROSTER = [
    {
        "zone": {
            "name": "South East LA",
            "center": {"lat": 33.96, "lon": -118.21},
            "radius_m": 25000,
        }
    },
    {"subscriber": {"phone": "+12095550001", "name": "Resp A", "zone_ids": [1]}},
    {"subscriber": {"phone": "+12095550002", "name": "Resp B", "language": "en", "zone_ids": [1]}},
]
CORNERS = [
    "Pacific y Florence",
    "Atlantic y Imperial",
    "Eastern y Slauson",
    "Otis y Tweedy",
    "Long Beach y Imperial",
    "Central y Slauson",
    "Firestone y California",
    "Compton y Imperial",
    "Florence y State",
    "Garfield y Florence",
    "Whittier y Atlantic",
    "Olympic y Soto",
    "Cesar Chavez y Lorena",
    "Cesar Chavez y Soto",
    "Atlantic y Florence",
    "Central y Imperial",
    "Rosecrans y Atlantic",
    "Alondra y Atlantic",
    "Washington y Atlantic",
    "Whittier y Garfield",
    "Vernon y Central",
    "Manchester y Vermont",
    "Western y Slauson",
    "Vermont y Florence",
    "Figueroa y Manchester",
    "Firestone y Wilmington",
    "Rosecrans y Long Beach",
    "Imperial y Wilmington",
]
AWAY_M = 1500  # a flood corner this far from every real report of its day (plus its precision)
SEED = 20261204
WORDS = [
    "ICE en {}",
    "agentes en la {} ahorita",
    "migra {} cuidado",
    "ICE at {}, 3 vans",
    "hay redada en {}",
    "{} la migra",
    "immigration at {} right now",
    "la migra anda en {}",
    "federales en {}",
    "{} agentes de inmigracion",
]


@dataclass(frozen=True)
class Text:
    at: datetime
    sender: str
    body: str
    label: str


def _random_number(rng: random.Random) -> str:
    return f"+1{rng.choice(['213', '310', '323', '562', '626', '818'])}{rng.randrange(2000000, 9999999)}"


def cycling(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    number = _random_number(rng)
    places = corners[:10]
    for n in range(50):
        sender = f"whatsapp:{number}" if n % 3 == 1 else number
        yield Text(start + timedelta(seconds=3 * n), sender, f"ICE en {places[n % 10]}", "cycling")


def twice(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    number = _random_number(rng)
    for n, corner in enumerate(corners[:8]):
        for k in range(2):
            yield Text(
                start + timedelta(seconds=5 * (2 * n + k)), number, f"migra en {corner}", "twice"
            )


def repeats(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    number = _random_number(rng)
    for n in range(30):
        corner = corners[0] if n % 2 == 0 else corners[1 + (n // 2) % 4]
        yield Text(start + timedelta(seconds=10 * n), number, f"ICE en {corner} AHORA", "repeats")


def script_block(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    base = rng.randrange(2000, 9000)
    numbers = [f"+1747555{base + n}" for n in range(5)] + [_random_number(rng) for _ in range(7)]
    rng.shuffle(numbers)
    for n, number in enumerate(numbers):
        body = f"⚠️ RAID at {corners[n % 6]} NOW — forward to everyone"
        yield Text(start + timedelta(seconds=25 * n), number, body, "script-block")


def script_random(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    for n in range(12):
        body = f"Confirmado por vecinos: agentes federales en {corners[n % 8]} revisando papeles a todos"
        yield Text(start + timedelta(seconds=20 * n), _random_number(rng), body, "script-random")


def block_own_words(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    base = rng.randrange(2000, 9000)
    for n in range(10):
        body = WORDS[n].format(corners[n])
        yield Text(
            start + timedelta(seconds=30 * n), f"+1657555{base + n}", body, "block-own-words"
        )


def copies(rng: random.Random, start: datetime, corners: list[str]) -> Iterator[Text]:
    body = (
        f"ALERTA URGENTE comunidad: la migra esta en {corners[0]} ahorita, estan deteniendo gente "
        "en la calle y en las casas, no abran la puerta"
    )
    for n in range(10):
        yield Text(start + timedelta(seconds=30 * n), _random_number(rng), body, "copies")


Attack = Callable[[random.Random, datetime, list[str]], Iterator[Text]]
ATTACKS: dict[str, tuple[Attack, str]] = {
    "cycling": (cycling, "simultaneous"),
    "twice": (twice, "dense"),
    "repeats": (repeats, "sample"),
    "script-block": (script_block, "simultaneous"),
    "script-random": (script_random, "sample"),
    "block-own-words": (block_own_words, "dense"),
    "copies": (copies, "sample"),
}


def _read(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _far_corners(day: list[dict]) -> list[str]:
    """The corners at least ``AWAY_M`` from every real report of the day."""
    from core.geo import get_default_geocoder, haversine_m

    geocode = get_default_geocoder().geocode
    real = [g for g in (geocode(line["Body"]) for line in day) if g is not None]
    far = []
    for corner in CORNERS:
        place = geocode(corner)
        if place is not None and all(
            haversine_m(place.lat, place.lon, g.lat, g.lon) > AWAY_M + g.precision_m for g in real
        ):
            far.append(corner)
    return far


def _lines(day: list[dict], texts: list[Text]) -> list[str]:
    counts: dict[str, int] = {}
    noise = []
    for text in texts:
        n = counts[text.label] = counts.get(text.label, -1) + 1
        noise.append(
            {
                "at": text.at.isoformat(),
                "MessageSid": f"SMadv{text.label.replace('-', '')}{n:03d}",
                "From": text.sender,
                "Body": text.body,
                "truth": f"noise:{text.label}-{n}",
            }
        )
    merged = sorted(day + noise, key=lambda line: datetime.fromisoformat(line["at"]))
    return [json.dumps(line, ensure_ascii=False) for line in ROSTER + merged]


def _flood_start(day: list[dict], rng: random.Random) -> datetime:
    """Somewhere in the day's busiest stretch, and within two hours of its end (a held incident
    quiet for three hours expires like any other: the bars are read while it is still held)."""
    times = sorted(datetime.fromisoformat(line["at"]) for line in day)
    earliest = max(times[0], times[-1] - timedelta(hours=2))
    span = max((times[-1] - earliest).total_seconds() - 600, 60)
    return earliest + timedelta(seconds=rng.randrange(int(span)))


def streams(seed: int = SEED) -> dict[str, list[str]]:
    """Every labelled stream, name → JSONL lines (roster first): deterministic for a seed."""
    out: dict[str, list[str]] = {}
    days = {name: _read(path) for name, path in DAYS.items() if path.exists()}
    far = {name: _far_corners(day) for name, day in days.items()}
    everything: list[Text] = []
    for index, (name, (attack, day_name)) in enumerate(ATTACKS.items()):
        if day_name not in days:
            day_name = next(iter(days))
        rng = random.Random(seed + index)
        corners = far[day_name][:]
        rng.shuffle(corners)
        texts = list(attack(rng, _flood_start(days[day_name], rng), corners))
        out[f"{name}+{day_name}"] = _lines(days[day_name], texts)
    if "sample" in days:
        rng = random.Random(seed - 1)
        day = days["sample"]
        for index, (attack, _) in enumerate(ATTACKS.values()):
            corners = far["sample"][:]
            rng.shuffle(corners)
            # One attack after another, so their marks meet as they would on a bad day.
            everything += attack(
                rng, _flood_start(day, rng) - timedelta(minutes=3 * index), corners
            )
        out["all-attacks+sample"] = _lines(day, everything)
    return out


@dataclass(frozen=True)
class Figures:
    real_f1: float
    real_raids: int
    real_held: int
    real_silenced: int
    real_not_alerted: int
    noise_incidents: int
    noise_left: int  # noise-only incidents left reported, confirmed or expired
    noise_alerted: int  # noise-only incidents responders heard of before the flood's mark
    noise_stood_down: int

    def passes(self) -> bool:
        return (
            self.noise_left == 0
            and self.real_f1 >= 0.95
            and self.real_held == 0
            and self.real_silenced == 0
        )


def _noise(label: str | None) -> bool:
    return label is None or label.startswith("noise:")


def measure(lines: list[str], result: dict) -> Figures:
    """The bars' figures for one replayed stream."""
    from bench.bcubed import predicted_of, score

    truth: dict[str, str | None] = {}
    for line in lines:
        obj = json.loads(line)
        if "MessageSid" in obj:
            truth.setdefault(obj["MessageSid"], obj.get("truth"))
    real = {sid: label for sid, label in truth.items() if not _noise(label)}
    by_sid = {sid: i for i in result["incidents"] for sid in i["message_sids"]}
    real_incidents = [
        i for i in result["incidents"] if any(sid in real for sid in i["message_sids"])
    ]
    noise_only = [
        i for i in result["incidents"] if all(_noise(truth.get(s)) for s in i["message_sids"])
    ]
    return Figures(
        real_f1=score(real, predicted_of(result)).f1,
        real_raids=len(set(real.values())),
        real_held=sum(i["status"] == "held" for i in real_incidents),
        real_silenced=sum(sid not in by_sid or by_sid[sid]["status"] == "held" for sid in real),
        real_not_alerted=sum(not i["alerted"] for i in real_incidents),
        noise_incidents=len(noise_only),
        noise_left=sum(i["status"] in ("reported", "confirmed", "expired") for i in noise_only),
        noise_alerted=sum(i["alerted"] for i in noise_only),
        noise_stood_down=sum(i["stood_down"] for i in noise_only),
    )


def replay_lines(lines: list[str]) -> dict:
    from avisa.replay import replay
    from avisa.replay.stream import parse_stream

    stream = parse_stream(lines)
    return replay(stream.messages, stream.roster)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="DIR", help="also write each stream as DIR/NAME.jsonl")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    failed = 0
    header = (
        "stream",
        "F1",
        "raids",
        "held",
        "silenced",
        "unalerted",
        "noise inc",
        "left",
        "alerted",
        "stood down",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, lines in streams(args.seed).items():
        if args.write:
            Path(args.write).mkdir(parents=True, exist_ok=True)
            (Path(args.write) / f"{name}.jsonl").write_text(
                "\n".join(lines) + "\n", encoding="utf-8"
            )
        f = measure(lines, replay_lines(lines))
        failed += not f.passes()
        print(
            f"| {name} | {f.real_f1:.3f} | {f.real_raids} | {f.real_held} | {f.real_silenced} "
            f"| {f.real_not_alerted} | {f.noise_incidents} | {f.noise_left} | {f.noise_alerted} "
            f"| {f.noise_stood_down} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
