from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

AUDIT_MODELS = ["AccessAttempt", "AccessFailureLog", "AccessLog"]


def grant_audit_permissions(sender, using="default", **kwargs):
    """LOGIN_AUDIT_GROUPS may read the sign-in audit trail (django-axes' records) in the admin.

    The view permissions are made here if auth's own post_migrate has not made them yet: get_or_create
    rather than Django's create_permissions, which would empty the content-type cache on every migrate.
    """
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    permissions = []
    for model_name in AUDIT_MODELS:
        model = apps.get_model("axes", model_name)
        content_type = ContentType.objects.db_manager(using).get_for_model(model)
        permission, _ = Permission.objects.using(using).get_or_create(
            content_type=content_type,
            codename=f"view_{model._meta.model_name}",
            defaults={"name": f"Can view {model._meta.verbose_name_raw}"},
        )
        permissions.append(permission)
    for group in Group.objects.using(using).filter(name__in=settings.LOGIN_AUDIT_GROUPS):
        group.permissions.add(*permissions)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and sign-in security"

    def ready(self):
        # With axes' own post_migrate (this app has no models, so it gets none): axes comes after `people`
        # in INSTALLED_APPS, so the roles' groups exist by then.
        post_migrate.connect(grant_audit_permissions, sender=apps.get_app_config("axes"))
