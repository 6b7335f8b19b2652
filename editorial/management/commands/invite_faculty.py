from django.core.management.base import BaseCommand, CommandError

from editorial.invitations import InvitationError, find_profile_by_slug, invite_profile_editor


class Command(BaseCommand):
    help = (
        "Invite a person to edit their own profile: creates or finds the account for EMAIL, "
        "adds it to the Faculty group, links it to the profile with PROFILE_SLUG and emails a set-password link."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("profile_slug")

    def handle(self, email, profile_slug, **options):
        try:
            profile = find_profile_by_slug(profile_slug)
            user, created = invite_profile_editor(email, profile)
        except InvitationError as error:
            raise CommandError(str(error)) from error
        verb = "Created" if created else "Found"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} account {user.email}, linked it to {profile.full_name}'s profile and sent the invitation."
            )
        )
