from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # Imported here, not at the top: these modules import models, which exist only once the app registry is
        # ready (an app's module is imported before its models are).
        from core import signals, tasks
        from core.exports import protect_wagtail_csv_exports
        from core.images import AVIF_SPEED, use_faster_avif_encoding
        from core.uploads import apply_pillow_pixel_cap

        signals.connect()
        tasks.connect()
        protect_wagtail_csv_exports()
        apply_pillow_pixel_cap()
        use_faster_avif_encoding(getattr(settings, "AVIF_ENCODER_SPEED", AVIF_SPEED))
