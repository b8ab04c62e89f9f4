"""The geocoding chain: custom places → corners, stations, landmarks → ZIP → city → online."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from core.geo.gazetteer import Gazetteer, Point, load_gazetteer
from core.geo.names import Span
from core.geo.online import OnlineGeocoder
from core.geo.parser import CornerMention, Mentions, parse
from core.geo.places import PlaceMatcher
from core.geo.region import Region
from core.geo.resolve import best_point, hint_point, rank_key
from core.geo.result import PRECISION_M, CustomPlace, GeoResult
from core.geo.text import tokenize
from core.geo.zips import find_zips

log = logging.getLogger(__name__)

OUTSIDE_SLACK_M = 5_000
"""Places farther than this beyond the region's edge are ignored."""


class Geocoder:
    """Turns a resident's text into a point, offline unless ``online`` is given.

    ``places`` are coordinator-added places, matched first by alias; ``region`` biases
    same-named places and bounds which ZIPs, cities and places count; ``online`` is an
    optional ``core.geo.online.OnlineGeocoder`` (or a geopy geocoder, wrapped in one). It only
    ever looks up house-number addresses, so it is asked after corners, stations and
    landmarks but before the coarser ZIP and city. Read-only after construction (the online
    cache has its own lock), so one instance may serve many threads.
    """

    def __init__(
        self,
        *,
        region: Region | None = None,
        places: Sequence[CustomPlace] = (),
        online=None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.region = region or Region()
        self.gazetteer = gazetteer or load_gazetteer()
        self.places = PlaceMatcher(places)
        # A bare geopy geocoder is wrapped so it gets the cache, region check and privacy.
        if online is not None and not hasattr(online, "lookup"):
            online = OnlineGeocoder(online, region=self.region)
        self.online = online
        # Only ZIPs of the region count: elsewhere a 5-digit number is likelier not a ZIP.
        self._zips = frozenset(
            z
            for z in self.gazetteer.residential_zips
            if self.region.contains(*self.gazetteer.zips[z])
        )

    def geocode(self, text: str) -> GeoResult | None:
        """The best place named in ``text``, or None when it names none. Never raises."""
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
        # A city far outside the region is a word, not where our residents are ("Orange").
        cities = [
            p
            for s in found.cities
            for p in [best_point(s.values, self.region, None)]
            if self._near_region(p)
        ]
        hint = hint_point(cities, gaz.zips.get(named_zip) if named_zip else None)
        precise = (
            self._corner(found.corners, hint, named_zip)
            or self._named(found, hint, named_zip)
            or self._corner(found.loose_corners, hint, named_zip)
        )
        if precise:
            return precise
        if self.online is not None:
            online = self.online.lookup(text, cities[0].name if cities else None)
            if online is not None:
                return online
        if named_zip:
            lat, lon = gaz.zips[named_zip]
            return GeoResult(lat, lon, PRECISION_M["zip"], "gazetteer", "zip", named_zip, named_zip)
        if cities:
            c = cities[0]
            return self._result(
                c.lat, c.lon, PRECISION_M["city"], "gazetteer", "city", c.name, None
            )
        return None

    def _corner(
        self, corners: list[CornerMention], hint, named_zip: str | None
    ) -> GeoResult | None:
        options = []
        for c in corners:
            points = [p for p in c.points if self._near_region(p)]
            if points:
                options.append((c, best_point(points, self.region, hint)))
        if not options:
            return None
        # Fewest spelling fixes, then the longest names read, then the best fit to city/region.
        mention, point = min(
            options,
            key=lambda cp: (
                cp[0].edits,
                -(cp[0].first.size + cp[0].second.size),
                rank_key(cp[1], self.region, hint),
            ),
        )
        display = self.gazetteer.streets
        matched = " / ".join(display.get(k, k) for k in mention.streets)
        return self._result(
            point.lat, point.lon, PRECISION_M["corner"], "gazetteer", "corner", matched, named_zip
        )

    def _named(self, found: Mentions, hint, named_zip: str | None) -> GeoResult | None:
        for spans, kind in ((found.stations, "station"), (found.landmarks, "place")):
            point = self._best_named(spans, hint)
            if point:
                return self._result(
                    point.lat,
                    point.lon,
                    PRECISION_M[kind],
                    "gazetteer",
                    kind,
                    point.name,
                    named_zip,
                )
        return None

    def _best_named(self, spans: list[Span[Point]], hint) -> Point | None:
        def key(sp: tuple[Span[Point], Point]):
            span, point = sp
            return (span.edits, not point.primary, -span.size, rank_key(point, self.region, hint))

        options = [(s, p) for s in spans for p in s.values if self._near_region(p)]
        return min(options, key=key)[1] if options else None

    def _near_region(self, point: Point) -> bool:
        # A corner 40 km away that happens to share both names is a misreading, not a report
        # from our neighbourhoods: no place beats a wrong one.
        return self.region.distance_penalty(point.lat, point.lon) <= OUTSIDE_SLACK_M

    def _result(self, lat, lon, precision, source, kind, matched, named_zip) -> GeoResult:
        zip5 = named_zip or self.gazetteer.nearest_zip(lat, lon)
        return GeoResult(
            round(lat, 6), round(lon, 6), float(precision), source, kind, matched, zip5
        )


@functools.lru_cache(maxsize=1)
def get_default_geocoder() -> Geocoder:
    """Shared offline geocoder: default region, no custom places. Cached per process."""
    return Geocoder()
