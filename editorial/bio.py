"""A biography as plain text that anyone can type, converted safely to and from the page's rich text.

The My profile screen uses a plain textarea, not the rich text editor: the editor's link button opens
Wagtail's page chooser, which lists pages a faculty member must not see, and plain text needs no
JavaScript. The text keeps what a bio uses (the features of `people.models.BIO_FEATURES`):

    Paragraphs are separated by a blank line.
    **bold**, *italic*, and [link text](https://example.org) or [email me](mailto:me@example.org).

Everything else is escaped, so nothing the person types can become markup of its own.
"""

import html
import re
from html.parser import HTMLParser

MAX_BIO_LENGTH = 5000
HELP_TEXT = (
    "Leave a blank line between paragraphs. For bold write **two asterisks**, for italic *one asterisk*, "
    "and for a link [the words to show](https://example.org)."
)

ALLOWED_LINK = re.compile(r"^(https?://[^\s<>\"]+\.[^\s<>\"]+|mailto:[^\s<>\"@]+@[^\s<>\"]+)$", re.IGNORECASE)
# Order matters: an escaped character, then a link, then bold before italic.
INLINE = re.compile(
    r"\\(?P<escaped>[\\*\[\]()])"
    r"|\[(?P<link_text>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<bold>[^*\s](?:[^\n]*?[^*\s])?)\*\*"
    r"|\*(?P<italic>[^*\s](?:[^\n]*?[^*\s])?)\*"
)
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MARKUP_CHARACTERS = re.compile(r"([\\*\[\]])")


def clean_text(text):
    """Unix newlines, no control characters, no trailing spaces, no blank lines at either end."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _inline_html(text):
    parts = []
    position = 0
    for match in INLINE.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        position = match.end()
        if match["escaped"]:
            parts.append(html.escape(match["escaped"], quote=False))
        elif match["link_text"]:
            url = match["url"]
            if ALLOWED_LINK.match(url):
                parts.append(f'<a href="{html.escape(url)}">{_inline_html(match["link_text"])}</a>')
            else:
                parts.append(html.escape(match.group(0), quote=False))
        elif match["bold"]:
            parts.append(f"<b>{_inline_html(match['bold'])}</b>")
        else:
            parts.append(f"<i>{_inline_html(match['italic'])}</i>")
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)


def text_to_rich_text(text):
    """The page's rich text HTML for a bio typed as plain text."""
    paragraphs = [paragraph.strip() for paragraph in PARAGRAPH_BREAK.split(clean_text(text))]
    return "".join(
        "<p>" + "<br/>".join(_inline_html(line.strip()) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
        if paragraph
    )


class _RichTextReader(HTMLParser):
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "ul", "ol"}
    MARKERS = {"b": "**", "strong": "**", "i": "*", "em": "*"}

    def __init__(self, resolve_link):
        super().__init__(convert_charrefs=True)
        self.resolve_link = resolve_link
        self.paragraphs = []
        self.current = []
        self.links = []

    def flush(self):
        paragraph = "".join(self.current).strip()
        if paragraph:
            self.paragraphs.append(paragraph)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.BLOCKS:
            self.flush()
        elif tag in self.MARKERS:
            self.current.append(self.MARKERS[tag])
        elif tag == "br":
            self.current.append("\n")
        elif tag == "a":
            url = self.resolve_link(attributes)
            self.links.append(url if url and ALLOWED_LINK.match(url) else None)
            if self.links[-1]:
                self.current.append("[")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()
        elif tag in self.MARKERS:
            self.current.append(self.MARKERS[tag])
        elif tag == "a" and self.links:
            url = self.links.pop()
            if url:
                self.current.append(f"]({url})")

    def handle_data(self, data):
        self.current.append(MARKUP_CHARACTERS.sub(r"\\\1", data.replace("\n", " ")))


def _resolve_link(attributes):
    """An absolute address for a rich text link: internal page and document links become their public URLs."""
    if attributes.get("linktype") == "page":
        from wagtail.models import Page

        page = Page.objects.filter(pk=attributes.get("id") or 0).first()
        return page.full_url if page is not None and page.live else None
    if attributes.get("linktype") == "document":
        from wagtail.documents import get_document_model

        document = get_document_model().objects.filter(pk=attributes.get("id") or 0).first()
        return document.url if document is not None and document.url.startswith("http") else None
    return attributes.get("href")


def rich_text_to_text(value):
    """The plain text a person edits for a bio stored as rich text (the inverse of `text_to_rich_text`)."""
    reader = _RichTextReader(_resolve_link)
    reader.feed(value or "")
    reader.close()
    reader.flush()
    return "\n\n".join(reader.paragraphs)


def same_bio(rich_text, text):
    """Whether typing `text` would leave a bio stored as `rich_text` as it is (formatting details aside)."""
    return text_to_rich_text(rich_text_to_text(rich_text)) == text_to_rich_text(text)
