"""Remove a person's second factor from the command line, e.g. when the only administrator lost their phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor import has_two_factor, remove_two_factor, two_factor_required


class Command(BaseCommand):
    help = "Reset two-step verification for a user: their authenticator app and recovery codes are removed."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not has_two_factor(user):
            self.stdout.write(f"{username} has no two-step verification set up; nothing to reset.")
            return
        remove_two_factor(user)
        then = "they set it up again at their next sign-in" if two_factor_required(user) else "it is now off"
        self.stdout.write(f"Two-step verification of {username} was reset; {then}.")
