"""Which basemap the console serves (``AVISA_BASEMAP``), and the one it ships.

The shipped file is built by ``scripts/build_basemap.py`` from OpenStreetMap data
(© OpenStreetMap contributors, ODbL 1.0); see ``console/data/ATTRIBUTION.md``.
"""

from pathlib import Path

from core.settings import Settings

SHIPPED = Path(__file__).resolve().parent / "data" / "basemap.pmtiles"
OFF = "off"


def basemap_path(settings: Settings) -> Path | None:
    """The .pmtiles file to serve, or None: switched off, or the file is missing."""
    setting = settings.basemap.strip()
    if setting.lower() == OFF:
        return None
    path = Path(setting) if setting else SHIPPED
    return path if path.is_file() else None
