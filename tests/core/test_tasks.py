"""Background work of the shared app: renditions for new images are made before any visitor asks."""

from django.core.cache import caches
from django.test import TestCase

from core.factories import CustomImageFactory
from core.images import ALL_RENDITION_SPECS, specs_for
from core.models import CustomRendition
from core.tasks import background_rendition_specs, generate_renditions


class RenditionTaskTests(TestCase):
    def test_the_specs_are_the_ones_listings_prefetch(self):
        self.assertEqual(background_rendition_specs(), list(specs_for("portrait", "card")))
        self.assertTrue(set(background_rendition_specs()) <= set(ALL_RENDITION_SPECS))

    def test_a_new_image_gets_its_renditions_in_the_background(self):
        with self.captureOnCommitCallbacks(execute=True):  # the task is queued once the upload commits
            image = CustomImageFactory()
        made = set(CustomRendition.objects.filter(image=image).values_list("filter_spec", flat=True))
        self.assertEqual(made, set(background_rendition_specs()))

    def test_running_it_again_makes_nothing_new(self):
        image = CustomImageFactory()
        generate_renditions.enqueue(image.pk)
        count = CustomRendition.objects.count()
        with self.assertNumQueries(2):  # the image, then its existing renditions in one query
            caches["default"].clear()
            generate_renditions.call(image.pk)
        self.assertEqual(CustomRendition.objects.count(), count)

    def test_an_image_deleted_before_the_worker_runs_is_skipped(self):
        self.assertEqual(generate_renditions.call(987654), 0)
