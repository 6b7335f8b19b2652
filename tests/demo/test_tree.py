"""The page tree builder that load_demo and the tests' standard tree share."""

from django.core.management.base import CommandError
from django.test import TestCase
from wagtail.models import Revision

from demo.tree import Node, PageRef, TreeBuilder
from home.factories import StandardPageFactory
from home.models import StandardPage
from people.models import PersonIndexPage
from tests.utils import make_home


def linked_pages():
    """Two pages: the first links to the second, which the builder has not made when it makes the first."""
    return [
        Node(
            "first",
            StandardPage,
            None,
            slug="first",
            title="First",
            fields={
                "introduction": "The first page.",
                "body": [
                    {"type": "paragraph", "value": '<p>Read <a page="second">the second page</a>.</p>'},
                    {"type": "call_to_action", "value": {"text": "Go on", "page": PageRef("second"), "url": ""}},
                ],
            },
        ),
        Node("second", StandardPage, None, slug="second", title="Second", fields={"introduction": "The second."}),
    ]


class TreeBuilderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = make_home()

    def build(self, nodes, **options):
        return TreeBuilder(root=self.home, **options).build(nodes)

    def test_links_to_pages_made_later_are_filled_in(self):
        refs = self.build(linked_pages())
        first, second = StandardPage.objects.get(slug="first"), StandardPage.objects.get(slug="second")
        self.assertEqual(refs.page("second"), second)
        paragraph, call_to_action = first.body
        self.assertEqual(
            paragraph.value.source, f'<p>Read <a linktype="page" id="{second.pk}">the second page</a>.</p>'
        )
        self.assertEqual(call_to_action.value["page"].specific, second)
        self.assertEqual(call_to_action.value["text"], "Go on")
        self.assertTrue(first.live)
        self.assertEqual(Revision.page_revisions.filter(object_id=str(first.pk)).count(), 1)

    def test_building_again_finds_the_pages_and_changes_nothing(self):
        self.build(linked_pages())
        revisions = Revision.objects.count()
        builder = TreeBuilder(root=self.home)
        builder.build(linked_pages())
        self.assertEqual(StandardPage.objects.count(), 2)
        self.assertEqual(Revision.objects.count(), revisions)
        self.assertEqual([page.title for page in builder.report.unchanged], ["First", "Second"])

    def test_refresh_restores_a_changed_page_with_one_new_revision(self):
        self.build(linked_pages())
        second = StandardPage.objects.get(slug="second")
        second.introduction = "Edited by someone."
        second.save_revision().publish()
        revisions = Revision.objects.count()
        builder = TreeBuilder(root=self.home, refresh=True)
        builder.build(linked_pages())
        second.refresh_from_db()
        self.assertEqual(second.introduction, "The second.")
        self.assertEqual(Revision.objects.count(), revisions + 1)
        self.assertEqual([page.title for page in builder.report.updated], ["Second"])

    def test_a_page_of_another_type_at_the_slug_is_refused(self):
        StandardPageFactory(parent=self.home, title="Faculty", slug="faculty")
        node = Node("faculty", PersonIndexPage, None, slug="faculty", title="Faculty", fields={})
        with self.assertRaisesMessage(CommandError, "is a StandardPage, not a PersonIndexPage"):
            self.build([node])

    def test_a_field_the_model_does_not_have_is_refused(self):
        node = Node("typo", StandardPage, None, slug="typo", title="Typo", fields={"introdution": "Misspelt."})
        with self.assertRaisesMessage(CommandError, "StandardPage has no field 'introdution'."):
            self.build([node])
        self.assertFalse(StandardPage.objects.filter(slug="typo").exists())

    def test_a_missing_parent_is_named(self):
        node = Node("orphan", StandardPage, "nowhere", slug="orphan", title="Orphan", fields={})
        with self.assertRaisesMessage(CommandError, "Cannot place 'Orphan': its parent page 'nowhere' is missing."):
            self.build([node])
