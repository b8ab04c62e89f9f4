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
