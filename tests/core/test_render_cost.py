"""What a miss costs: one render when many ask at once, memoised chrome and pictures that are never stale, and no
rendition made in a visitor's request."""

import threading
import time
from io import BytesIO
from unittest import mock

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import default_task_backend
from PIL import Image
from wagtail.images.rect import Rect

from core.factories import CustomImageFactory
from core.models import CustomImage, CustomRendition
from core.page_cache import PAGE_REQUEST_FLAG, STATUS_HEADER, PageCacheMiddleware, invalidate_now
from core.templatetags import image_tags
from people.factories import FacultyPageFactory
from people.templatetags import people_tags
from programs.factories import ProgramPageFactory
from tests.utils import SiteTestCase, visible_text


@override_settings(PAGE_CACHE_ENABLED=True, ALLOWED_HOSTS=["testserver"])
class OneRenderPerPageTests(SimpleTestCase):
    def setUp(self):
        caches["shared"].clear()
        self.renders = 0
        self.count_lock = threading.Lock()

    def slow_page(self, request):
        """A page that takes a while to render, as a directory does after a publish."""
        setattr(request, PAGE_REQUEST_FLAG, True)
        with self.count_lock:
            self.renders += 1
        time.sleep(0.3)
        return HttpResponse("<p>the directory</p>")

    def ask_at_once(self, path, count=10):
        middleware = PageCacheMiddleware(self.slow_page)
        responses = [None] * count
        start = threading.Barrier(count)

        def visitor(number):
            request = RequestFactory().get(path)
            start.wait()
            responses[number] = middleware(request)

        threads = [threading.Thread(target=visitor, args=(number,)) for number in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return responses

    def test_ten_concurrent_misses_of_one_page_render_it_once(self):
        responses = self.ask_at_once("/people/")
        self.assertEqual(self.renders, 1)
        self.assertEqual([response.status_code for response in responses], [200] * 10)
        self.assertEqual({response.content for response in responses}, {b"<p>the directory</p>"})
        self.assertEqual(sorted(response[STATUS_HEADER] for response in responses), ["hit"] * 9 + ["miss"])

    def test_after_a_publish_the_page_is_rendered_once_again(self):
        self.ask_at_once("/people/")
        invalidate_now()
        self.ask_at_once("/people/")
        self.assertEqual(self.renders, 2)

    def test_a_page_that_may_not_be_stored_lets_the_waiters_render_it(self):
        def not_storable(request):
            response = self.slow_page(request)
            response.set_cookie("chosen", "1")  # a page that sets a cookie is never stored
            return response

        middleware = PageCacheMiddleware(not_storable)
        first = middleware(RequestFactory().get("/cookie/"))
        second = middleware(RequestFactory().get("/cookie/"))
        self.assertEqual((first[STATUS_HEADER], second[STATUS_HEADER]), ("bypass", "bypass"))
        self.assertEqual(self.renders, 2)


class MemoisedChromeTests(SiteTestCase):
    """The chrome and pictures are worked out once per page-cache generation, and never shown stale."""

    def setUp(self):
        super().setUp()
        # Building the tree queued an invalidation for a commit that never comes in a TestCase; it would make the
        # tests' own (captured) commits look already covered.
        pending = transaction.get_connection().run_on_commit
        pending[:] = [entry for entry in pending if entry[1] is not invalidate_now]

    def changed_elsewhere(self):
        """Make a change as another app server would see it: only through the new generation after the commit
        (this process's own immediate forgetting is switched off)."""
        return mock.patch("core.signals.generation_memo.forget")

    def test_a_warm_standard_page_reads_the_chrome_once_per_generation(self):
        url = self.tree.benefits.url
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        self.assertLessEqual(len(queries), 8)
        tables = " ".join(query["sql"] for query in queries.captured_queries)
        self.assertNotIn("core_contactsettings", tables)
        self.assertNotIn("core_sociallink", tables)

    def test_a_picture_is_rendered_again_after_a_change_to_its_image(self):
        photo = self.tree.director.photo
        self.assertIn(f'alt="{photo.alt_text}"', self.client.get(self.tree.faculty_index.url).content.decode())
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            photo.alt_text = "Dr. Director smiling in the clinic corridor"
            photo.save()
        html = self.client.get(self.tree.faculty_index.url).content.decode()
        self.assertIn('alt="Dr. Director smiling in the clinic corridor"', html)

    def test_a_picture_outlives_a_publish_elsewhere(self):
        """Its key names everything it is made from, so after a publish the cards' pictures are not built again."""
        self.client.get(self.tree.faculty_index.url)
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            self.tree.benefits.save_revision().publish()
        with mock.patch.object(image_tags, "_picture", wraps=image_tags._picture) as built:
            html = self.client.get(self.tree.faculty_index.url).content.decode()
        self.assertEqual(built.call_count, 0)
        self.assertIn(f'alt="{self.tree.director.photo.alt_text}"', html)

    def test_a_picture_is_worked_out_again_for_a_new_focal_point(self):
        photo = self.tree.director.photo
        before = self.client.get(self.tree.faculty_index.url).content.decode()
        crops = [rendition.url for rendition in photo.renditions.filter(filter_spec__startswith="fill-")]
        cropped = [url for url in crops if url in before]  # the card's portrait, cropped around the focal point
        self.assertTrue(cropped)
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            photo.set_focal_point(Rect(0, 0, 40, 40))
            photo.save()
        after = self.client.get(self.tree.faculty_index.url).content.decode()
        self.assertEqual([url for url in cropped if url in after], [])  # crops around the old focal point are gone

    def test_a_card_outlives_a_publish_elsewhere_with_no_renditions_read(self):
        """A card's key is everything it shows: after another page's publish the directory renders no card again
        and reads no rendition (the renditions are fetched only for a picture that has to be worked out)."""
        self.client.get(self.tree.faculty_index.url)
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            self.tree.benefits.save_revision().publish()
        cards_rendered = mock.patch.object(people_tags, "render_to_string", wraps=people_tags.render_to_string)
        with cards_rendered as rendered, CaptureQueriesContext(connection) as queries:
            html = self.client.get(self.tree.faculty_index.url).content.decode()
        self.assertEqual(rendered.call_count, 0)
        self.assertNotIn("core_customrendition", " ".join(query["sql"] for query in queries.captured_queries))
        self.assertIn(self.tree.director.name_with_credentials, html)
        self.assertIn(f'alt="{self.tree.director.photo.alt_text}"', html)

    def test_a_card_is_rendered_again_after_a_publish_that_changes_it(self):
        director = self.tree.director
        old_roles = director.roles
        self.assertIn(old_roles, visible_text(self.get_html(self.tree.faculty_index)))
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            director.roles = "Founding director of the track"
            director.credentials = "MD, PhD"
            director.save_revision().publish()
        cards = visible_text(self.get_html(self.tree.faculty_index))
        self.assertIn("Founding director of the track", cards)
        self.assertIn(f"{director.full_name}, MD, PhD", cards)
        self.assertNotIn(old_roles, cards)  # the card as it was before the publish

    def test_a_card_follows_its_person_to_a_new_address(self):
        director = self.tree.director
        old_url = director.url
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            director.slug = "the-director"
            director.save_revision().publish()
        html = self.get_html(self.tree.faculty_index)
        self.assertIn(f'href="{old_url.rsplit("/", 2)[0]}/the-director/"', html)
        self.assertNotIn(f'href="{old_url}"', html)

    def test_the_filters_follow_a_publish(self):
        self.assertNotIn("Sports medicine", self.get_html(self.tree.faculty_index))
        director = self.tree.director
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            director.clinical_interests.add("Sports medicine")
            director.save_revision().publish()
        self.assertIn(
            '<option value="sports-medicine">Sports medicine</option>', self.get_html(self.tree.faculty_index)
        )

    def test_the_filters_show_the_chosen_option_whatever_another_visitor_chose(self):
        url = self.tree.faculty_index.url
        self.client.get(url)  # the fields, unfiltered, remembered for this generation
        chosen = self.client.get(url, {"interest": "geriatrics"}).content.decode()
        self.assertIn('<option value="geriatrics" selected>', chosen)
        junk = self.client.get(url, {"interest": "<script>"}).content.decode()
        self.assertNotIn("selected>", junk.split('id="id_interest"')[1].split("</select>")[0])
        self.assertNotIn("<script>", junk)
        plain = self.client.get(url).content.decode()
        self.assertNotIn('<option value="geriatrics" selected>', plain)

    def test_a_page_moved_to_another_track_names_its_new_track(self):
        other = ProgramPageFactory(parent=self.tree.home, title="Urban Health Track", short_name="UHT")
        page = self.tree.sites_index
        self.assertIn(self.tree.track.title, self.get_html(page).split("</title>")[0])
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            page.move(other, pos="last-child")
        page.refresh_from_db()
        self.assertIn("Urban Health Track", self.get_html(page).split("</title>")[0])

    def test_breadcrumbs_and_menu_follow_a_publish(self):
        index = self.tree.faculty_index
        self.assertIn(index.title, visible_text(self.get_html(self.tree.director)))
        with self.changed_elsewhere(), self.captureOnCommitCallbacks(execute=True):
            index.title = "Our teaching faculty"
            index.save_revision().publish()
        self.assertIn("Our teaching faculty", visible_text(self.get_html(self.tree.director)))

    def test_a_draft_is_never_memoised(self):
        self.get_html(self.tree.director)  # the trail is memoised for anonymous visitors
        index = self.tree.faculty_index
        index.title = "A draft title nobody published"
        index.save_revision()  # a draft: no new generation
        self.assertNotIn("A draft title nobody published", visible_text(self.get_html(self.tree.director)))


class NoRenditionInTheRequestTests(SiteTestCase):
    def test_a_page_whose_photo_has_no_rendition_yet_makes_none(self):
        photo = CustomImageFactory(renditions=False)  # uploaded by an import: the worker has not got to it yet
        person = FacultyPageFactory(
            parent=self.tree.faculty_index, first_name="Quentin", last_name="Zhao", photo=photo, programs=[]
        )
        for url in (person.url, "/search/?query=Zhao"):
            self.assertEqual(self.client.get(url).status_code, 200)
        directory = self.client.get(f"{self.tree.faculty_index.url}?page=1").content.decode()
        self.assertEqual(CustomRendition.objects.filter(image=photo).count(), 0)
        self.assertIn('aria-hidden="true">QZ</span>', self.get_html(person))
        self.assertNotIn(photo.file.name.rsplit("/", 1)[-1].split(".")[0], directory)

    def test_the_page_shows_the_renditions_that_exist(self):
        photo = CustomImageFactory(renditions=False, file__width=800, file__height=1000)
        made = photo.get_rendition("fill-200x250-c100|format-jpeg")  # the worker has made one so far
        person = FacultyPageFactory(parent=self.tree.faculty_index, photo=photo)
        html = self.get_html(person)
        self.assertEqual(CustomRendition.objects.filter(image=photo).count(), 1)
        self.assertIn(f'src="{made.url}"', html)
        self.assertNotIn("format-avif", html)  # no AVIF exists yet, so no AVIF source


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queues, never runs


def png(width=300, height=400):
    data = BytesIO()
    Image.new("RGB", (width, height), "#2f5d8a").save(data, "PNG")
    return data.getvalue()


@override_settings(TASKS=DUMMY_TASKS)
class RenditionsMadeAheadTests(SiteTestCase):
    def test_an_upload_in_the_admin_gets_its_listing_renditions_in_the_uploaders_request(self):
        self.client.force_login(self.login())
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("wagtailimages:add"),
                {
                    "title": "Portrait of the director",
                    "alt_text": "The director smiling in a clinic corridor",
                    "file": SimpleUploadedFile("director.png", png(), content_type="image/png"),
                    "collection": "1",
                },
            )
        self.assertEqual(response.status_code, 302)
        image = CustomImage.objects.get(title="Portrait of the director")
        specs = set(image.renditions.values_list("filter_spec", flat=True))
        self.assertIn("fill-200x250-c100|format-avif", specs)  # a portrait
        self.assertIn("fill-360x202|format-jpeg", specs)  # a card
        self.assertEqual(len(specs), 18)  # portrait and card sets: three widths in three formats each

    def test_an_image_saved_outside_a_request_leaves_them_to_the_worker(self):
        default_task_backend.clear()
        with self.captureOnCommitCallbacks(execute=True):
            image = CustomImageFactory(renditions=False)  # as an import or a script saves one
        self.assertEqual(image.renditions.count(), 0)
        queued = [result.args for result in default_task_backend.results if result.task.name == "generate_renditions"]
        self.assertEqual(queued, [[image.pk]])  # for the worker (Wagtail queues its search indexing beside it)
