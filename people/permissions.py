"""Who may do what to a profile page.

A profile's own person (linked through `PersonPage.user`, and holding the
edit-own-profile permission) may open its editor and submit changes; every
other action still needs the ordinary page permissions.
"""

from wagtail.models import PagePermissionTester

from people.roles import OWN_PROFILE_PERMISSION


def is_own_profile(user, page):
    return bool(user.is_active and user.pk and page.user_id == user.pk and user.has_perm(OWN_PROFILE_PERMISSION))


class ProfilePermissionTester(PagePermissionTester):
    def can_edit(self):
        return super().can_edit() or is_own_profile(self.user, self.page)

    def can_copy(self):
        # Copying needs real page permissions, not the profile owner's right to edit.
        return super().can_edit()
