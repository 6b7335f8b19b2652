from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    """Applicants reaching the program: their questions and open-house registrations (a domain app: it imports
    core and programs, nothing above them)."""

    name = "admissions"
    verbose_name = "Applicants"

    def ready(self):
        from admissions import signals

        signals.connect()
