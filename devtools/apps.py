from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for the people who build the site, not for its visitors or editors: `manage.py bench_pages`,
    `manage.py screenshots` and the tour of every page type that both (and the browser tests) follow. Above
    every domain app, as it visits them all."""

    name = "devtools"
    verbose_name = "Developer tools"
