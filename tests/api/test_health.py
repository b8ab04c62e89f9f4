from tests.conftest import sms_form


def test_health_ready_and_metrics(client, twilio_post, work):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"database": "ok", "redis": "ok"}
    twilio_post("/twilio/sms", sms_form("+13105550001", "ICE at Pacific and Florence"))
    before = client.get("/metrics").text
    assert (
        'avisa_queue_jobs{queue="urgent"} 1.0' in before
        and "avisa_inbound_unprocessed 1.0" in before
    )
    work()
    after = client.get("/metrics").text
    assert (
        'avisa_incidents{status="reported"} 1.0' in after
        and "avisa_inbound_unprocessed 0.0" in after
    )
    assert "avisa_redis_up 1.0" in after


def test_metrics_need_the_token_when_one_is_set(monkeypatch, settings, db):
    from fastapi.testclient import TestClient

    from api.app import create_app

    guarded = settings.model_copy(update={"metrics_token": "s3cret-token"})
    with TestClient(create_app(guarded)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        good = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert good.status_code == 200 and "avisa_redis_up" in good.text
        assert client.get("/healthz").status_code == 200
