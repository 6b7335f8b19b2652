"""The page cache's memory, measured in a real Redis: junk query strings add nothing, and the slots cap the rest.

A redis-server of the test's own (tests/services.py), the shared cache pointed at it exactly as production's
settings point it at REDIS_URL, and Redis' own INFO memory and DBSIZE before and after the attack.
"""

import uuid

import pytest
import redis

from core.page_cache import STATUS_HEADER
from home.factories import StandardPageFactory
from tests.services import redis_server, redis_server_path

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(redis_server_path() is None, reason="redis-server is not installed (CI installs it)"),
]


@pytest.fixture
def redis_page_cache(settings):
    with redis_server() as (_, url):
        shared = {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-shared",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
        settings.CACHES = {**settings.CACHES, "shared": shared}
        settings.PAGE_CACHE_ENABLED = True
        yield redis.Redis.from_url(url)


def used_memory(server):
    return server.info("memory")["used_memory"]


def test_three_hundred_junk_requests_add_no_entry_and_no_memory(client, site_tree, redis_page_cache):
    server = redis_page_cache
    curriculum, directory = site_tree.curriculum.url, site_tree.faculty_index.url
    for url in (curriculum, directory):
        assert client.get(url)[STATUS_HEADER] == "miss"
    keys_before, memory_before = server.dbsize(), used_memory(server)

    for number in range(100):
        client.get(f"{curriculum}?q={uuid.uuid4().hex}&{uuid.uuid4().hex[:6]}={number}")
        client.get(f"{directory}?page={uuid.uuid4().hex}")
        client.get(f"{directory}?interest={uuid.uuid4().hex}&site={uuid.uuid4().hex}")

    keys_after, memory_after = server.dbsize(), used_memory(server)
    print(f"\nRedis, 300 junk requests: {keys_before} -> {keys_after} keys, {memory_before} -> {memory_after} bytes")
    assert keys_after == keys_before
    assert memory_after - memory_before < 64 * 1024  # allocator noise, not pages


def test_the_slots_cap_the_number_of_pages_in_redis(client, site_tree, redis_page_cache, settings):
    settings.PAGE_CACHE_MAX_ENTRIES = 10
    server = redis_page_cache
    for number in range(40):
        StandardPageFactory(parent=site_tree.home, title=f"Page {number}", slug=f"page-{number}")
    for number in range(40):
        for encoding in ("gzip", ""):
            assert client.get(f"/page-{number}/", HTTP_ACCEPT_ENCODING=encoding).status_code == 200
    pages = [key for key in server.keys("*") if b"page-cache:slot:" in key]
    sizes = [server.memory_usage(key) for key in pages]
    print(f"\n80 pages into 10 slots: {len(pages)} keys in Redis, {max(sizes)} bytes at most each")
    assert len(pages) <= 10
