"""The geocoding chain: custom places → blocks, chain stores, corners, addresses, stations,
landmarks → ZIP → city → online → elsewhere in the country; each answer with a confidence."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import cast

from core.geo import vocab
from core.geo.calibration import Calibration, load_calibration
from core.geo.distance import haversine_m
from core.geo.gazetteer import Chain, Gazetteer, Point, load_gazetteer
from core.geo.names import Span
from core.geo.online import GeopyLike, OnlineGeocoder
from core.geo.parser import AddressMention, ChainMention, CornerMention, Mentions, parse
from core.geo.places import PlaceMatcher
from core.geo.region import Region
from core.geo.resolve import SAME_PLACE_M, best_point, hint_point, pick, rank_key
from core.geo.result import PRECISION_M, CustomPlace, GeoResult
from core.geo.text import tokenize
from core.geo.zips import find_far_zips, find_zips

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.5
"""Below this the geocoder answers None: intake asks the reporter where, instead of guessing."""
EDIT_COST = 0.12
"""Confidence lost per spelling correction."""
BASE = {
    "block": 0.9,
    "chain": 0.85,
    "corner": 0.95,
    "loose": 0.75,
    "address": 0.9,
    "station": 0.9,
    "place": 0.85,
    "zip": 0.9,
    "city": 0.8,
    "far_zip": 0.7,
    "far_city": 0.65,
}
"""Confidence of each kind of reading before ambiguity and spelling are counted."""
SURE_ADDRESS = 0.75
"""An offline address below this is an estimate (no number either side of it)."""
BLOCK_MAX_M = 2_500
"""The two corners of "X entre A y B" must be this close to bound one block."""
TWIN_MIN_M = 250
TWIN_TRUST = 0.8
"""A corner whose two streets also cross elsewhere within SAME_PLACE_M: trust times this."""
STORE_NEAR_ZIP_M = 3_000
"""A store this close to the centroid of the ZIP a text names is the one meant."""
AREA_MARGIN_M = 3_000
"""A place named with a city may lie this far beyond the city's reach (its radius is rough)."""
PRECISE_KINDS = frozenset({"corner", "block", "address", "station", "place"})
AREA_MAX_PRECISION_M = 3_000
"""The widest radius answered for an area, as for a city named alone: wider would merge
reports from across a big city into one incident."""
STORE_NEAR_CORNER_M = 2_000
STREET_CELL = 0.004
"""Degrees (~400 m): a store in a cell next to a crossing of the street is on that street."""
OUTSIDE_M = 5_000
"""Beyond this outside the served region, a ZIP or city counts less than a local one."""
Hint = tuple[float, float] | None
"""(lat, lon) of the city or ZIP the text names, which decides between same-named places."""


