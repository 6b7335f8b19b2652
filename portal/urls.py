import re

from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import SignOutView, ThrottledPasswordResetView
from core import views as core_views
from core.private_media import serve_private_media
from core.security import csp_report

urlpatterns = [
    # Wagtail's own reset form, throttled per address and per account; the rest of the reset flow is Wagtail's.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    # Private media (unapproved portraits): under /admin/ for two-step verification, before Wagtail's admin so an
    # anonymous visitor gets a 404, not a sign-in page that would say the file exists.
    path("admin/private-media/<path:name>", serve_private_media, name="private_media"),
    # Wagtail's sign-out, except that a GET changes nothing (Wagtail's deletes the cookie but keeps the session).
    path("admin/logout/", SignOutView.as_view(), name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", core_views.search, name="search"),
    path("csp-report/", csp_report, name="csp_report"),  # settings.CSP_REPORT_URL
    # Wagtail's sitemap: every live, public page of the requesting site, with its last-published date as lastmod.
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Applicants' questions and open-house registrations, and the proof-of-work challenges their forms solve.
    path("applicants/", include("admissions.urls")),
    path("altcha/", include("altcha_django.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # In production media lives on shared storage served by the web server. Never private media: that is
    # outside MEDIA_ROOT (core.storage). Django's static() helper is not used: it gives nothing when DEBUG is off,
    # so SERVE_MEDIA alone (the browser tests' live server, a quick production-settings trial) served no picture.
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", core_views.serve_media, name="media")]

urlpatterns += [path("", include(wagtail_urls))]
