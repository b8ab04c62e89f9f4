"""Optional online geocoding of street addresses ("6500 Pacific Blvd"), through geopy.

Off by default: the offline gazetteer has no house numbers, and an address is the one thing
an online service adds. Only the address is sent (never the rest of the text, which may
name people), results outside the region are dropped, and answers are cached so forty
reports of one raid cost one request. Any error of the service means "no result": a slow or
failing provider must not hold up a report.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Container
from typing import Any, Protocol

from core.geo import vocab
from core.geo.gazetteer import load_gazetteer
from core.geo.region import Region
from core.geo.result import GeoResult
from core.geo.text import fold

ADDRESS_PRECISION_M = 50.0
CONFIDENCE = 0.8
"""How sure an online answer is: the service read the address, we checked only the region."""

_TYPES = (
    r"ave|avenue|av|st|street|blvd|boulevard|bl|dr|drive|rd|road|way|pl|place|ln|lane|ct|hwy"
    r"|highway"
)
_ADDRESS = re.compile(
    rf"(?<![\d-])(\d{{3,6}})\s+((?:[nsew]\.?\s+)?[a-z][a-z0-9]*(?:\s+[a-z][a-z0-9]*){{0,2}}?)"
    rf"(?:\s+({_TYPES})\b\.?)?(?=\s|,|$|\.)"
)


class GeopyLike(Protocol):
    """What we use of a geopy geocoder (``geopy.geocoders.Nominatim`` and friends)."""

    def geocode(self, query: str, *args: Any, **kwargs: Any) -> Any:
        """A ``geopy.Location`` (``.latitude``, ``.longitude``) or None."""


def extract_address(
    text: str, street_words: frozenset[str] | set[str], zips: Container[str] = frozenset()
) -> str | None:
    """``"6500 pacific blvd"`` from a text, or None when it holds no house-number address.

    The street must carry a type ("Blvd") or start with a known street word, so "12000
    dollars" or "3 vans" never leave the machine.
    """
    for m in _ADDRESS.finditer(fold(text)):
        number, street, kind = m.group(1), m.group(2), m.group(3)
        words = street.split()
        first = words[-1] if words[0] in ("n", "s", "e", "w") else words[0]
        if first in vocab.STREET_TYPES or number in zips:
            continue  # "the 710 freeway", "90255 pacific" (a ZIP, not a house number)
        if kind or first in street_words:
            return " ".join(p for p in (number, street, kind) if p)
    return None


class OnlineGeocoder:
    """Looks up addresses with a geopy geocoder; cached, region-checked, never raises."""

    def __init__(
        self,
        geocoder: GeopyLike,
        *,
        region: Region | None = None,
        context: str = "Los Angeles County, CA, USA",
        timeout: float = 3.0,
        cache_size: int = 1024,
    ) -> None:
        self._geocoder = geocoder
        self.region = region or Region()
        self.context = context
        self.timeout = timeout
        self._cache: OrderedDict[str, GeoResult | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.calls = 0  # requests actually sent (for tests and metrics)

    @classmethod
    def from_setting(cls, name: str, *, region: Region | None = None) -> OnlineGeocoder | None:
        """Same as ``make_online_geocoder``: ``""`` → None, ``"nominatim"`` → a geocoder."""
        return make_online_geocoder(name, region=region)

    def lookup(self, text: str, city: str | None = None) -> GeoResult | None:
        """The address in ``text`` as a point, or None (no address, no answer, outside the
        region, or any error of the service)."""
        gaz = load_gazetteer()
        address = extract_address(text, gaz.street_words, gaz.zips)
        if address is None:
            return None
        query = f"{address}, {city or ''}, {self.context}".replace(", ,", ",")
        with self._lock:
            if query in self._cache:
                self._cache.move_to_end(query)
                return self._cache[query]
        result = self._ask(query, address)
        with self._lock:
            self._cache[query] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def _ask(self, query: str, address: str) -> GeoResult | None:
        self.calls += 1
        try:
            location = self._geocoder.geocode(query, exactly_one=True, timeout=self.timeout)
            lat, lon = float(location.latitude), float(location.longitude)
        except Exception:  # noqa: BLE001 - geopy's errors, timeouts, odd answers: all "no result"
            return None
        if not self.region.contains(lat, lon):
            return None
        zip5 = load_gazetteer().nearest_zip(lat, lon)
        return GeoResult(
            round(lat, 6),
            round(lon, 6),
            ADDRESS_PRECISION_M,
            "online",
            "address",
            address,
            zip5,
            CONFIDENCE,
        )


def make_online_geocoder(name: str, *, region: Region | None = None) -> OnlineGeocoder | None:
    """An ``OnlineGeocoder`` from a setting value: ``""`` (off) or ``"nominatim"``.

    Raises ``ValueError`` for an unknown name, so a typo fails at start-up.
    """
    name = (name or "").strip().lower()
    if not name:
        return None
    if name == "nominatim":
        from geopy.geocoders import Nominatim  # imported only when switched on

        return OnlineGeocoder(Nominatim(user_agent="avisa-hotline"), region=region)
    raise ValueError(f"unknown online geocoder {name!r}; use '' or 'nominatim'")
