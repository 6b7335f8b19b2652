"""A second writer for tests/production/test_concurrency.py: publishes new pages as an editor's Publish does,
one transaction each, and reports for each whether it was saved (as the editor would be told) and its URL.

Usage: python tests/production/publisher.py COUNT PREFIX. Prints one JSON line per page.
"""

import json
import sys
import time

import django

django.setup()

from django.db import DatabaseError, transaction  # noqa: E402

from home.models import HomePage, StandardPage  # noqa: E402

count, prefix = int(sys.argv[1]), sys.argv[2]
home = HomePage.objects.live().first()
for number in range(count):
    started = time.monotonic()
    title = f"{prefix} notice {number}"
    try:
        with transaction.atomic():
            page = StandardPage(
                title=title, slug=f"{prefix}-notice-{number}", introduction=f"{title}: concurrency test."
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        reply = {"saved": True, "title": title, "url": page.relative_url(page.get_site())}
    except DatabaseError as error:
        reply = {"saved": False, "title": title, "error": f"{type(error).__name__}: {error}"}
    reply["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(reply), flush=True)
    time.sleep(0.5)
