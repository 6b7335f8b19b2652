"""The admin's Content-Security-Policy (enforced, and the strict report-only one beside it) and the report endpoint.

The browser test (tests/browser/test_admin.py) shows the admin works under the enforced policy.
"""

import json
import logging
import types

import pytest
from django.core.cache import caches
from django.test import Client

from core import security
from tests.security.observatory import parse_csp
from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

# Half past the minute and the hour: the report limits count in fixed windows (a minute per address, an hour
# for the log), so a test whose posts straddled a window's end would see twice the limit (CI once did).
MID_WINDOW = 1_800_000_000 + 30 * 60 + 30


@pytest.fixture(autouse=True)
def report_clock_in_mid_window(monkeypatch):
    monkeypatch.setattr(security, "time", types.SimpleNamespace(time=lambda: MID_WINDOW))


LOCKED_TO_SITE = ["base-uri", "form-action", "frame-ancestors", "default-src", "connect-src"]


@pytest.fixture
def comms_client(client):
    client.force_login(make_user("casey", group="Communications"))
    return client


def admin_policies(response):
    return (
        parse_csp(response.headers["Content-Security-Policy"]),
        parse_csp(response.headers["Content-Security-Policy-Report-Only"]),
    )


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/password_reset/"])
def test_the_admin_sign_in_pages_have_the_admin_policy(client, url):
    enforced, strict = admin_policies(client.get(url))
    assert enforced["script-src"] == ["'self'", "'unsafe-inline'"]
    assert strict["script-src"] == ["'self'", "'report-sample'"]


def test_the_admin_policy_is_as_strict_as_wagtail_allows(comms_client, site_tree):
    response = comms_client.get(f"/admin/pages/{site_tree.apply.pk}/edit/")
    assert response.status_code == 200
    enforced, strict = admin_policies(response)
    for policy in (enforced, strict):
        assert policy["object-src"] == ["'none'"]
        for directive in LOCKED_TO_SITE:
            assert policy[directive] == ["'self'"], directive
        sources = {source for values in policy.values() for source in values}
        assert "'unsafe-eval'" not in sources
        # Nothing from another host: only the site itself, and data:/blob: for images, fonts and workers.
        assert sources <= {"'self'", "'none'", "'unsafe-inline'", "'report-sample'", "data:", "blob:", "/csp-report/"}
        assert policy["report-uri"] == ["/csp-report/"]
    # 'unsafe-inline' is the admin's only exception, and only in the enforced policy.
    assert {name for name, values in enforced.items() if "'unsafe-inline'" in values} == {"script-src", "style-src"}
    assert not any("'unsafe-inline'" in values for values in strict.values())


def test_public_pages_keep_their_strict_policy(client, site_tree):
    response = client.get(site_tree.home.url)
    policy = parse_csp(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_every_response_says_cross_origin_resource_policy_same_origin(client, site_tree):
    for url in [site_tree.home.url, "/admin/login/", "/static/css/site.css"]:
        assert client.get(url).headers["Cross-Origin-Resource-Policy"] == "same-origin", url


def report(**fields):
    return json.dumps({"csp-report": {"document-uri": "https://site.example/admin/pages/3/edit/", **fields}})


def test_reports_are_logged_once_and_named(caplog):
    client = Client(enforce_csrf_checks=True)  # browsers send no CSRF token with a report
    body = report(
        **{
            "disposition": "report",
            "effective-directive": "script-src-elem",
            "blocked-uri": "inline",
            "source-file": "https://site.example/admin/pages/3/edit/",
            "line-number": 2249,
            "script-sample": "window.initDateChooser(",
        }
    )
    with caplog.at_level(logging.INFO, logger="portal.csp"):
        for _ in range(3):
            response = client.post("/csp-report/", body, content_type="application/csp-report")
            assert response.status_code == 204
        client.post(
            "/csp-report/",
            report(disposition="enforce", **{"effective-directive": "img-src"}),
            content_type="application/csp-report",
        )
    records = [record for record in caplog.records if record.name == "portal.csp"]
    assert len(records) == 2
    assert records[0].levelno == logging.INFO and "window.initDateChooser(" in records[0].getMessage()
    assert records[1].levelno == logging.WARNING and "img-src" in records[1].getMessage()


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [("get", None, 405), ("post", "not json", 400), ("post", json.dumps([1]), 400), ("post", "x" * 20_000, 413)],
)
def test_bad_reports_are_refused_without_an_error(client, method, body, status):
    if method == "get":
        response = client.get("/csp-report/")
    else:
        response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == status


def csp_records(caplog):
    return [record for record in caplog.records if record.name == "portal.csp"]


def distinct_report(number, **extra):
    return report(
        **{
            "disposition": "enforce",
            "effective-directive": "img-src",
            "blocked-uri": f"https://junk-{number}.example/{'x' * 5000}",
            **extra,
        }
    )


def test_five_hundred_distinct_reports_from_one_address_write_a_bounded_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.csp"):
        statuses = [
            client.post("/csp-report/", distinct_report(number), content_type="application/csp-report").status_code
            for number in range(500)
        ]
    assert statuses.count(204) == 20 and statuses.count(429) == 480
    records = csp_records(caplog)
    assert len(records) == 20
    assert max(len(record.getMessage()) for record in records) < 1600


def test_distinct_reports_from_many_addresses_write_at_most_a_hundred_records_an_hour(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.csp"):
        for number in range(500):
            client.post(
                "/csp-report/",
                distinct_report(number),
                content_type="application/csp-report",
                REMOTE_ADDR=f"10.0.{number // 250}.{number % 250}",
            )
    assert len(csp_records(caplog)) == 100


def test_the_report_endpoint_keeps_a_bounded_number_of_keys(client, monkeypatch, settings):
    cache = caches[settings.SECURITY_CACHE_ALIAS]
    written = set()
    for method in ("add", "set"):
        real = getattr(cache, method)

        def recording(key, *args, real=real, **kwargs):
            written.add(key)
            return real(key, *args, **kwargs)

        monkeypatch.setattr(cache, method, recording)

    for number in range(2000):
        client.post(
            "/csp-report/",
            distinct_report(number),
            content_type="application/csp-report",
            REMOTE_ADDR=f"10.1.{number // 250}.{number % 250}",
        )
    keys = {key for key in written if key.startswith("csp-report:")}
    # At most one counter per address slot (1,024), one entry per report slot (512) and the hourly log budget:
    # 2,000 distinct reports from 2,000 addresses do not make 2,000 keys.
    assert len(keys) <= 1024 + 512 + 1
    assert len([key for key in keys if ":seen:" in key]) <= 512


def test_a_report_cannot_forge_log_lines(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.csp"):
        client.post(
            "/csp-report/",
            report(**{"blocked-uri": "inline\nCRITICAL forged line", "disposition": "enforce"}),
            content_type="application/csp-report",
        )
    (record,) = csp_records(caplog)
    assert "\n" not in record.getMessage()
    assert "inline\\x0aCRITICAL forged line" in record.getMessage()
