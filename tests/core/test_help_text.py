"""Every field an editor sees on our page types and settings says what it is for."""

import pytest
from wagtail.admin.panels import get_edit_handler

from core.models import ContactSettings, SocialLink
from tests.utils import all_page_models

# Wagtail's own page fields, whose labels and help are Wagtail's.
WAGTAIL_FIELDS = {
    "title",
    "slug",
    "seo_title",
    "search_description",
    "show_in_menus",
    "go_live_at",
    "expire_at",
    "comment_notifications",
}


def fields_without_help(form_class):
    missing = [
        name
        for name, field in form_class.base_fields.items()
        if name not in WAGTAIL_FIELDS and not str(field.help_text or "").strip()
    ]
    for name, formset in getattr(form_class, "formsets", {}).items():
        if name == "comments":
            continue
        missing += [f"{name}.{child}" for child in fields_without_help(formset.form)]
    return missing


@pytest.mark.parametrize("model", all_page_models(), ids=lambda model: model.__name__)
def test_page_fields_have_help_text(model):
    assert fields_without_help(model.get_edit_handler().get_form_class()) == []


@pytest.mark.parametrize("model", [ContactSettings, SocialLink], ids=lambda model: model.__name__)
def test_settings_fields_have_help_text(model):
    if model is SocialLink:
        form_class = get_edit_handler(ContactSettings).get_form_class().formsets["social_links"].form
    else:
        form_class = get_edit_handler(model).get_form_class()
    assert fields_without_help(form_class) == []