class Geocoder:
    """Turns a resident's text into a point, offline unless ``online`` is given.

    ``places`` are coordinator-added places, matched first by alias; ``region`` is the area
    served: it decides between same-named places and ranks what lies outside it lower (a
    unique corner elsewhere in the covered county is still found); ``gazetteer`` is a loaded
    ``core.geo.gazetteer.Gazetteer`` (default: the shipped one); ``online`` an optional
    ``core.geo.online.OnlineGeocoder`` (or a geopy geocoder, wrapped in one), asked only for
    house-number addresses the offline data cannot place; ``calibration`` maps the raw scores
    of offline readings to measured confidence (default: the shipped fit, see
    ``core.geo.calibration``) and ``min_confidence`` applies to that. Read-only after
    construction, so one instance may serve many threads.
    """

    def __init__(
        self,
        *,
        region: Region | None = None,
        places: Sequence[CustomPlace] = (),
        online: OnlineGeocoder | GeopyLike | None = None,
        gazetteer: Gazetteer | None = None,
        min_confidence: float = MIN_CONFIDENCE,
        calibration: Calibration | None = None,
    ) -> None:
        self.region = region or Region()
        self.calibration = calibration if calibration is not None else load_calibration()
        self.gazetteer = gazetteer or load_gazetteer()
        self.places = PlaceMatcher(places)
        self.min_confidence = min_confidence
        # A bare geopy geocoder is wrapped so it gets the cache, region check and privacy.
        if online is not None and not hasattr(online, "lookup"):
            online = OnlineGeocoder(online, region=self.region)
        # Anything with a ``lookup`` is taken as an OnlineGeocoder (duck-typed, as before).
        self.online = cast(OnlineGeocoder | None, online)
        self._zips = self.gazetteer.readable_zips

    def geocode(self, text: str) -> GeoResult | None:
        """The best place named in ``text``, or None when it names none or none surely enough
        (``confidence`` below ``min_confidence``). Never raises."""
        if not isinstance(text, str) or not text.strip():
            return None
        try:
            return self._geocode(text)
        except Exception as exc:  # noqa: BLE001 - intake must go on; no place beats a crash
            # Type only: the text may hold a resident's details and must not reach the logs.
            log.error("geocode failed: %s", type(exc).__name__)
            return None

    def _geocode(self, text: str) -> GeoResult | None:
        gaz = self.gazetteer
        zips = find_zips(text, self._zips)
        named_zip = zips[0] if zips else None
        custom = self.places.match(tokenize(text))
        if custom:
            place, _words = custom
            return self._result(
                place.lat, place.lon, place.precision_m, "place", "place", place.name, named_zip
            )
        found = parse(text, gaz)
        cities = [best_point(s.values, self.region, None) for s in found.cities]
        hint = hint_point(cities, gaz.zips.get(named_zip) if named_zip else None)
        steps: tuple[Callable[[], GeoResult | None], ...] = (
            lambda: self._between(found, hint, named_zip),
            lambda: self._chain(found, hint, named_zip, cities),
            lambda: self._corner(found.corners, hint, named_zip, "corner"),
            lambda: self._address(found.addresses, hint, named_zip, text, cities),
            lambda: self._named(found, hint, named_zip),
            lambda: self._corner(found.loose_corners, hint, named_zip, "loose"),
            lambda: self._online(text, cities),
            lambda: self._zip(named_zip),
            lambda: self._city(cities, found),
            lambda: self._far(text, found),
        )
        for step in steps:
            result = step()
            if result is not None and cities and not self._in_reach(result, cities[0]):
                # "la escuela Lincoln de Pomona" with no such school there: Pomona, not the
                # school of that name elsewhere.
                result = self._area_result(cities[0], named_zip, BASE["city"])
            if result is not None and result.source == "gazetteer":
                result = replace(
                    result, confidence=self.calibration(result.kind, result.confidence)
                )
            if result is not None and result.confidence >= self.min_confidence:
                return result
        return None

    # --- precise readings -----------------------------------------------------------------

    def _corner(
        self, corners: list[CornerMention], hint: Hint, named_zip: str | None, kind: str
    ) -> GeoResult | None:
        if not corners:
            return None
        options = [(c, *pick(c.points, self.region, hint)) for c in corners]
        # Fewest spelling fixes, then the longest names read, then the best fit to city/region.
        mention, point, trust = min(
            options,
            key=lambda cp: (
                cp[0].edits,
                not cp[0].freeway,
                -(cp[0].first.size + cp[0].second.size),
                -cp[2],
                rank_key(cp[1], self.region, hint),
            ),
        )
        conf = (BASE[kind] - EDIT_COST * mention.edits) * trust
        # The same two streets crossing again close by (a loop, a frontage road): which of
        # the two is meant is less sure, and the answer is no finer than their distance.
        twins = [
            haversine_m(p.lat, p.lon, point.lat, point.lon)
            for p in mention.points
            if TWIN_MIN_M < haversine_m(p.lat, p.lon, point.lat, point.lon) <= SAME_PLACE_M
        ]
        if twins:
            conf *= TWIN_TRUST
        return self._result(
            point.lat,
            point.lon,
            max(PRECISION_M["corner"], max(twins, default=0.0) / 2),
            "gazetteer",
            "corner",
            self._corner_name(mention),
            named_zip,
            conf,
        )

    def _corner_name(self, mention: CornerMention) -> str:
        display = self.gazetteer.streets
        return " / ".join(display.get(k, k) for k in mention.streets)

    def _between(self, found: Mentions, hint: Hint, named_zip: str | None) -> GeoResult | None:
        best: GeoResult | None = None
        for m in found.between:
            pairs = [
                (p, q, haversine_m(p.lat, p.lon, q.lat, q.lon))
                for p in m.first.points
                for q in m.second.points
            ]
            pairs = [pq for pq in pairs if pq[2] <= BLOCK_MAX_M]
            if not pairs:
                continue
            mids = [
                Point(f"{i}", (p.lat + q.lat) / 2, (p.lon + q.lon) / 2)
                for i, (p, q, _d) in enumerate(pairs)
            ]
            mid, trust = pick(mids, self.region, hint)
            half = pairs[int(mid.name)][2] / 2
            conf = (BASE["block"] - EDIT_COST * (m.first.edits + m.second.edits)) * trust
            name = f"{self._corner_name(m.first)} – {self._corner_name(m.second).split(' / ')[1]}"
            result = self._result(
                mid.lat,
                mid.lon,
                max(PRECISION_M["corner"], half),
                "gazetteer",
                "block",
                name,
                named_zip,
                conf,
            )
            if best is None or result.confidence > best.confidence:
                best = result
        return best

    def _chain(
        self, found: Mentions, hint: Hint, named_zip: str | None, cities: list[Point]
    ) -> GeoResult | None:
        if not found.chains:
            return None
        best: GeoResult | None = None
        corner = self._corner(found.corners, hint, None, "corner") if found.corners else None
        area = cities[0] if cities else None
        used = {
            i for c in found.corners for s in (c.first, c.second) for i in range(s.start, s.end)
        }
        for m in found.chains:
            if any(i in used for i in range(m.chain.start, m.chain.end)):
                continue  # "Firestone y California": the boulevard of a corner, not the store
            for chain in m.chain.values:
                result = self._store(m, chain, corner, hint, named_zip, area)
                if result is not None and (best is None or result.confidence > best.confidence):
                    best = result
        return best

    def _store(
        self,
        m: ChainMention,
        chain: Chain,
        corner: GeoResult | None,
        hint: Hint,
        named_zip: str | None,
        area: Point | None = None,
    ) -> GeoResult | None:
        stores = [
            Point(chain.name, lat, lon, i) for i, (lat, lon, _near) in enumerate(chain.stores)
        ]
        conf = BASE["chain"] - EDIT_COST * m.chain.edits
        if corner is not None:
            near = self._nearest(stores, corner.lat, corner.lon, STORE_NEAR_CORNER_M)
            if near:
                return self._store_result(near, chain, "", named_zip, conf * corner.confidence)
        if m.places:  # "de Pasadena", "in Hawthorne": a store inside that area, or the area
            place = best_point(m.places, self.region, hint)
            return self._store_in(stores, chain, place, named_zip, conf)
        if m.streets:
            on = self._stores_on(stores, chain, m.streets)
            if on:
                store, trust = pick(on, self.region, hint)
                if not self.region.contains(store.lat, store.lon) and any(
                    self.region.contains(s.lat, s.lon) for s in stores
                ):
                    trust *= 0.5  # a far store of a chain that has ours: likely not meant
                street = self.gazetteer.streets.get(m.streets[0], m.streets[0])
                return self._store_result(store, chain, street, named_zip, conf * trust)
        if area is not None:  # the city named elsewhere in the text: a store there, or none
            found = self._store_in(stores, chain, area, named_zip, conf * 0.95)
            return found if found.kind == "place" else None
        if hint is not None:  # the ZIP named elsewhere in the text
            near = self._nearest(stores, hint[0], hint[1], STORE_NEAR_ZIP_M)
            if near:
                return self._store_result(near, chain, "", named_zip, conf * 0.9)
        return None  # "el Home Depot" alone: which one is a question, not a pick

    def _store_in(
        self, stores: list[Point], chain: Chain, area: Point, named_zip: str | None, conf: float
    ) -> GeoResult:
        """The one store inside ``area``; else the area itself, at its own precision (none
        there, or several far apart: a sure coarse answer beats a guess)."""
        inside = [s for s in stores if self._inside(s.lat, s.lon, area)]
        if inside:
            first = min(inside, key=lambda s: haversine_m(s.lat, s.lon, area.lat, area.lon))
            if all(haversine_m(s.lat, s.lon, first.lat, first.lon) <= SAME_PLACE_M for s in inside):
                return self._store_result(first, chain, area.name, named_zip, conf)
        return self._area_result(area, named_zip, BASE["city"])

    @staticmethod
    def _in_reach(result: GeoResult, area: Point) -> bool:
        """A precise reading lies within (or just beyond) the city or neighbourhood named."""
        if result.kind not in PRECISE_KINDS or result.source != "gazetteer":
            return True
        reach = max(area.radius, PRECISION_M["city"]) + AREA_MARGIN_M
        return haversine_m(result.lat, result.lon, area.lat, area.lon) <= reach

    def _inside(self, lat: float, lon: float, area: Point) -> bool:
        """Inside a city or neighbourhood: within its reach, and where the area is a ZIP
        place of its own ("Pasadena"), nearest to one of its ZIPs."""
        gaz = self.gazetteer
        if haversine_m(lat, lon, area.lat, area.lon) > (area.radius or PRECISION_M["city"]):
            return False
        if area.name not in gaz.zip_place_names:
            return True
        nearest = gaz.nearest_zip(lat, lon)
        return nearest is not None and gaz.zip_places.get(nearest) == area.name

    def _area_result(self, area: Point, named_zip: str | None, conf: float) -> GeoResult:
        precision = min(max(area.radius, PRECISION_M["city"] / 3), AREA_MAX_PRECISION_M)
        conf *= self._outside_factor(area.lat, area.lon)
        return self._result(
            area.lat, area.lon, precision, "gazetteer", "city", area.name, named_zip, conf
        )

    def _stores_on(self, stores: list[Point], chain: Chain, keys: tuple[str, ...]) -> list[Point]:
        """Stores on (or just off) one of the streets: the streets OSM put near the store,
        or within a few hundred metres of a crossing of that street."""
        gaz = self.gazetteer
        ids = {gaz.street_id[k] for k in keys if k in gaz.street_id}
        cells: set[tuple[int, int]] = set()
        for k in keys:
            for points in gaz.corners.of(k).values():
                cells.update((int(p.lat // STREET_CELL), int(p.lon // STREET_CELL)) for p in points)
        out = []
        for s in stores:
            cy, cx = int(s.lat // STREET_CELL), int(s.lon // STREET_CELL)
            if ids & set(chain.stores[s.weight][2]) or any(
                (cy + dy, cx + dx) in cells for dy in (-1, 0, 1) for dx in (-1, 0, 1)
            ):
                out.append(s)
        return out

    @staticmethod
    def _nearest(stores: list[Point], lat: float, lon: float, within: float) -> Point | None:
        best = min(stores, key=lambda s: haversine_m(lat, lon, s.lat, s.lon))
        return best if haversine_m(lat, lon, best.lat, best.lon) <= within else None

    def _store_result(
        self, store: Point, chain: Chain, qualifier: str, named_zip: str | None, conf: float
    ) -> GeoResult:
        name = f"{chain.name} ({qualifier})" if qualifier else chain.name
        return self._result(
            store.lat, store.lon, PRECISION_M["place"], "gazetteer", "place", name, named_zip, conf
        )

    def _address(
        self,
        addresses: list[AddressMention],
        hint: Hint,
        named_zip: str | None,
        text: str,
        cities: list[Point],
    ) -> GeoResult | None:
        """A house number on a street: offline when the data has that number or numbers
        either side; a mere estimate (nearest numbered point) yields to the online service
        when one is configured."""
        best = self._offline_address(addresses, hint, named_zip)
        if best is not None and best.confidence < SURE_ADDRESS and self.online is not None:
            return self._online(text, cities) or best
        return best

    def _offline_address(
        self, addresses: list[AddressMention], hint: Hint, named_zip: str | None
    ) -> GeoResult | None:
        from core.geo.houses import locate

        best: GeoResult | None = None
        for a in addresses:
            for key in a.street.values:
                found = locate(self.gazetteer.houses.get(key), a.number)
                if not found:
                    continue
                point, trust = pick([f[0] for f in found], self.region, hint)
                _p, precision, quality = next(f for f in found if f[0] is point)
                conf = (BASE["address"] - EDIT_COST * a.street.edits) * trust * quality
                street = self.gazetteer.streets.get(key, key)
                result = self._result(
                    point.lat,
                    point.lon,
                    precision,
                    "gazetteer",
                    "address",
                    f"{a.number} {street}",
                    named_zip,
                    conf,
                )
                if best is None or result.confidence > best.confidence:
                    best = result
        return best

    def _named(self, found: Mentions, hint: Hint, named_zip: str | None) -> GeoResult | None:
        for spans, kind in ((found.stations, "station"), (found.landmarks, "place")):
            if not spans:
                continue
            span = min(spans, key=lambda s: (s.edits, -s.size))
            best = [s for s in spans if (s.edits, s.size) == (span.edits, span.size)]
            points = [p for s in best for p in s.values]
            if kind == "station":
                points = self._on_line(points, found.tokens, span) or points
            primary = [p for p in points if p.primary] or points
            point, trust = pick(primary, self.region, hint)
            conf = (BASE[kind] - EDIT_COST * span.edits) * trust
            return self._result(
                point.lat,
                point.lon,
                PRECISION_M[kind],
                "gazetteer",
                kind,
                point.name,
                named_zip,
                conf,
            )
        return None

    @staticmethod
    def _on_line(points: list[Point], tokens: list[str], span: Span[Point]) -> list[Point]:
        """The stations of the line named within a few words ("Slauson J Line station"):
        the busway's or the rail lines'; empty when no line is named."""
        near = range(max(0, span.start - 4), min(len(tokens), span.end + 5))
        lines: set[str] = set()
        for i in near:
            t = tokens[i]
            beside = {tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)}
            if len(t) > 1 or beside & vocab.LINE_MARKERS:
                if t in vocab.BUSWAY_LINES:
                    lines.add("busway")
                elif t in vocab.RAIL_LINES:
                    lines.add("rail")
        if len(lines) != 1:
            return []
        busway = lines == {"busway"}
        return [
            Point(p.name, p.lat, p.lon, p.weight, True, p.kind)
            for p in points
            if any(w in p.name.lower() for w in vocab.BUSWAY_STATION_WORDS) == busway
        ]

    # --- coarse readings ------------------------------------------------------------------

    def _online(self, text: str, cities: list[Point]) -> GeoResult | None:
        if self.online is None:
            return None
        return self.online.lookup(text, cities[0].name if cities else None)

    def _zip(self, named_zip: str | None) -> GeoResult | None:
        if not named_zip:
            return None
        lat, lon = self.gazetteer.zips[named_zip]
        conf = BASE["zip"] * self._outside_factor(lat, lon)
        return GeoResult(
            lat, lon, PRECISION_M["zip"], "gazetteer", "zip", named_zip, named_zip, round(conf, 3)
        )

    def _city(self, cities: list[Point], found: Mentions) -> GeoResult | None:
        if not cities:
            return None
        c = cities[0]
        span = found.cities[0]
        factor = self._outside_factor(c.lat, c.lon)
        before = found.tokens[span.start - 1] if span.start > 0 else ""
        if factor < 1 and before not in vocab.PLACE_PREPOSITIONS:
            return None  # "Santa Ana winds": a far city must be introduced as a place
        conf = (BASE["city"] - EDIT_COST * span.edits) * factor
        return self._result(
            c.lat, c.lon, PRECISION_M["city"], "gazetteer", "city", c.name, None, conf
        )

    def _far(self, text: str, found: Mentions) -> GeoResult | None:
        """A ZIP or "City, ST" elsewhere in the country ("migra en 60601"): found, ranked
        below every local reading."""
        gaz = self.gazetteer
        starts = {sp.start for sp in found.streets}
        far = [
            z
            for z in find_far_zips(text, gaz.far_zips)
            # "at 38462 Sierra Highway": a house number (the Antelope Valley's have 5 digits)
            if not any(
                t == z and (i + 1 in starts or i + 2 in starts) for i, t in enumerate(found.tokens)
            )
        ]
        if far:
            lat, lon, place = gaz.far_zips[far[0]]
            return GeoResult(
                lat, lon, PRECISION_M["zip"], "gazetteer", "zip", far[0], far[0], BASE["far_zip"]
            )
        tokens = [[(t, 0)] for t in found.tokens]
        if not any(t in vocab.STATE_WORDS for t in found.tokens):
            return None
        spans: list[Span[Point]] = gaz.far_cities.find(tokens, max_edits=0)
        if not spans:
            return None
        c = spans[0].values[0]
        return GeoResult(
            c.lat, c.lon, PRECISION_M["city"], "gazetteer", "city", c.name, None, BASE["far_city"]
        )

    def _outside_factor(self, lat: float, lon: float) -> float:
        """1 inside the served region, less beyond it: a local reading outranks it."""
        return 1.0 if self.region.distance_penalty(lat, lon) <= OUTSIDE_M else 0.8

    def _result(
        self,
        lat: float,
        lon: float,
        precision: float,
        source: str,
        kind: str,
        matched: str,
        named_zip: str | None,
        confidence: float = 1.0,
    ) -> GeoResult:
        zip5 = named_zip or self.gazetteer.nearest_zip(lat, lon)
        return GeoResult(
            round(lat, 6),
            round(lon, 6),
            float(round(precision)),
            source,
            kind,
            matched,
            zip5,
            round(max(0.0, min(1.0, confidence)), 3),
        )


@functools.lru_cache(maxsize=1)
def get_default_geocoder() -> Geocoder:
    """Shared offline geocoder: default region, no custom places. Cached per process."""
    return Geocoder()
