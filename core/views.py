from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page, Site

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
        Query.get(query).add_hit()

    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page_of_results = paginator.page(page_number)
    except PageNotAnInteger:
        page_of_results = paginator.page(1)
    except EmptyPage:
        page_of_results = paginator.page(paginator.num_pages)

    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": page_of_results},
    )
