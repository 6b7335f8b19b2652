"""Profile accounts in the admin: which login account may edit which profile (Communications only)."""

from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from editorial.models import ProfileAccount, person_page_types


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, page):
        return f"{page.title} ({page.specific_class._meta.verbose_name})"


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} <{user.email}>" if name and user.email else (user.email or user.get_username())


class ProfileAccountForm(WagtailAdminModelForm):
    page = ProfileChoiceField(
        queryset=Page.objects.none(),
        label="Profile",
        help_text=ProfileAccount._meta.get_field("page").help_text,
    )
    user = AccountChoiceField(
        queryset=get_user_model().objects.none(),
        label="Account",
        help_text=ProfileAccount._meta.get_field("user").help_text,
    )

    class Meta:
        model = ProfileAccount
        fields = ["page", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = Page.objects.type(*person_page_types()).order_by("title")
        users = get_user_model().objects.filter(is_active=True, is_superuser=False)
        self.fields["user"].queryset = users.order_by("last_name", "first_name", "email")


class ProfileAccountViewSet(ModelViewSet):
    model = ProfileAccount
    form_fields = ["page", "user"]
    icon = "user"
    add_to_admin_menu = True
    menu_label = "Profile accounts"
    menu_order = 460
    name = "profile_accounts"
    list_display = ["page", "user", "created_at"]
    search_fields = ["page__title", "user__email", "user__first_name", "user__last_name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return ProfileAccountForm


profile_account_viewset = ProfileAccountViewSet()
