import logging
import re
import unicodedata
from contextlib import nullcontext
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.static import serve as static_serve
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page, Site
from wagtail.search.utils import normalise_query_string

from core.database import atomic_with_short_lock_wait
from core.pagination import page_links, paginate
from core.seo import absolute

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
SEARCH_HIT_LOCK_WAIT = 0.1  # seconds a search waits for other writers to record its hit
# Characters the database search backends read as query syntax: an unbalanced double quote is an error in
# SQLite's full-text search, and the others change what a query means. Applicants type words, not syntax.
QUERY_SYNTAX = re.compile(r"[\"“”*^:(){}\[\]<>|&!\\]")


def clean_query(raw):
    """The words of a search query, safe for every backend: Unicode normalised (NFKC), control and other
    invisible characters removed (PostgreSQL rejects NUL), query syntax replaced by spaces, at most
    MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    text = QUERY_SYNTAX.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search(request):
    """Site search over the live, public pages of the current site. Never an error page, whatever is typed."""
    query = clean_query(request.GET.get("query", ""))
    site = Site.find_for_request(request)
    results = []
    failed = False
    if query and site is not None:
        # The search backend can only filter on plain fields, so Wagtail's own .public() here.
        site_pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True).specific()
        try:
            with read_savepoint():
                results = site_pages.search(query)
                page_of_results = paginate(request, results, RESULTS_PER_PAGE)
                page_of_results.object_list = list(page_of_results.object_list)
        except DatabaseError:
            logger.warning("Search failed for query %r", query, exc_info=True)
            failed, results = True, []
        if not failed and page_of_results.paginator.count:
            record_search(query)
    if not query or failed:
        page_of_results = paginate(request, results, RESULTS_PER_PAGE)

    search_url = reverse("search")

    def url_for(page):
        params = {"query": query, **({"page": page} if page > 1 else {})}
        return f"{search_url}?{urlencode(params)}"

    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": page_of_results,
            "pagination": page_links(page_of_results, url_for) if query else None,
            "search_failed": failed,
            "meta_title": f"Search results for “{query}”" if query else "Search",
            "noindex": True,
            "canonical_url": absolute(request, search_url),
        },
    )


def read_savepoint():
    """Inside a transaction (a test's), a savepoint, so a failed query does not break the rest of it on
    PostgreSQL. Outside one, nothing: each query commits alone, and on SQLite a transaction would take the
    write lock (IMMEDIATE mode) and make every search wait for the writers."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def record_search(query):
    """Count a hit for the search promotions, without ever failing or slowing the search.

    The write may wait at most SEARCH_HIT_LOCK_WAIT for other writers (an import, a publish); a hit that
    cannot be written in that time, or at all, is dropped: a popularity count is not worth an error.
    """
    try:
        with atomic_with_short_lock_wait(SEARCH_HIT_LOCK_WAIT):
            count_search(query)
    except DatabaseError as error:
        logger.info("Search hit for %r not recorded: %s", query, error)


def count_search(query):
    """Count a hit for a query that found something, for the search promotions' "popular searches".

    Anyone may search, so the log must not grow with whatever they type: queries that found nothing (random
    strings, typos, probes) are not recorded, and a new query is recorded only while fewer than
    SEARCH_QUERY_LOG_MAX_QUERIES distinct queries are kept; queries already known keep counting. Wagtail's
    `searchpromotions_garbage_collect` (daily, from cron) drops hits older than WAGTAILSEARCH_HITS_MAX_AGE
    days and the queries left without hits, which makes room again.
    """
    logged = Query.objects.filter(query_string=normalise_query_string(query)).first()
    if logged is None:
        if Query.objects.count() >= settings.SEARCH_QUERY_LOG_MAX_QUERIES:
            return
        logged = Query.get(query)
    logged.add_hit()


def robots_txt(request):
    """Crawlers may read every public page; the admin and search results are not worth their time. Names the
    sitemap by its full address, as the robots.txt standard asks."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def serve_media(request, path):
    """A public media file from MEDIA_ROOT, where Django serves media itself (DEBUG, or SERVE_MEDIA for the browser
    tests' live server); production leaves it to the web server or the bucket. Reads MEDIA_ROOT per request, as
    storage does, and Django's static view refuses paths that leave it."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)
