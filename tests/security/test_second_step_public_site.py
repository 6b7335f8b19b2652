"""The second step guards the public site too: restricted pages, private documents and previews.

Wagtail's page and collection privacy ask only whether someone is signed in and in which groups, so a
Communications account that signed in with its password alone, and never finished the second step, used to
read a page restricted to Communications and download a document restricted to signed-in users. Every
sign-in here goes through the admin's real form, as the attacker's would.
"""

import re
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from home.factories import StandardPageFactory
from tests.security.test_two_factor import SETUP_URL, VERIFY_URL, code_for, enrol, sign_in
from tests.security.utils import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

SECRET_TEXT = "Staff handbook: the on-call rota"
DOCUMENT_BYTES = b"minutes of the confidential meeting"


@pytest.fixture
def comms(db):
    return make_user("casey", group="Communications")


@pytest.fixture
def restricted_page(site_tree, db):
    page = StandardPageFactory(parent=site_tree.home, title="Staff handbook", slug="staff-handbook")
    page.introduction = SECRET_TEXT
    page.save_revision().publish()
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name="Communications"))
    return page


@pytest.fixture
def private_document(db):
    collection = Collection.get_first_root_node().add_child(name="Signed-in staff only")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    document = get_document_model()(title="Minutes", collection=collection)
    document.file.save("minutes.txt", ContentFile(DOCUMENT_BYTES), save=False)
    document.save()
    return document


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def sent_to(response, step_url, next_url):
    return (
        response.status_code == 302
        and response.url.startswith(step_url)
        and unquote(response.url.split("next=", 1)[1]) == next_url
    )


def test_a_password_only_session_does_not_read_a_group_restricted_page(client, comms, restricted_page):
    sign_in(client, "casey")

    response = client.get(restricted_page.url)

    assert response.status_code != 200
    assert SECRET_TEXT.encode() not in response.content
    assert sent_to(response, SETUP_URL, restricted_page.url), response.get("Location")


def test_a_password_only_session_does_not_download_a_private_document(client, comms, private_document):
    sign_in(client, "casey")

    response = client.get(private_document.url)

    assert response.status_code != 200
    assert DOCUMENT_BYTES not in body(response)
    assert sent_to(response, SETUP_URL, private_document.url), response.get("Location")


def test_an_enrolled_person_finishes_the_second_step_and_then_reads_both(
    client, comms, restricted_page, private_document
):
    device = enrol(client, "casey")
    client.logout()
    sign_in(client, "casey")
    for url in (restricted_page.url, private_document.url):
        assert sent_to(client.get(url), VERIFY_URL, url), url

    response = client.post(VERIFY_URL, {"code": code_for(device, 1), "next": restricted_page.url})

    assert response.status_code == 302 and response.url == restricted_page.url
    assert SECRET_TEXT in client.get(restricted_page.url).content.decode()
    assert body(client.get(private_document.url)) == DOCUMENT_BYTES


def test_a_password_only_session_counts_as_signed_out_on_public_pages(client, comms, site_tree):
    """No userbar, no editing links: the public site treats the session as a visitor's."""
    sign_in(client, "casey")
    response = client.get(site_tree.home.url)
    assert response.status_code == 200
    assert "wagtail-userbar" not in response.content.decode()


def test_a_password_only_session_sees_no_preview_or_draft(client, comms, site_tree):
    """Previews and drafts are served under /admin/ (this site has no public share links for drafts)."""
    page = site_tree.benefits
    revision = page.save_revision()
    sign_in(client, "casey")
    for url in (
        reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
        reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(SETUP_URL), url


def test_faculty_without_a_second_step_keep_their_session_on_the_public_site(client, restricted_page):
    """Faculty may use the password alone (two-step verification is optional for them): nothing changes."""
    make_user("grace", group="Faculty")
    sign_in(client, "grace")
    response = client.get(restricted_page.url)
    # Signed in, but not in Communications: Wagtail's own answer (its sign-in page), not the second step.
    assert response.status_code == 302
    assert not re.search(r"two-factor", response.url)
