"""The full-page cache: anonymous visitors get public pages from the shared cache.

What is stored: the complete response (status, headers, body) to an anonymous GET of a page that
Wagtail served, when it is a 200 that sets no cookie, does not vary on cookies and is not marked
private. Requests that carry a session cookie (anyone who may be signed in) or a messages cookie
are never answered from the cache, and nothing they produce is stored; neither are previews,
the admin, search results or any response that rendered a CSRF token (Django then sets the CSRF
cookie and varies on Cookie, which rules it out).

Invalidation: a generation key. Every stored page is tagged with the generation current when its
render started; a publish, unpublish, move, delete, settings, image, privacy or site change
replaces the generation (core.signals), so every page rendered before it is a miss on the very
next request, on every app server, because the key lives in the same shared cache (Redis in
production). We chose a generation over per-page tags because what a page shows depends on much
more than the page: the menu, the footer's contact settings, breadcrumbs and the cards and
listings of other pages (a faculty member appears on the directory, the track's faculty page, each
clinic site's page and the home page). Working out exactly which pages a change touches would be
fragile and a missed dependency would mean a stale page; editorial changes are rare (a few a day),
so rendering every page again after one is cheap. The generation and the page are read in one
round trip (get_many), and orphaned pages simply expire (PAGE_CACHE_SECONDS). The generation is
a random token, not a counter, so an evicted or flushed key can never bring old pages back.

Headers for the layers in front: stored pages carry `Cache-Control: public, max-age=...,
s-maxage=...`; pages that may not be stored carry `private`, so neither a CDN nor a shared proxy
keeps them. `X-Page-Cache: hit | miss | bypass` says what happened.
"""

import hashlib
import logging
import time
import uuid
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re, patch_cache_control

logger = logging.getLogger("portal.page_cache")

CACHE_ALIAS = "shared"
GENERATION_KEY = "page-cache:generation"
STATUS_HEADER = "X-Page-Cache"
# Set by core.wagtail_hooks on requests that Wagtail's page view serves: only those are stored.
PAGE_REQUEST_FLAG = "_portal_page_request"
# The generation a missed request read before rendering (core.generation_memo works under the same one).
GENERATION_REQUEST_ATTR = "_page_cache_generation"
# One render per page when many ask at once: the first miss takes a short lock on the page's key and renders;
# the others wait for what it stores (polling) rather than render the same page again. A render that takes
# longer than the lock, or a response that may not be stored, lets the waiters render for themselves.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 5
RENDER_POLL_SECONDS = 0.02
RENDERING, NOT_STORED = "rendering", "not stored"  # the lock's states, with the generation they are for
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def page_cache():
    return caches[CACHE_ALIAS]


# -- the generation --------------------------------------------------------------------------


def new_generation():
    return uuid.uuid4().hex


def current_generation(cache=None):
    """The current generation token, created if the cache has none (first use, flush, eviction)."""
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


_pending_invalidation = False
_extra_purge_urls = set()  # pages that stopped being live in this change: the CDN must drop them too


def purge_also(page):
    """Purge `page`'s URL from a CDN with the next invalidation, even if it is no longer live."""
    if settings.WAGTAILFRONTENDCACHE and page.url_path:
        url = page.get_full_url()
        if url:
            _extra_purge_urls.add(url)


def invalidate_now():
    """Make every stored page stale at once, on every app server. Returns whether the cache took it."""
    global _pending_invalidation
    cache = page_cache()
    token = new_generation()
    cache.set(GENERATION_KEY, token, timeout=None)
    if cache.get(GENERATION_KEY) != token:
        # Redis is unreachable (the breaker is open): try again on the next request that finds
        # it back, and until then pages rendered before this change expire after PAGE_CACHE_SECONDS.
        _pending_invalidation = True
        logger.warning("The page cache could not be invalidated now; it will be when the cache answers again.")
        return False
    _pending_invalidation = False
    from core.tasks import purge_frontend_cache

    extra = sorted(_extra_purge_urls)
    _extra_purge_urls.clear()
    purge_frontend_cache(extra)
    return True


