"""A third process that changes content the way editors' actions do, for tests/production/test_servers.py.

Reads one JSON command per line on stdin and answers one JSON line on stdout. It shares the app servers'
database and Redis (from the environment), so a change made here must reach both servers through them.
"""

import json
import sys

import django

django.setup()

from wagtail.models import Page  # noqa: E402

from core.models import ContactSettings  # noqa: E402


def page_url(page):
    return page.relative_url(page.get_site())


def pages():
    found = {}
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        found.setdefault(type(page).__name__, []).append({"id": page.pk, "url": page_url(page), "slug": page.slug})
    return found


def rename(page_id, title):
    page = Page.objects.get(pk=page_id).specific
    page.title = title
    page.save_revision().publish()
    return page_url(page)


def unpublish(page_id):
    Page.objects.get(pk=page_id).specific.unpublish()


def publish(page_id):
    Page.objects.get(pk=page_id).specific.get_latest_revision().publish()


def move(page_id, parent_id):
    Page.objects.get(pk=page_id).move(Page.objects.get(pk=parent_id), pos="last-child")
    return page_url(Page.objects.get(pk=page_id))


def set_phone(phone):
    contact = ContactSettings.load()
    contact.phone = phone
    contact.save()


ACTIONS = {"pages": pages, "rename": rename, "unpublish": unpublish, "publish": publish, "move": move}
ACTIONS["set_phone"] = set_phone

for line in sys.stdin:
    command = json.loads(line)
    try:
        reply = {"ok": True, "result": ACTIONS[command.pop("action")](**command)}
    except Exception as error:  # report it to the test instead of dying silently
        reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(reply), flush=True)
