from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from core.images import use_faster_avif_encoding

        use_faster_avif_encoding()
