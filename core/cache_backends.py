"""A Redis cache that fails fast and quietly: django-redis behind a circuit breaker.

django-redis with IGNORE_EXCEPTIONS already turns a Redis error into a cache miss, but it pays
the socket timeout on every call and logs a traceback each time. Wagtail and the page cache make
many cache calls per request, so a hung Redis (one that accepts connections but never answers,
like a SIGSTOPped process or a saturated host) used to cost seconds per page, and a dead one
filled the logs.

Here the first connection error or timeout opens the breaker: for `REDIS_BREAKER_SECONDS` every
cache call in this process returns at once as a miss (reads return the default, writes do
nothing), and the outage is logged once. When the period is over, the next call tries Redis
again: success closes the breaker (and logs that Redis is back), failure opens it for another
period without a new log line. So a page costs at most one short timeout (`REDIS_TIMEOUT`) per
process per period.

The breaker is per process and per Redis server (keyed by its address), so the "default" and
"shared" cache aliases, which use the same Redis, trip and recover together.
"""

import logging
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("portal.cache")

# Failures that mean "Redis is unreachable", as opposed to a bad command.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, socket.timeout, ConnectionError, OSError)


def redacted(location):
    """A Redis URL without its password, for log lines."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class CircuitBreaker:
    """Open (skip Redis) for `cooldown` seconds after a failure; closed (use Redis) otherwise."""

    def __init__(self, name, cooldown):
        self.name = name
        self.cooldown = cooldown
        self.open_until = 0.0  # monotonic time; 0 when closed
        self.outage_logged = False
        self._lock = threading.Lock()

    @property
    def is_open(self):
        return self.open_until and time.monotonic() < self.open_until

    def allow(self):
        """Whether a call may go to Redis now (closed, or open with its period over: a trial)."""
        return not self.is_open

    def failed(self, error):
        with self._lock:
            self.open_until = time.monotonic() + self.cooldown
            if not self.outage_logged:
                self.outage_logged = True
                logger.warning(
                    "Redis at %s is unavailable (%s: %s); skipping the cache for %g s at a time until it answers.",
                    self.name,
                    type(error).__name__,
                    error,
                    self.cooldown,
                )

    def succeeded(self):
        if not self.open_until:
            return
        with self._lock:
            if self.outage_logged:
                logger.warning("Redis at %s answers again; the cache is back on.", self.name)
            self.open_until = 0.0
            self.outage_logged = False


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, cooldown):
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(redacted(location), cooldown)
        return _breakers[location]


class _GuardedClient:
    """Wraps django-redis's client: every call first asks the breaker, and reports how it went."""

    def __init__(self, client, breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        breaker = self._breaker

        def guarded(*args, **kwargs):
            if not breaker.allow():
                raise ConnectionInterrupted(connection=None)  # the cache turns this into a miss
            try:
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as exc:
                if isinstance(exc.__cause__, OUTAGE_ERRORS):
                    breaker.failed(exc.__cause__)
                raise
            except OUTAGE_ERRORS as exc:  # raised outside django-redis's own try blocks
                breaker.failed(exc)
                raise ConnectionInterrupted(connection=None) from exc
            breaker.succeeded()
            return result

        return guarded


class ResilientRedisCache(RedisCache):
    """django-redis's RedisCache with errors ignored quietly and a circuit breaker in front."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**params.get("OPTIONS", {})}}
        pool_kwargs = {**params["OPTIONS"].get("CONNECTION_POOL_KWARGS", {})}
        # redis-py retries a timed-out command three times by default: that would be four
        # timeouts, not one, before the breaker could open.
        pool_kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        params["OPTIONS"]["CONNECTION_POOL_KWARGS"] = pool_kwargs
        super().__init__(server, params)
        self._ignore_exceptions = True
        self._log_ignored_exceptions = False
        self._breaker = breaker_for(server, getattr(settings, "REDIS_BREAKER_SECONDS", 30))

    @property
    def client(self):
        return _GuardedClient(super().client, self._breaker)
