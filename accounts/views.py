"""Admin views of the accounts app: the throttled password reset form."""

from wagtail.admin.views.account import PasswordResetView

from accounts.login_protection import client_ip_address
from accounts.throttle import password_reset_allowed

TOO_MANY_RESETS = (
    "Too many password reset requests. For your security, no more reset emails will be sent for a while: "
    "check your inbox (and spam folder) for the email already sent, or try again in an hour."
)


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's "Reset your password" form, sending no more than a few emails per address and per account."""

    def form_valid(self, form):
        if not password_reset_allowed(client_ip_address(self.request), form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
