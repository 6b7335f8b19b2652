"""The site's own address: the default Wagtail Site's hostname and port, which every absolute URL is built from
(canonical links, Open Graph, the sitemap, robots.txt, calendar files), and WAGTAILADMIN_BASE_URL, which emails
link to. The two must agree, or pages and emails send people to different places (or to http://localhost/).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from wagtail.models import Site

DEFAULT_PORTS = {"http": 80, "https": 443}


def address_of(base_url):
    """(hostname, port) of a base URL such as http://127.0.0.1:8000 or https://www.example.org."""
    parts = urlsplit(base_url)
    return parts.hostname or "localhost", parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def set_site_address(site, base_url):
    """Point `site` at `base_url`'s host and port. Returns whether it changed."""
    hostname, port = address_of(base_url)
    if (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return True


def site_root_url_disagrees(base_url):
    """The default Site's root URL when it is not `base_url`, else None."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or site.root_url == base_url.rstrip("/"):
        return None
    return site.root_url


@checks.register(checks.Tags.sites)
def check_site_address(app_configs=None, databases=None, **kwargs):
    """In production (DEBUG off), warn when the default Site's root URL is not WAGTAILADMIN_BASE_URL.

    It reads the database, so it runs where Django runs database checks: `migrate` (each deploy) and
    `manage.py check --database default`.
    """
    if settings.DEBUG or not databases or "default" not in databases:
        return []
    base_url = settings.WAGTAILADMIN_BASE_URL
    try:
        root_url = site_root_url_disagrees(base_url)
    except DatabaseError:
        return []  # not migrated yet, or not reachable: other checks and commands say so
    if root_url is None:
        return []
    return [
        checks.Warning(
            f"The default Site's address is {root_url}, but WAGTAILADMIN_BASE_URL is {base_url}.",
            hint=(
                "Canonical links, the sitemap, robots.txt, link previews and calendar files use the Site's "
                "address; emails use WAGTAILADMIN_BASE_URL. Set the Site's hostname and port (Settings > Sites) "
                "or WAGTAILADMIN_BASE_URL so they agree."
            ),
            id="portal.W001",
        )
    ]
