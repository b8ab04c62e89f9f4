"""Offline geocoding for Avisa: "Pacific y Florence", "estación Florence", "90255" → a point.

Public API (stable)::

    from core.geo import (GeoResult, Geocoder, CustomPlace, Region, haversine_m, bounding_box,
                          nearest_zip, zip_centroid, get_default_geocoder)

Modules: ``geocoder`` (the chain), ``parser`` (text → corner/station/landmark/city mentions),
``zips`` (ZIPs in a text), ``places`` (coordinator places), ``resolve`` (same-named places),
``gazetteer`` (the shipped data, indexed), ``names`` (multi-word name search), ``spelling``
(typo correction), ``text`` and ``vocab`` (folding, word lists), ``region``, ``distance``,
``result``, ``houses`` (house numbers), ``online`` (optional geopy lookups of street
addresses), ``calibration`` (raw scores → measured confidence). The data file is rebuilt by
``avisa gazetteer build`` (``core.geo.builder``, build extra only); every answer carries a
calibrated ``confidence`` and below the geocoder's ``min_confidence`` is None.
"""

from core.geo.distance import bounding_box, haversine_m
from core.geo.gazetteer import nearest_zip, zip_centroid
from core.geo.geocoder import Geocoder, get_default_geocoder
from core.geo.region import Region
from core.geo.result import CustomPlace, GeoResult

__all__ = [
    "CustomPlace",
    "GeoResult",
    "Geocoder",
    "Region",
    "bounding_box",
    "get_default_geocoder",
    "haversine_m",
    "nearest_zip",
    "zip_centroid",
]
