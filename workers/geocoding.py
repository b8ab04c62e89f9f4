"""The geocoder a job uses: the gazetteer named by the settings plus the coordinators' places."""

from functools import lru_cache

from sqlmodel import Session

from core.geo import Geocoder, Region
from core.geo.gazetteer import load_gazetteer
from core.places import as_custom_places
from core.settings import Settings


def geocoder_for(session: Session, settings: Settings) -> Geocoder:
    """A geocoder for ``settings`` (region, ``AVISA_GAZETTEER``, online service) with the
    places in the database. The gazetteer and the online geocoder are loaded once per process
    (per path, per setting); only the places are read per call."""
    region = Region.parse(settings.region)
    return Geocoder(
        region=region,
        places=as_custom_places(session),
        online=_online(settings, region),
        gazetteer=gazetteer_for(settings),
        min_confidence=settings.geo_min_confidence,
    )


def gazetteer_for(settings: Settings):
    """The gazetteer at ``settings.gazetteer`` (empty: the shipped one), cached per path."""
    return load_gazetteer(settings.gazetteer or None)


def preload(settings: Settings) -> None:
    """Read and index the gazetteer now (a second or two), at the worker's start: otherwise
    the first report after a start or a deploy waits for it while a raid goes on."""
    gazetteer_for(settings)


def _online(settings: Settings, region: Region):
    if not settings.online_geocoder:
        return None
    return _online_for(settings.online_geocoder, region)


@lru_cache(maxsize=4)
def _online_for(setting: str, region: Region):
    """One online geocoder per process, setting and region: its answer cache must outlive a
    single job, and its region check must be the served region (``AVISA_REGION``)."""
    from core.geo.online import OnlineGeocoder  # noqa: PLC0415 — geopy only when configured

    return OnlineGeocoder.from_setting(setting, region=region)
