"""Content blocks shared by every page's body."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from core.models import RICH_TEXT_FEATURES, prefetch_renditions_of


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120, help_text="The section heading.")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")],
        default="h2",
        help_text="Use H2 for sections and H3 inside a section, so screen readers can navigate.",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = "A section heading"
        preview_value = {"text": "Continuity clinic", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        description = "Text with bold, italic, links and lists"
        preview_value = "<p>Residents spend one week in continuity clinic every fifth week.</p>"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(help_text="Its alt text comes from the image library.")
    caption = blocks.CharBlock(required=False, max_length=250, help_text="Optional caption under the image.")

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = "An image with an optional caption"

    def bulk_to_python(self, values):
        # Wagtail looks up all of a stream's images in one query; fetch their renditions in one more, so a page
        # costs the same number of queries with one image or twenty, even with the rendition cache empty.
        values = super().bulk_to_python(values)
        prefetch_renditions_of([value.get("image") for value in values], "body")
        return values


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text="The words quoted, without quotation marks.")
    attribution = blocks.CharBlock(required=False, max_length=120, help_text="Who said it, e.g. 'PGY-2 resident'.")

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = "A quotation with its speaker"
        preview_value = {
            "quote": "Clinic every fifth week means I actually know my patients.",
            "attribution": "PGY-2 resident",
        }


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=80, help_text="The link text, e.g. 'How to apply'.")
    page = blocks.PageChooserBlock(required=False, help_text="A page on this site.")
    url = blocks.URLBlock(required=False, help_text="Or an address on another site.")

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"
        description = "A prominent link to a page"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": blocks.BlockValidationError("Choose a page or enter an address.")}
            )
        return value


class FeatureBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=100, help_text="A short name for the feature.")
    text = blocks.TextBlock(help_text="One or two sentences.")

    class Meta:
        icon = "tick"
        template = "blocks/feature_block.html"
        description = "A highlight: a short heading and a sentence or two"
        preview_value = {"heading": "Personalized mentorship", "text": "Every resident has a primary care mentor."}


class FeatureListBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(FeatureBlock(), **kwargs)

    class Meta:
        icon = "list-ul"
        template = "blocks/feature_list_block.html"
        description = "A list of highlights shown as cards"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200, help_text="The question as an applicant would ask it.")
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, help_text="The answer.")

    class Meta:
        icon = "help"
        template = "blocks/question_block.html"
        description = "A question and its answer"
        preview_value = {"question": "Can I apply to more than one track?", "answer": "<p>Yes.</p>"}


class BodyStreamBlock(blocks.StreamBlock):
    """The free composition editors get on content pages."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    features = FeatureListBlock()
    question = QuestionBlock()

    class Meta:
        block_counts = {}


class FAQStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()
    heading = HeadingBlock()
