from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backups and restores of the database and media. Above the domain apps, knowing none of
    them (a backup takes every table and every file); not core, which holds what the site's pages share, and
    not devtools (developer tools) or editorial (Communications' screens)."""

    name = "operations"
    verbose_name = "Operations"
