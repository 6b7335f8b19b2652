"""A strict Content-Security-Policy is possible: no inline script or style, nothing from another host.
Private pages stay private."""

import re
from urllib.parse import urlsplit

from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from core.factories import CustomImageFactory, SocialLinkFactory
from tests.utils import SiteTestCase, one_page_of_each_type, parse_tags, visible_text

# Script types that hold data, not code: browsers never execute them, so CSP does not apply.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Attributes through which a tag loads something.
LOADING_ATTRIBUTES = {
    "link": ["href"],
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
}
OWN_HOSTS = {"testserver", "localhost", "127.0.0.1"}


def urls_in(attribute, value):
    if attribute == "srcset":
        return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]
    return [value]


class SecurityTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        # Every block type, a social image and a social link, so their templates are checked too.
        tree.benefits.body = [
            ("heading", {"text": "Heading", "level": "h2"}),
            ("paragraph", RichText('<p>Text with <a href="https://example.com/">a link</a>.</p>')),
            ("image", {"image": CustomImageFactory(), "caption": "A caption"}),
            ("quote", {"quote": "A quote", "attribution": "Someone"}),
            ("call_to_action", {"text": "Apply", "page": tree.apply, "url": ""}),
            ("features", [{"heading": "Feature", "text": "About it."}]),
            ("question", {"question": "A question?", "answer": RichText("<p>An answer.</p>")}),
        ]
        tree.benefits.social_image = CustomImageFactory()
        tree.benefits.save_revision().publish()
        SocialLinkFactory()
        cls.urls = {page.specific_class.__name__ + ": " + page.title: page.url for page in one_page_of_each_type(tree)}
        cls.urls["search results"] = "/search/?query=track"
        cls.urls["empty search"] = "/search/"

    def responses(self):
        for label, url in self.urls.items():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, label)
            yield label, response

    def test_content_security_policy_header_is_strict(self):
        for label, response in self.responses():
            with self.subTest(page=label):
                policy = response.headers.get("Content-Security-Policy", "")
                self.assertIn("script-src 'self'", policy)
                self.assertIn("style-src 'self'", policy)
                self.assertNotIn("unsafe-inline", policy)
                self.assertNotIn("unsafe-eval", policy)

    def test_no_inline_script_or_style(self):
        for label, response in self.responses():
            tags = parse_tags(response.content.decode())
            with self.subTest(page=label):
                inline_scripts = [
                    tag["text"].strip()[:80]
                    for tag in tags
                    if tag["tag"] == "script"
                    and not tag["attrs"].get("src")
                    and tag["attrs"].get("type") not in DATA_SCRIPT_TYPES
                ]
                self.assertEqual(inline_scripts, [], "inline <script>")
                self.assertEqual([t for t in tags if t["tag"] == "style"], [], "<style> element")
                styled = [f"<{t['tag']} style={t['attrs']['style']!r}>" for t in tags if "style" in t["attrs"]]
                self.assertEqual(styled, [], "style= attribute")
                handlers = [f"<{t['tag']} {name}=...>" for t in tags for name in t["attrs"] if name.startswith("on")]
                self.assertEqual(handlers, [], "inline event handler")
                javascript_urls = [
                    t["attrs"]["href"] for t in tags if (t["attrs"].get("href") or "").lower().startswith("javascript:")
                ]
                self.assertEqual(javascript_urls, [], "javascript: URL")

    def test_nothing_loads_from_another_host(self):
        for label, response in self.responses():
            tags = parse_tags(response.content.decode())
            with self.subTest(page=label):
                foreign = []
                for tag in tags:
                    for attribute in LOADING_ATTRIBUTES.get(tag["tag"], []):
                        for url in urls_in(attribute, tag["attrs"].get(attribute) or ""):
                            parts = urlsplit(url)
                            if parts.scheme == "data":
                                continue
                            if parts.netloc and parts.hostname not in OWN_HOSTS:
                                foreign.append(f"<{tag['tag']} {attribute}={url}>")
                self.assertEqual(foreign, [])

    def test_pages_load_the_sites_stylesheet(self):
        for label, response in self.responses():
            with self.subTest(page=label):
                stylesheets = [
                    t["attrs"].get("href", "")
                    for t in parse_tags(response.content.decode())
                    if t["tag"] == "link" and "stylesheet" in (t["attrs"].get("rel") or "")
                ]
                self.assertTrue(stylesheets)
                self.assertTrue(all(href.startswith("/static/") for href in stylesheets), stylesheets)


class PrivatePageTests(SiteTestCase):
    """A page behind a password is left out of every listing, menu and search result."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        for page in (tree.track, tree.benefits):
            page.show_in_menus = True
            page.save()
        for page in (tree.preceptor, tree.elective_site, tree.benefits):
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
            )

    def test_private_pages_ask_for_the_password(self):
        tree = self.tree
        for page, secret in [
            (tree.preceptor, f"{tree.preceptor.full_name} is a fictional person."),
            (tree.elective_site, tree.elective_site.introduction),
            (tree.benefits, "The body of Benefits."),
        ]:
            with self.subTest(page=page.title):
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertIn('type="password"', response.content.decode())
                self.assertNotIn(secret, visible_text(response.content.decode()))

    def test_private_people_and_sites_are_not_listed(self):
        faculty = visible_text(self.get_html(self.tree.faculty_index))
        self.assertIn(self.tree.director.full_name, faculty)
        self.assertNotIn(self.tree.preceptor.full_name, faculty)
        sites = visible_text(self.get_html(self.tree.sites_index))
        self.assertIn(self.tree.continuity_site.title, sites)
        self.assertNotIn(self.tree.elective_site.title, sites)
        site = visible_text(self.get_html(self.tree.continuity_site))
        self.assertIn(self.tree.director.full_name, site)
        self.assertNotIn(self.tree.preceptor.full_name, site)

    def test_private_pages_are_not_in_the_menu_or_search(self):
        html = self.get_html(self.tree.home)
        menu = " ".join(re.findall(r"<nav\b[^>]*main-nav.*?</nav>", html, flags=re.S))
        self.assertIn(f'href="{self.tree.track.url}"', menu)
        self.assertNotIn(f'href="{self.tree.benefits.url}"', menu)
        response = self.client.get("/search/", {"query": self.tree.preceptor.last_name})
        self.assertEqual(list(response.context["search_results"]), [])
