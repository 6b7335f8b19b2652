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

Keys and bounds: a page is stored under its scheme, host, path and content encoding, plus only the query
parameters its page type reads (`cache_query_parameters`, e.g. a directory's page number and filters), and
only when those hold values the page actually used (`note_query`): a junk value is rendered and not stored.
Any other parameter is answered from the page's copy without it (pages build their links from what they
read, never from the raw query string), so junk query strings cannot fill the cache.
`Accept-Encoding` is read with the rule Django's GZipMiddleware uses (`gzip` as a whole token). Entries live in
PAGE_CACHE_MAX_ENTRIES fixed slots (each address may use one of two, chosen from its hash; a new page takes
the empty, stale or older one), so the cache holds at most that many pages, each at most
PAGE_CACHE_MAX_ENTRY_BYTES, whatever visitors send: memory is bounded with no index to keep.

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
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import cc_delim_re, patch_cache_control

from core.admin_utils import is_admin_path

logger = logging.getLogger("portal.page_cache")

CACHE_ALIAS = "shared"
GENERATION_KEY = "page-cache:generation"
STATUS_HEADER = "X-Page-Cache"
# Set by core.wagtail_hooks on requests that Wagtail's page view serves: only those are stored.
PAGE_REQUEST_FLAG = "_portal_page_request"
# Also set by that hook: the query parameters the served page's type reads (its cache_query_parameters).
QUERY_PARAMETERS_ATTRIBUTE = "_page_cache_query_parameters"
# Filled while the page renders (note_query): the values of those parameters the page actually used.
EFFECTIVE_QUERY_ATTRIBUTE = "_page_cache_effective_query"
SLOT_KEY_PREFIX = "page-cache:slot:"
# The generation a missed request read before rendering (core.generation_memo works under the same one).
GENERATION_REQUEST_ATTR = "_page_cache_generation"
# One render per page when many ask at once: the first miss takes a short lock on the page's key and renders;
# the others wait for what it stores (polling) rather than render the same page again. A render that takes
# longer than the lock, or a response that may not be stored, lets the waiters render for themselves. One lock
# per path (not per address), so junk parameters cannot add keys, and the lock lives only while it renders.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 5
RENDER_POLL_SECONDS = 0.02
RENDER_LOCK_PREFIX = "page-cache:rendering:"


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
    # Imported here: core.tasks imports the models, and the models' settings memo (core.generation_memo) imports
    # this module, so a top-level import would be a loop.
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
    if is_admin_path(request.path_info):
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
    if len(response.content) > settings.PAGE_CACHE_MAX_ENTRY_BYTES:
        return False
    if "cookie" in {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", ""))}:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


# -- keys ------------------------------------------------------------------------------------


def note_query(request, **values):
    """Called by a page while it renders: the values of its query parameters that it used.

    A page is stored only when the request's parameters are exactly these (a page number that exists, a
    filter value the directory offers); `?page=abc` or `?interest=<junk>` renders the same page as the
    canonical address, and storing each would let junk fill the cache. A value of None means "not used".
    """
    if request is None:
        return
    effective = request.__dict__.setdefault(EFFECTIVE_QUERY_ATTRIBUTE, {})
    for name, value in values.items():
        if value is None or value == "":
            effective.pop(name, None)
        else:
            effective[name] = str(value)


def request_query(request):
    """The request's query parameters that may change a page: [(name, value)], campaign tags left out."""
    ignored = set(settings.PAGE_CACHE_IGNORED_QUERY_PARAMS)
    return [(k, v) for k, v in parse_qsl(request.META.get("QUERY_STRING", ""), True) if k not in ignored]


def accepts_gzip(request):
    """Django's own test (GZipMiddleware): `gzip` as a whole token of Accept-Encoding, not a substring."""
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def page_address(request, query):
    """What a stored page is for: scheme, host, path, the given query parameters (sorted) and the encoding."""
    encoding = "gzip" if accepts_gzip(request) else "identity"
    return f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(sorted(query))}#{encoding}"


def slot_keys(address):
    """The two cache slots (of PAGE_CACHE_MAX_ENTRIES) where the page for `address` may live."""
    digest = hashlib.sha256(address.encode()).hexdigest()
    slots = settings.PAGE_CACHE_MAX_ENTRIES
    first, second = int(digest[:16], 16) % slots, int(digest[16:32], 16) % slots
    return [f"{SLOT_KEY_PREFIX}{first}", f"{SLOT_KEY_PREFIX}{second}"]


def _freeze(response, generation, address, query_parameters):
    return (address, generation, tuple(query_parameters), response.status_code, list(response.items()),
            response.content, time.time())  # fmt: skip


