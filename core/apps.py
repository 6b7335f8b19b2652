from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from core import signals, tasks
        from core.exports import protect_wagtail_csv_exports
        from core.uploads import apply_pillow_pixel_cap

        signals.connect()
        tasks.connect()
        protect_wagtail_csv_exports()
        apply_pillow_pixel_cap()
