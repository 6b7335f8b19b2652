"""Helpers shared by the security tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "a-long-enough-test-passphrase"


def make_user(username, group=None, password=PASSWORD, **extra):
    """A user who may use the admin: in `group` ("Communications" or "Faculty", made by the roles on migrate)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", password, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user
