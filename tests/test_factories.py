"""Every page type has a factory, and every factory makes a valid, routable page."""

import importlib
import inspect

import wagtail_factories
from django.test import TestCase
from wagtail.models import Page, get_page_models

from tests.utils import SiteTestCase

FACTORY_MODULES = ["home.factories", "programs.factories", "people.factories", "core.factories", "admissions.factories"]


def page_factory_registry():
    """Page model -> its factory, found in the apps' factory modules."""
    registry = {}
    for module_name in FACTORY_MODULES:
        module = importlib.import_module(module_name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, wagtail_factories.PageFactory)
                and obj.__module__ == module_name
                and not obj._meta.abstract
            ):
                registry[obj._meta.model] = obj
    return registry


def project_page_models():
    return [model for model in get_page_models() if model is not Page and not model._meta.abstract]


class FactoryRegistryTests(TestCase):
    def test_every_page_model_has_a_factory(self):
        registry = page_factory_registry()
        missing = [model.__name__ for model in project_page_models() if model not in registry]
        self.assertEqual(missing, [], f"Page models without a factory in {FACTORY_MODULES}: {missing}")

    def test_registry_has_no_factory_for_wagtails_base_page(self):
        self.assertNotIn(Page, page_factory_registry())


class FactoriesMakeValidPagesTests(SiteTestCase):
    """Each factory, with its defaults, makes a page that passes validation and renders."""

    def parent_for(self, model):
        tree = self.tree
        candidates = [tree.home, tree.track, tree.sites_index, tree.faculty_index, tree.benefits]
        for parent in candidates:
            if model in type(parent).allowed_subpage_models():
                return parent
        raise AssertionError(f"No parent in the test tree for {model.__name__}")

    def test_factories_make_valid_live_pages(self):
        from programs.factories import ProgramPageFactory

        for model, factory in page_factory_registry().items():
            if model._meta.label == "home.HomePage":
                continue  # a singleton: the tree already has one
            with self.subTest(model=model.__name__):
                parent = self.parent_for(model)
                if not model.can_create_at(parent):  # one-per-track pages get a fresh track
                    parent = ProgramPageFactory(parent=self.tree.home)
                page = factory(parent=parent)
                page.full_clean()
                self.assertTrue(page.live)
                self.assertEqual(page.get_parent().specific, parent)
                self.assertEqual(self.client.get(page.url).status_code, 200)
