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
