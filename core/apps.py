from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from core import signals, tasks

        signals.connect()
        tasks.connect()
