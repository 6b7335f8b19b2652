from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Tags, register
from django.db.backends.signals import connection_created

from core.client_address import check_trusted_proxy_count
from core.database import use_wal
from core.images import AVIF_SPEED, use_faster_avif_encoding
from core.uploads import apply_pillow_pixel_cap


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # Imported here, not at the top: these modules import models (Wagtail's admin views, for exports), which
        # exist only once the app registry is ready, and Django imports apps.py before any model.
        from core import signals, site_address, tasks  # noqa: F401 (site_address registers a system check)
        from core.exports import protect_wagtail_csv_exports

        connection_created.connect(use_wal, dispatch_uid="sqlite_use_wal")
        signals.connect()
        tasks.connect()
        protect_wagtail_csv_exports()
        apply_pillow_pixel_cap()
        use_faster_avif_encoding(getattr(settings, "AVIF_ENCODER_SPEED", AVIF_SPEED))
        register(check_trusted_proxy_count, Tags.security, deploy=True)