def _fresh(found, keys, address, generation):
    """The entry stored for `address` in one of `keys` under the current generation, or None."""
    for key in keys:
        entry = found.get(key)
        if entry is not None and entry[0] == address and entry[1] == generation:
            return entry
    return None


def _choose_slot(found, keys, address, generation):
    """Where to store the page for `address`: its own slot, else an empty or stale one, else the older one."""
    entries = [(key, found.get(key)) for key in keys]
    for key, entry in entries:
        if entry is not None and entry[0] == address:
            return key
    for key, entry in entries:
        if entry is None or entry[1] != generation:
            return key
    return min(entries, key=lambda item: item[1][-1])[0]


def _thaw(entry, request):
    _, _, _, status, headers, content, stored_at = entry
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
            query = request_query(request)
            address = page_address(request, query)
            canonical = page_address(request, [])
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in

        cache = page_cache()
        if _pending_invalidation:
            invalidate_now()
        keys = slot_keys(address)
        canonical_keys = slot_keys(canonical) if query else []
        looked_up = [GENERATION_KEY, *keys, *canonical_keys]
        found = cache.get_many(looked_up)
        generation = found.get(GENERATION_KEY)
        if generation is not None:
            entry = _fresh(found, keys, address, generation) or self.canonical_copy(
                cache, request, query, found, canonical_keys, canonical, generation
            )
            if entry is not None:
                return _thaw(entry, request)
        else:
            generation = current_generation(cache)
            if generation is None:  # the cache is unreachable: render, store nothing
                return self.mark_uncacheable(request, self.get_response(request))
        setattr(request, GENERATION_REQUEST_ATTR, generation)

        def stored_copy(found):
            return _fresh(found, keys, address, generation) or self.canonical_copy(
                cache, request, query, found, canonical_keys, canonical, generation
            )

        def render():
            response = self.get_response(request)
            storable = request.method == "GET" and may_store(request, response)
            if storable and self.store(cache, request, response, query, found, looked_up, generation):
                return response
            return self.mark_uncacheable(request, response)

        if request.method != "GET":
            return render()
        lock = RENDER_LOCK_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()
        owner = cache.add(lock, generation, timeout=RENDER_LOCK_SECONDS)
        if not owner:
            entry = self.wait_for_render(cache, looked_up, lock, generation, stored_copy)
            if entry is not None:
                return _thaw(entry, request)
        try:
            return render()
        finally:
            if owner:
                cache.delete(lock)

    @staticmethod
    def wait_for_render(cache, looked_up, lock, generation, stored_copy):
        """While another request renders this page under this generation, wait for what it stores (or None)."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            found = cache.get_many([*looked_up, lock])
            entry = stored_copy(found)
            if entry is not None:
                return entry
            if found.get(lock) != generation:
                return None  # it stored nothing, or gave up, or the cache is down: render here
        return None

    @staticmethod
    def canonical_copy(cache, request, query, found, canonical_keys, canonical, generation):
        """For a request with parameters: the page without those its type does not read, if it is stored."""
        entry = _fresh(found, canonical_keys, canonical, generation)
        if entry is None:
            return None
        read = set(entry[2])
        relevant = [(name, value) for name, value in query if name in read]
        if not relevant:
            return entry  # nothing the page reads: the canonical copy is this page
        if len(relevant) == len(query):
            return None  # the request's own address, already looked up
        address = page_address(request, relevant)
        keys = slot_keys(address)
        return _fresh(cache.get_many(keys), keys, address, generation)

    @staticmethod
    def store(cache, request, response, query, found, looked_up, generation):
        """Store the page under its address with only the parameters its type reads, if it used exactly those
        values (a junk value of one of them is not stored); whether it was stored."""
        read = getattr(request, QUERY_PARAMETERS_ATTRIBUTE, ())
        names = [name for name, _ in query]
        relevant = [(name, value) for name, value in query if name in read]
        if len(set(names)) != len(names) or dict(relevant) != getattr(request, EFFECTIVE_QUERY_ATTRIBUTE, {}):
            return False
        address = page_address(request, relevant)
        keys = slot_keys(address)
        if not set(keys) <= set(looked_up):
            found = cache.get_many(keys)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
            s_maxage=settings.PAGE_CACHE_CDN_SECONDS,
        )
        key = _choose_slot(found, keys, address, generation)
        cache.set(key, _freeze(response, generation, address, read), settings.PAGE_CACHE_SECONDS)
        response[STATUS_HEADER] = "miss"
        return True

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
        if is_admin_path(request.path_info) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        if response.cookies or "cookie" in response.get("Vary", "").lower():
            return response
        return super().process_response(request, response)
