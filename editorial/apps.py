from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def create_roles(sender, using="default", **kwargs):
    # Imported when the signal fires, not at the top: both import models, which do not exist yet when Django
    # imports an app's apps.py.
    from django.contrib.auth.management import create_permissions

    from editorial.roles import ensure_roles

    # Apps after this one in INSTALLED_APPS get their permissions later in the
    # same signal; the roles need all of them now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_roles()


class EditorialConfig(AppConfig):
    """Editorial tools above the content apps: roles, My profile, invitations, freshness report, people importer."""

    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        # Groups, permissions and the review workflow exist on every database
        # (including test databases) as soon as it is migrated.
        post_migrate.connect(create_roles, sender=self)
        from editorial import photos  # signal handlers need the models loaded

        photos.connect()
        from editorial.importer import journal

        journal.connect()
