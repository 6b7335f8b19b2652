from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page, Site
from wagtail.search.utils import normalise_query_string

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


def search(request):
    """Site search over the live, public pages of the current site."""
    query = request.GET.get("query", "").strip()[:MAX_QUERY_LENGTH]
    page_number = request.GET.get("page", "1")
    results = Page.objects.none()
    site = Site.find_for_request(request)
    if query and site is not None:
        # The search backend can only filter on plain fields, so Wagtail's own .public() here.
        site_pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True).specific()
        results = site_pages.search(query)

    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page_of_results = paginator.page(page_number)
    except PageNotAnInteger:
        page_of_results = paginator.page(1)
    except EmptyPage:
        page_of_results = paginator.page(paginator.num_pages)
    if query and paginator.count:
        record_search(query)

    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": page_of_results},
    )


def record_search(query):
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
