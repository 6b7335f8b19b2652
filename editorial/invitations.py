"""Inviting a person to edit their own profile: one account, in the Faculty group, linked, with a set-password link."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.utils import get_admin_base_url

from editorial.models import ProfileAccount
from editorial.roles import FACULTY_GROUP
from people.models import FacultyPage, ResidentPage


class InvitationError(Exception):
    """A reason the invitation cannot be made, in words for the person making it."""


def find_profile_by_slug(slug):
    matches = [*FacultyPage.objects.filter(slug=slug), *ResidentPage.objects.filter(slug=slug)]
    if not matches:
        raise InvitationError(f"No faculty or resident profile has the slug '{slug}'.")
    if len(matches) > 1:
        raise InvitationError(
            f"More than one profile has the slug '{slug}'; invite from the page in the admin instead."
        )
    return matches[0]


def set_password_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("wagtailadmin_password_reset_confirm", args=[uid, token])
    return f"{get_admin_base_url()}{path}"


@transaction.atomic
def invite_profile_editor(email, profile):
    """Create or find the account for `email`, give it the Faculty role and link it to `profile`.

    Returns (user, created). Sends the set-password email after the transaction commits.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvitationError(f"'{email}' is not a valid email address.") from error

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    existing = ProfileAccount.objects.filter(page=profile).select_related("user").first()
    if existing is not None and (user is None or existing.user_id != user.pk):
        raise InvitationError(
            f"{profile.full_name}'s profile is already linked to another account ({existing.user}). Unlink it first."
        )
    if user is not None and user.is_superuser:
        raise InvitationError("That address belongs to an administrator; link administrators by hand.")
    if user is not None:
        other = ProfileAccount.objects.filter(user=user).exclude(page=profile).select_related("page").first()
        if other is not None:
            raise InvitationError(f"{email} is already linked to the profile of {other.page.title}.")

    created = user is None
    if created:
        username_field = User.USERNAME_FIELD
        user = User(email=email, first_name=profile.first_name, last_name=profile.last_name, **{username_field: email})
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=FACULTY_GROUP))
    ProfileAccount.objects.get_or_create(page=profile, defaults={"user": user})

    transaction.on_commit(lambda: send_invitation_email(user, profile))
    return user, created


def send_invitation_email(user, profile):
    url = set_password_url(user)
    send_mail(
        subject="Update your residency program profile",
        message=(
            f"Hello {profile.first_name},\n\n"
            "You can now update the biography and photo on your profile on the residency program's website.\n"
            f"Choose your password here (the link works once):\n{url}\n\n"
            f"Then sign in at {get_admin_base_url()}{reverse('wagtailadmin_login')} with {user.email} "
            "and choose 'My profile'. Communications reviews every change before it is public.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
