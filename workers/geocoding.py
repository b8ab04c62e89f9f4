"""The geocoder a job uses: the offline gazetteer plus the coordinators' own places."""

from functools import lru_cache

from sqlmodel import Session

from core.geo import Geocoder, Region
from core.places import as_custom_places
from core.settings import Settings


def geocoder_for(session: Session, settings: Settings) -> Geocoder:
    places = as_custom_places(session)
    return Geocoder(region=Region.parse(settings.region), places=places, online=_online(settings))


def _online(settings: Settings):
    return _online_for(settings.online_geocoder) if settings.online_geocoder else None


@lru_cache(maxsize=4)
def _online_for(setting: str):
    """One online geocoder per process and setting: its answer cache must outlive a single job."""
    from core.geo.online import OnlineGeocoder  # noqa: PLC0415 — geopy only when configured

    return OnlineGeocoder.from_setting(setting)
