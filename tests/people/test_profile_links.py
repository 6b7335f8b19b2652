"""A profile links only to live tracks and sites, on the live page and in a preview alike."""

import pytest

from people.models import FacultyPage
from programs.factories import ClinicSitePageFactory


@pytest.mark.django_db
def test_draft_sites_are_left_out(site_tree):
    director = FacultyPage.objects.get(pk=site_tree.director.pk)
    draft_site = ClinicSitePageFactory(parent=site_tree.sites_index, live=False, programs=[site_tree.track])
    director.clinic_sites.add(draft_site)
    director.clinic_sites.commit()

    assert list(director.live_clinic_sites()) == [site_tree.continuity_site]
    assert list(director.live_programs()) == [site_tree.track]


@pytest.mark.django_db
def test_links_in_a_preview_come_from_memory(site_tree):
    """In a preview the relations hold unsaved choices; they must still render, filtered the same way."""
    director = FacultyPage.objects.get(pk=site_tree.director.pk)
    draft_site = ClinicSitePageFactory(parent=site_tree.sites_index, live=False)
    director.clinic_sites = [site_tree.elective_site, draft_site]  # not committed: as in a preview

    assert director.live_clinic_sites() == [site_tree.elective_site]
    assert list(director.live_programs()) == [site_tree.track]
