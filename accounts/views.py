"""Admin views of the accounts app: the throttled password reset form and a sign-out that is whole."""

from wagtail.admin.views.account import LogoutView, PasswordResetView

from accounts.throttle import password_reset_allowed
from core.client_address import client_ip_address

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


class SignOutView(LogoutView):
    """Wagtail's sign-out, whole: a POST signs out on the server and in the browser; anything else changes nothing.

    Wagtail 8's view answers a GET with 405 yet still deletes the session cookie, so the browser looked signed
    out while the session stayed valid on the server (anyone holding the cookie could go on using it). Signing
    out stays a POST (the admin's menu sends one), so another site cannot sign people out with a link.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
