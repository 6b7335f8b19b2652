from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from django.conf import settings

        from core.images import AVIF_SPEED, use_faster_avif_encoding

        use_faster_avif_encoding(getattr(settings, "AVIF_ENCODER_SPEED", AVIF_SPEED))
