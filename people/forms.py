from django import forms
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from people.roles import DETAILS_PERMISSION

# The fields a person may change on their own profile. Everything else
# (name, roles, slug, tracks, account link, publishing dates) is left out of
# the form for them, so a crafted POST cannot reach it either.
SELF_SERVICE_FIELDS = ("bio", "photo", "comment_notifications")
SELF_SERVICE_FORMSETS = ("comments",)


class ProfilePageForm(WagtailAdminPageForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.self_service = bool(for_user and not for_user.has_perm(DETAILS_PERMISSION))
        if self.self_service:
            for name in list(self.fields):
                if name not in SELF_SERVICE_FIELDS:
                    del self.fields[name]
            for name in list(self.formsets):
                if name not in SELF_SERVICE_FORMSETS:
                    del self.formsets[name]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not self.self_service or photo is None or photo.pk == self.instance.photo_id:
            return photo
        image_permission_policy = policy_registry.get_by_type(get_image_model())
        choosable = image_permission_policy.instances_user_has_any_permission_for(self.for_user, ["choose", "add"])
        if not choosable.filter(pk=photo.pk).exists():
            raise forms.ValidationError("Choose a photo you uploaded or one from the profile photo collection.")
        return photo

    def clean(self):
        cleaned_data = super().clean()
        photo = cleaned_data.get("photo")
        if photo is not None and isinstance(photo, get_image_model()) and not photo.alt_text.strip():
            self.add_error("photo", "This photo has no alt text. Edit the image and describe it first.")
        return cleaned_data
