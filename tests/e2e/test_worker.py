"""``avisa worker`` as an operator sees it: quiet while idle, and healthy by RQ's heartbeat."""

from avisa.worker import healthcheck, make_worker
from workers.queues import redis_for, worker_redis


def test_an_idle_worker_reads_longer_than_it_blocks(settings):
    # Shorter reads than RQ's blocking dequeue make a healthy idle worker log an ERROR every few s.
    worker = make_worker(worker_redis(settings.redis_url))
    read_timeout = worker.connection.connection_pool.connection_kwargs["socket_timeout"]
    assert read_timeout >= worker.connection_timeout > worker.dequeue_timeout
    # … while the API's and the jobs' client still fails a stuck call within seconds. (A fresh
    # one: an in-process worker, as replay runs, raises the timeout of the client it is given.)
    fresh = redis_for.__wrapped__(settings.redis_url)
    assert fresh.connection_pool.connection_kwargs["socket_timeout"] <= 5


def test_healthcheck_follows_this_hosts_rq_heartbeat(db, settings, capsys):
    assert healthcheck() == 1
    worker = make_worker(worker_redis(settings.redis_url))
    worker.register_birth()
    try:
        assert healthcheck() == 0
        assert worker.name in capsys.readouterr().out
    finally:
        worker.register_death()
    assert healthcheck() == 1
