"""A worker reads the gazetteer when it starts, not when its first report comes in."""

import avisa.worker as worker
from workers import geocoding


def test_worker_loads_the_gazetteer_before_its_first_job(monkeypatch):
    order: list[str] = []
    monkeypatch.setattr(geocoding, "preload", lambda settings: order.append("gazetteer"))
    monkeypatch.setattr(worker, "configure", lambda: None)
    monkeypatch.setattr(worker, "get_redis", lambda: None)
    monkeypatch.setattr(worker, "worker_redis", lambda url: None)

    class FakeWorker:
        def work(self, **kwargs):
            order.append("work")

    monkeypatch.setattr(worker, "make_worker", lambda connection: FakeWorker())
    assert worker.run(burst=True) == 0
    assert order == ["gazetteer", "work"]


def test_preload_loads_the_configured_gazetteer(monkeypatch):
    calls = []
    monkeypatch.setattr(geocoding, "load_gazetteer", lambda path: calls.append(path))

    class Settings:
        gazetteer = ""

    geocoding.preload(Settings())  # type: ignore[arg-type]
    assert calls == [None]


def test_the_threshold_and_the_gazetteer_are_settings(monkeypatch, tmp_path):
    from core.settings import Settings

    monkeypatch.setattr(geocoding, "as_custom_places", lambda session: [])
    strict = geocoding.geocoder_for(None, Settings(geo_min_confidence=0.99))  # type: ignore[arg-type]
    assert strict.min_confidence == 0.99
    assert strict.geocode("hay migra en Shadow Hills") is None
    assert geocoding.geocoder_for(None, Settings()).geocode("hay migra en Shadow Hills")
    monkeypatch.setenv("AVISA_GAZETTEER", str(tmp_path / "none.json.gz"))
    assert Settings().gazetteer.endswith("none.json.gz")
