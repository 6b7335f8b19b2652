"""What the applicant forms check before reading a post: it comes from our own pages, and its address has not
sent too many lately.

The forms post without a CSRF token, so that the pages holding them (a track, a contact page) stay in the page
cache, which stores no response that rendered one. A token protects what a signed-in visitor's browser could be
made to do; these forms act for no one (anyone may send them) and each post must carry a proof-of-work solved
for it. What a forged cross-site post could still do, the Origin check refuses: browsers send Origin with every
POST, and a page on another site cannot make it ours.
"""

from urllib.parse import urlsplit

from django.conf import settings

from core.client_address import client_ip_address
from core.throttle import count_in_window, throttle_key

KEY_PREFIX = "applicant-forms"


def is_cross_site(request):
    """True when the browser says the post came from another site's page (Origin or Sec-Fetch-Site)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc != request.get_host()


def within_limit(request):
    """Count one post from the client's address; False once it is over APPLICANT_FORM_LIMIT in its window."""
    limit = settings.APPLICANT_FORM_LIMIT
    count = count_in_window(throttle_key(KEY_PREFIX, "address", client_ip_address(request)), limit["window"])
    return count <= limit["requests"]
