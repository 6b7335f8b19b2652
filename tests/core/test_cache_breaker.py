"""A hung or dead Redis costs one short timeout, then the cache is skipped for a while and logged once.

Against a redis-server this test starts and pauses with SIGSTOP: the process keeps its port and never
answers, which is what a hung server looks like to a client (the hard case; a dead one refuses at once).
"""

import logging
import time

import pytest

from core.cache_backends import ResilientRedisCache, breaker_for
from tests.services import paused, redis_server, redis_server_path, stop

TIMEOUT = 0.25  # the socket timeout the settings give django-redis (REDIS_TIMEOUT)
# A call that meets the timeout may take it plus scheduling noise on a busy 2-core CI machine; a call
# that the open breaker skips must not touch the network at all.
ONE_TIMEOUT_BOUND = TIMEOUT + 0.5
SKIPPED_CALL_BOUND = 0.005

pytestmark = pytest.mark.skipif(redis_server_path() is None, reason="redis-server is not installed")


@pytest.fixture
def redis():
    with redis_server() as (process, url):
        yield process, url


def make_cache(url, cooldown=30):
    options = {"SOCKET_TIMEOUT": TIMEOUT, "SOCKET_CONNECT_TIMEOUT": TIMEOUT}
    cache = ResilientRedisCache(url, {"OPTIONS": options, "KEY_PREFIX": "breaker-test"})
    breaker_for(url, cooldown).cooldown = cooldown
    return cache


def timed(call):
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


def outage_lines(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "portal.cache"]


def test_a_hung_redis_costs_one_timeout_then_is_skipped_and_logged_once(redis, caplog):
    process, url = redis
    cache = make_cache(url)
    cache.set("key", "value")
    assert cache.get("key") == "value"

    caplog.set_level(logging.WARNING, logger="portal.cache")
    with paused(process):
        value, first = timed(lambda: cache.get("key", "fallback"))
        assert value == "fallback"
        assert TIMEOUT * 0.8 <= first < ONE_TIMEOUT_BOUND, first
        # Everything after that, reads and writes, is answered at once as a miss.
        for call in (
            lambda: cache.get("key"),
            lambda: cache.get_many(["key", "other"]),
            lambda: cache.set("key", "new"),
            lambda: cache.add("other", 1),
            lambda: cache.delete("key"),
        ):
            _, seconds = timed(call)
            assert seconds < SKIPPED_CALL_BOUND, seconds
        assert cache.get_many(["key"]) == {}
        assert len(outage_lines(caplog)) == 1
        assert "is unavailable" in outage_lines(caplog)[0] and "30 s" in outage_lines(caplog)[0]
        assert "Traceback" not in caplog.text


def test_after_the_cooldown_one_call_tries_again_and_recovery_is_logged(redis, caplog):
    process, url = redis
    cache = make_cache(url, cooldown=0.3)
    cache.set("key", "value")
    caplog.set_level(logging.WARNING, logger="portal.cache")
    with paused(process):
        cache.get("key")  # opens the breaker
        time.sleep(0.35)
        _, retry = timed(lambda: cache.get("key"))  # a trial: still hung, one more timeout...
        assert retry >= TIMEOUT * 0.8
        _, skipped = timed(lambda: cache.get("key"))  # ...and the breaker is open again
        assert skipped < SKIPPED_CALL_BOUND
        assert len(outage_lines(caplog)) == 1  # the same outage is not logged again
    time.sleep(0.35)
    assert cache.get("key") == "value"
    lines = outage_lines(caplog)
    assert len(lines) == 2 and "answers again" in lines[1]


def test_a_dead_redis_fails_at_once(redis, caplog):
    process, url = redis
    cache = make_cache(url)
    stop(process)
    caplog.set_level(logging.WARNING, logger="portal.cache")
    value, seconds = timed(lambda: cache.get("key", "fallback"))
    assert value == "fallback" and seconds < ONE_TIMEOUT_BOUND
    for _ in range(20):
        assert cache.get("key") is None
    assert len(outage_lines(caplog)) == 1
