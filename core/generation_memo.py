"""What only a publish can change, worked out once per page-cache generation in each process, not per request.

Every page shows the same chrome (contact settings and social links, the menu, the apply link, a page's
breadcrumbs) and listings repeat the same pictures. All of it changes only with a change that starts a new
page-cache generation (core.page_cache, core.signals), so each process keeps what it worked out under the
generation it was worked out for, and drops everything when a request arrives with another generation.

Why this is never stale: a request reads the generation before it reads what it memoises, and a change starts
its new generation only after it commits (core.page_cache.invalidate). So what a request works out under
generation G reflects the database at least as it was when G began; a request that reads a newer generation
finds nothing to reuse. The process that makes a change also forgets at once (`forget`), so it never reuses
its own old values while the transaction is open (as in tests, where commits do not happen).

Only anonymous visitors' requests that are not previews use it, like the page cache itself: a draft is never
memoised. Without the shared cache (Redis down) there is no generation, and everything is worked out per request.
Entries also expire after PAGE_CACHE_SECONDS, as stored pages do, so what depends on the date (a class's PGY
year) is not kept longer than a page would be.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings

from core.page_cache import GENERATION_REQUEST_ATTR as GENERATION_ATTR
from core.page_cache import current_generation, may_use_cache

MAX_ENTRIES = 20_000  # a bound on memory: pictures of a large directory, breadcrumbs of every page
MAX_LASTING_ENTRIES = 5_000  # values whose key holds everything they depend on (remember_lasting), least recent out

_lock = threading.Lock()
_state = {"generation": None, "started": 0.0, "values": {}}


def request_generation(request):
    """The generation this request works under, or None where memoising is off for it."""
    if request is None or getattr(request, "is_preview", False):
        return None
    if not hasattr(request, GENERATION_ATTR):
        setattr(request, GENERATION_ATTR, current_generation() if may_use_cache(request) else None)
    return getattr(request, GENERATION_ATTR)


def remember(request, key, compute, keep=None):
    """compute(), or what it returned for `key` earlier under this request's generation.

    `keep(value)` says whether a value may be reused (default: always); a picture that had to borrow a
    rendition is not kept, so that it shows the right one once the worker has made it.
    """
    generation = request_generation(request)
    if generation is None:
        return compute()
    with _lock:
        expired = time.monotonic() - _state["started"] > settings.PAGE_CACHE_SECONDS
        if _state["generation"] != generation or expired:
            _state.update(generation=generation, started=time.monotonic(), values={})
        values = _state["values"]
        if key in values:
            return values[key]
    value = compute()
    if keep is None or keep(value):
        with _lock:
            if _state["values"] is values and len(values) < MAX_ENTRIES:
                values[key] = value
    return value


_lasting = OrderedDict()


def remember_lasting(request, key, compute, keep=None):
    """compute(), or what it returned for `key` before, in any generation: for values whose key names everything
    they are made from (a picture: the image, its file, focal point and alt text, the rendition set), which a
    publish of some other page cannot change. Kept for the same requests as `remember`, least recently used
    dropped first."""
    if request_generation(request) is None:
        return compute()
    with _lock:
        if key in _lasting:
            _lasting.move_to_end(key)
            return _lasting[key]
    value = compute()
    if keep is None or keep(value):
        with _lock:
            _lasting[key] = value
            while len(_lasting) > MAX_LASTING_ENTRIES:
                _lasting.popitem(last=False)
    return value


def forget():
    """Drop everything memoised in this process (a change was just made here)."""
    with _lock:
        _state.update(generation=None, started=0.0, values={})
