"""Pagination for every listing of people, sites and search results.

A page of a listing costs the same queries whatever the listing's length: a COUNT, and a LIMIT/OFFSET slice
whose prefetches (photos, renditions) cover only the rows shown. Nothing builds an expression whose size grows
with the number of rows (SQLite refuses expressions deeper than 1,000 terms).
"""

from django.core.paginator import Paginator

from core.page_cache import note_query

PAGE_PARAMETER = "page"


def page_number(request, parameter=PAGE_PARAMETER):
    """The requested page number as an int, 1 for anything that is not a whole number."""
    raw = request.GET.get(parameter, "") if request is not None else ""
    try:
        return int(raw.strip())
    except (TypeError, ValueError):  # "abc", "1.5", a 5,000-digit number, "\x00"
        return 1


def paginate(request, object_list, per_page, parameter=PAGE_PARAMETER):
    """The requested page of `object_list`, clamped to the pages there are (so ?page=-1 or ?page=999 still
    shows results rather than an error)."""
    paginator = Paginator(object_list, per_page)
    number = max(1, min(page_number(request, parameter), paginator.num_pages))
    note_query(request, **{parameter: number if number > 1 else None})  # the page cache stores ?page=N as is
    return paginator.page(number)


class Sections:
    """Several querysets listed one after another (e.g. leadership, faculty, residents, graduates), paginated
    as one list.

    Django's Paginator needs only a count and slicing: the count is one COUNT per section, and a slice queries
    only the sections it overlaps, each with LIMIT/OFFSET. Each item is yielded as (section key, object), so a
    template can put a heading where a section starts on the page.
    """

    def __init__(self, sections):
        self.sections = [(key, queryset) for key, queryset in sections if queryset is not None]
        self._counts = None

    def use_counts(self, counts):
        """Take the sections' sizes from elsewhere (counted earlier and remembered) instead of counting them;
        `counts` may name sections this list does not have."""
        self._counts = {key: counts[key] for key, _ in self.sections}

    def counts(self):
        if self._counts is None:
            self._counts = {key: queryset.count() for key, queryset in self.sections}
        return self._counts

    def count(self):
        return sum(self.counts().values())

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            items = self[index : index + 1]
            if not items:
                raise IndexError(index)
            return items[0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        items, offset = [], 0
        for key, queryset in self.sections:
            size = self.counts()[key]
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                items.extend((key, item) for item in queryset[low:high])
            offset += size
        return items


def group_by_section(items, labels):
    """[(key, obj), ...] to [{"key", "label", "items"}, ...] in order, one group per run of the same key."""
    groups = []
    for key, item in items:
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "label": labels.get(key, key), "items": []})
        groups[-1]["items"].append(item)
    return groups


def page_links(page_obj, url_for):
    """Previous, next and numbered links for a Django Page; `url_for(page=n)` builds each address.

    Numbers are the first, the last and two either side of the current page, with gaps marked by None.
    """
    if not page_obj.has_other_pages():
        return None
    total, current = page_obj.paginator.num_pages, page_obj.number
    shown = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
    numbers, previous = [], 0
    for number in shown:
        if number - previous > 1:
            numbers.append(None)
        numbers.append({"number": number, "url": url_for(page=number), "current": number == current})
        previous = number
    return {
        "previous_url": url_for(page=current - 1) if page_obj.has_previous() else "",
        "next_url": url_for(page=current + 1) if page_obj.has_next() else "",
        "numbers": numbers,
        "current": current,
        "total": total,
    }