def invalidate():
    """Invalidate once the current transaction commits (at once outside one), at most once per transaction.

    After the commit, so that no app server can render the old content under the new generation.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is invalidate_now for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(invalidate_now)


# -- which requests and responses ------------------------------------------------------------


def may_use_cache(request):
    """Whether this request may be answered from the cache (and its response stored)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(ADMIN_PREFIXES):
        return False
    cookies = request.COOKIES
    # A session cookie means the visitor may be signed in: their pages carry the userbar and
    # may show drafts. (Sessions are only created by signing in or by a password-protected page.)
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def may_store(request, response):
    """Whether this response may be stored and served to every anonymous visitor."""
    if not getattr(request, PAGE_REQUEST_FLAG, False) or getattr(request, "is_preview", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "cookie" in {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", ""))}:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


def cache_key(request):
    """One key per scheme, host, path, meaningful query string and content encoding."""
    ignored = set(settings.PAGE_CACHE_IGNORED_QUERY_PARAMS)
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(request.META.get("QUERY_STRING", ""), True) if k not in ignored)
    )
    encoding = "gzip" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "identity"
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}#{encoding}"
    return "page-cache:page:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def _freeze(response, generation):
    return (generation, response.status_code, list(response.items()), response.content, time.time())


def _thaw(entry, request):
    _, status, headers, content, stored_at = entry
    response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response["Age"] = str(max(0, int(time.time() - stored_at)))
    response[STATUS_HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Answers anonymous page requests from the shared cache, and stores what may be stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        if not may_use_cache(request):
            return self.mark_uncacheable(request, self.get_response(request))
        try:
            key = cache_key(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in

        cache = page_cache()
        if _pending_invalidation:
            invalidate_now()
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            return _thaw(entry, request)
        if generation is None:
            generation = current_generation(cache)
            if generation is None:  # the cache is unreachable: render, store nothing
                return self.mark_uncacheable(request, self.get_response(request))
        setattr(request, GENERATION_REQUEST_ATTR, generation)

        if request.method != "GET":
            return self.render(request, cache, key, generation)
        lock = key + ":rendering"
        owner = cache.add(lock, (generation, RENDERING), timeout=RENDER_LOCK_SECONDS)
        if not owner:
            entry = self.wait_for_render(cache, key, lock, generation)
            if entry is not None:
                return _thaw(entry, request)
        try:
            response = self.render(request, cache, key, generation)
        except BaseException:
            if owner:
                cache.delete(lock)
            raise
        if owner:
            if response.get(STATUS_HEADER) == "miss":
                cache.delete(lock)
            else:  # not storable (a 404, a page that sets a cookie): nobody need wait for it
                cache.set(lock, (generation, NOT_STORED), timeout=RENDER_LOCK_SECONDS)
        return response

    @staticmethod
    def wait_for_render(cache, key, lock, generation):
        """While another request renders this page under this generation, wait for what it stores (or None)."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            found = cache.get_many([key, lock])
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                return entry
            if found.get(lock) != (generation, RENDERING):
                return None  # it stored nothing, or gave up, or the cache is down: render here
            time.sleep(RENDER_POLL_SECONDS)
        return None

    def render(self, request, cache, key, generation):
        response = self.get_response(request)
        if request.method == "GET" and generation is not None and may_store(request, response):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
                s_maxage=settings.PAGE_CACHE_CDN_SECONDS,
            )
            cache.set(key, _freeze(response, generation), settings.PAGE_CACHE_SECONDS)
            response[STATUS_HEADER] = "miss"
            return response
        return self.mark_uncacheable(request, response)

    @staticmethod
    def mark_uncacheable(request, response):
        """A page that was not stored here must not be stored by a CDN or proxy either."""
        if getattr(request, PAGE_REQUEST_FLAG, False) and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        if getattr(request, PAGE_REQUEST_FLAG, False):
            response[STATUS_HEADER] = "bypass"
        return response


class CookielessVisitorMiddleware:
    """A request without a session cookie is an anonymous visitor: say so without opening the session.

    Django's lazy `request.user` reads the (empty) session the first time a template asks who is
    there, as the Wagtail userbar does on every page, and reading the session makes the response
    `Vary: Cookie`, which would rule every page out of the cache and out of a CDN. Without a
    session cookie the answer is known: AnonymousUser. Signing in replaces `request.user` as usual,
    and code that reads the session itself (a password-protected page) still varies on Cookie.
    Goes right after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            request.user = AnonymousUser()
        return self.get_response(request)


class AnonymousGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for anonymous responses only.

    Compressing a response that holds a secret (a CSRF token, a signed-in user's data) beside text an
    attacker can choose lets them guess the secret from the compressed size (BREACH). Anonymous pages
    hold no secret; the admin, signed-in pages and anything that sets or varies on a cookie stay
    uncompressed. (Django also pads compressed bodies with random bytes: Heal The Breach.)
    """

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIXES) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        if response.cookies or "cookie" in response.get("Vary", "").lower():
            return response
        return super().process_response(request, response)
