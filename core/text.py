"""Plain-text helpers that models, the SEO metadata and templates share: excerpts and tel: links."""

import re

from django.utils.html import strip_tags
from django.utils.text import Truncator

DESCRIPTION_LENGTH = 160


def excerpt(value, length=DESCRIPTION_LENGTH):
    """Plain text from text or rich text, cut at a word boundary to about `length` characters."""
    text = re.sub(r"\s+", " ", strip_tags(str(value or ""))).strip()
    return Truncator(text).chars(length, truncate="…")


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
