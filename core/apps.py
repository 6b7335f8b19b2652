from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from django.conf import settings

        from core import signals, site_address, tasks  # noqa: F401 (site_address registers a system check)
        from core.exports import protect_wagtail_csv_exports
        from core.images import AVIF_SPEED, use_faster_avif_encoding
        from core.uploads import apply_pillow_pixel_cap

        signals.connect()
        tasks.connect()
        protect_wagtail_csv_exports()
        apply_pillow_pixel_cap()
        use_faster_avif_encoding(getattr(settings, "AVIF_ENCODER_SPEED", AVIF_SPEED))
