"""The geocoder a job uses: the offline gazetteer plus the coordinators' own places."""

from sqlmodel import Session, select

from core.geo import CustomPlace, Geocoder, Region
from core.models import Place
from core.settings import Settings


def geocoder_for(session: Session, settings: Settings) -> Geocoder:
    places = [CustomPlace(name=p.name, aliases=tuple(p.aliases), lat=p.lat, lon=p.lon, precision_m=p.precision_m)
              for p in session.exec(select(Place))]
    return Geocoder(region=Region.parse(settings.region), places=places, online=_online(settings))


def _online(settings: Settings):
    if not settings.online_geocoder:
        return None
    from core.geo.online import OnlineGeocoder  # noqa: PLC0415 — geopy only when configured

    return OnlineGeocoder.from_setting(settings.online_geocoder)
