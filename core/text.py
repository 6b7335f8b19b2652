"""Plain-text helpers that models, the SEO metadata and templates share: excerpts and tel: links."""

import html
import re

from django.utils.html import strip_tags

DESCRIPTION_LENGTH = 160


# Where one block of rich text ends and the next begins: a space, so "goals.</p><p>She" reads "goals. She".
_BLOCK_BOUNDARY = re.compile(r"</(p|li|h[1-6]|blockquote|div|ul|ol)>|<br\s*/?>", re.IGNORECASE)


def plain_text(value):
    """The words of text or rich text: tags removed, blocks kept apart, entities (&lt;, &amp;) read as characters."""
    text = strip_tags(_BLOCK_BOUNDARY.sub(lambda match: match.group(0) + " ", str(value or "")))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def excerpt(value, length=DESCRIPTION_LENGTH):
    """Plain text from text or rich text, at most `length` characters, cut between words (never inside one)."""
    return shorten(plain_text(value), length)


def shorten(text, length=DESCRIPTION_LENGTH):
    """Plain `text` at most `length` characters long, cut between words (never inside one) with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d+)\s*$", re.IGNORECASE)
# Numbers written without a country code are North American, as the program's are.
DEFAULT_COUNTRY_CODE = "1"


def tel_href(phone):
    """A phone number as written to a tel: URI with its country code: '(310) 555-0100' to 'tel:+13105550100'.

    Phones dial a tel: link as it is, so without the country code a number fails from abroad (or from a phone
    set to another region). An extension ('x 204') becomes ';ext=204'.
    """
    phone = str(phone or "").strip()
    extension = ""
    match = EXTENSION.search(phone)
    if match:
        extension = f";ext={match.group(1)}"
        phone = phone[: match.start()]
    digits = re.sub(r"[^0-9]", "", phone)
    if not digits:
        return ""
    if phone.startswith("+"):
        number = f"+{digits}"
    elif len(digits) == 10:
        number = f"+{DEFAULT_COUNTRY_CODE}{digits}"
    elif len(digits) == 11 and digits.startswith(DEFAULT_COUNTRY_CODE):
        number = f"+{digits}"
    else:
        number = digits  # not a North American number we can be sure of: dial it as written
    return f"tel:{number}{extension}"
