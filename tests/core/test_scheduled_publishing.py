from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from home.models import HomePage, StandardPage


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    return root.add_child(instance=HomePage(title="Home", slug="home-sched", hero_heading="Residency"))


def schedule(parent, title, go_live_at):
    page = parent.add_child(instance=StandardPage(title=title, live=False))
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.publish()  # with a future go-live date this only schedules it
    page.refresh_from_db()
    return page, revision


def test_publish_scheduled_publishes_due_pages_only(home):
    due, due_revision = schedule(home, "Due", timezone.now() + timedelta(hours=1))
    later, _ = schedule(home, "Later", timezone.now() + timedelta(days=7))
    assert not due.live and not later.live

    # Time passes for the first page: its go-live moment is now in the past.
    past = timezone.now() - timedelta(minutes=1)
    due_revision.content["go_live_at"] = past.isoformat()
    due_revision.approved_go_live_at = past
    due_revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")

    due.refresh_from_db()
    later.refresh_from_db()
    assert due.live
    assert not later.live


def test_publish_scheduled_unpublishes_expired_pages(home):
    page = home.add_child(instance=StandardPage(title="Expiring"))
    page.save_revision().publish()
    StandardPage.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live
    assert page.expired
