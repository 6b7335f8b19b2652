"""Template tags of the people listings."""

import hashlib

from django import template
from django.template.loader import render_to_string

from core.generation_memo import remember_lasting
from core.templatetags.image_tags import responsive_picture

register = template.Library()

# How wide a card's portrait shows: a quarter of the page's container on a wide screen, half a phone's width.
CARD_PORTRAIT_SIZES = "(min-width: 72rem) 13rem, (min-width: 48rem) 22vw, 44vw"


@register.simple_tag(takes_context=True)
def person_card(context, person, heading="h3", eager=False):
    """A person's card (includes/person_card.html), rendered from nothing but what it shows.

    A directory shows up to 24 cards and a clinic site its preceptors; after a publish every page is rendered
    again, though most cards have not changed. So the card is remembered across page-cache generations
    (core.generation_memo's `remember_lasting`) under a digest of everything it shows: its link, name, lines,
    portrait markup (lazy or not) and heading level. A change to any of them (the person's page, a new photo, a
    moved parent, a new class year) makes a new key, so a remembered card is never stale.
    """
    request = context.get("request")
    meta, detail = person.card_lines()
    # The first cards can be on the first screen of a phone, where the first portrait is the largest thing
    # painted: a lazy one would wait for layout before it loads.
    loading = {} if eager else {"loading": "lazy"}
    card = {
        "url": person.get_url(request),
        "name": person.name_with_credentials,
        "initials": person.initials,
        "meta": meta,
        "detail": detail,
        "heading": "h4" if heading == "h4" else "h3",
        "picture": responsive_picture(context, person.photo, "portrait", sizes=CARD_PORTRAIT_SIZES, **loading),
    }
    digest = hashlib.sha256(repr(sorted(card.items())).encode()).hexdigest()
    return remember_lasting(
        request, f"person-card:{digest}", lambda: render_to_string("includes/person_card.html", card)
    )
