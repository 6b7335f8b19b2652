"""Factories for the shared models (images with alt text, contact settings) and helpers every app's factories share."""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Collection, Page, Site
from wagtail.rich_text import RichText

from core.images import MADE_AHEAD, filters_of
from core.models import ContactSettings, CustomImage, SocialLink

# A small palette so generated images differ from one another without being random.
IMAGE_COLOURS = ["#2f5d8a", "#8a5a2f", "#3d7a4a", "#7a3d6b", "#5a5a5a", "#a0522d"]


class CustomImageFactory(wagtail_factories.ImageFactory):
    """A small generated image in the root collection, with alt text (which the model requires)."""

    class Meta:
        model = CustomImage
        skip_postgeneration_save = True  # making renditions changes nothing on the image

    # wagtail_factories would add a new root collection per image; use the real root instead.
    collection = factory.LazyFunction(Collection.get_first_root_node)
    title = factory.Sequence(lambda n: f"Test image {n}")
    alt_text = factory.LazyAttribute(lambda image: f"Placeholder picture: {image.title}")
    file = factory.django.ImageField(
        width=64,
        height=80,
        format="PNG",
        color=factory.Sequence(lambda n: IMAGE_COLOURS[n % len(IMAGE_COLOURS)]),
        filename=factory.Sequence(lambda n: f"test-image-{n}.png"),
    )

    @factory.post_generation
    def renditions(image, create, extracted, **kwargs):
        """The listing renditions, as the upload or the worker leaves them (core.tasks): pages never make those.
        `renditions=False` gives an image the worker has not got to yet."""
        if create and extracted is not False:
            image.get_renditions(*(each for name in MADE_AHEAD for each in filters_of(name)))


class SocialLinkFactory(DjangoModelFactory):
    class Meta:
        model = SocialLink

    settings = factory.LazyFunction(lambda: ContactSettings.load())
    label = factory.Sequence(lambda n: f"Social network {n}")
    url = factory.Sequence(lambda n: f"https://social.example.org/residency-{n}")


CONTACT_DEFAULTS = {
    "program_name": "Internal Medicine Residency Program",
    "institution_name": "Example Medical Center",
    "street_address": "100 Example Avenue",
    "address_line_2": "Suite 200",
    "city": "Exampleville",
    "region": "CA",
    "postal_code": "90000",
    "phone": "(310) 555-0100",
    "email": "residency@example.org",
    "eras_url": "https://students-residents.aamc.org/applying-residencies-eras",
    "footer_text": "<p>A fictional program used in tests.</p>",
}


def set_contact_settings(**fields):
    """Fill the ContactSettings singleton (created on first use) with test defaults, overridden by `fields`."""
    contact = ContactSettings.load()
    for name, value in {**CONTACT_DEFAULTS, **fields}.items():
        setattr(contact, name, value)
    contact.save()
    return contact


def related_pages(field_name):
    """A post-generation hook for a ParentalManyToManyField: `programs=[track, ...]`.

    Setting such a field alone only changes memory; committing writes the rows.
    """

    def set_related(page, create, extracted, **kwargs):
        if extracted is None:
            return
        getattr(page, field_name).set(list(extracted))
        if create:
            getattr(page, field_name).commit()

    return factory.PostGeneration(set_related)


def body_blocks(heading="Section heading", text="A paragraph of body text."):
    """A short body StreamField value (core's BodyStreamBlock): a heading and a paragraph."""
    return [
        ("heading", {"text": heading, "level": "h2"}),
        ("paragraph", RichText(f"<p>{text}</p>")),
    ]


def make_site_root(page, site_name="Residency"):
    """Make `page` (a page just under the tree root) the default site's root, removing every other top page.

    Wagtail's first migration leaves a welcome page and a site pointing at it; tests replace both.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name=site_name)
    site.root_page = page
    site.save()
    Page.objects.filter(depth=2).exclude(pk=page.pk).delete()
    return site
