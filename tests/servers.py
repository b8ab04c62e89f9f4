"""Real servers for the test session: the throwaway PostgreSQL cluster (``avisa.testing.postgres``,
shared with bench/), and waiting for a condition."""

import time

from avisa.testing.postgres import PostgresServer, postgres_bin

__all__ = ["PostgresServer", "postgres_bin", "wait_for"]


def wait_for(predicate, timeout: float = 10, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError("condition not met in time")
