from django import template
from wagtail.models import Page

from admissions.forms import QuestionForm
from core.models import ContactSettings

register = template.Library()


@register.inclusion_tag("admissions/includes/question_form.html", takes_context=True)
def question_form(context, page=None, form=None):
    """The questions form; questions sent from it are filed under `page` (and the track it is in)."""
    if form is None:
        form = QuestionForm(initial={"page": page.pk if isinstance(page, Page) else None})
    return {"form": form, "contact": ContactSettings.load(request_or_site=context.get("request"))}
