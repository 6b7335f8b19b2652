"""The site, its settings and the demo's accounts: found or made, never overwritten without `refresh`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from core.models import ContactSettings
from editorial.models import ProfileAccount

WELCOME_PAGE_TITLE = "Welcome to your new Wagtail site!"


def remove_welcome_page(notes):
    """Delete the page Wagtail's first migration creates, unless someone has built on it."""
    root = Page.get_first_root_node()
    for page in Page.objects.child_of(root).filter(title=WELCOME_PAGE_TITLE):
        if page.specific_class is not Page or page.get_children().exists():
            continue
        # Sites cascade-delete with their root page: park them on the tree root until the new home exists.
        Site.objects.filter(root_page=page).update(root_page=root)
        page.delete()
        notes.append(f"Removed Wagtail's default page '{WELCOME_PAGE_TITLE}'.")


# Site, settings and users -------------------------------------------------------------------------


def ensure_site(home, site_name, notes, address=("localhost", 80)):
    """The default site, at `address` (hostname, port), rooted at the demo home page."""
    hostname, port = address
    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname=hostname, port=port).first()
        or Site(hostname=hostname, port=port)
    )
    wanted = {
        "hostname": hostname,
        "port": port,
        "root_page_id": home.pk,
        "is_default_site": True,
        "site_name": site_name,
    }
    changed = [name for name, value in wanted.items() if getattr(site, name) != value]
    if changed or site.pk is None:
        for name, value in wanted.items():
            setattr(site, name, value)
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        site.save()
        notes.append(f"Pointed the default site ({site.root_url}) at the demo home page.")
    return site


def ensure_contact_settings(values, notes, refresh=False):
    """Fill in the contact details; without `refresh`, only the ones still blank (staff may have edited them)."""
    settings = ContactSettings.load()
    changed = []
    for name, value in values.items():
        current = getattr(settings, name)
        if current != value and (refresh or not current):
            setattr(settings, name, value)
            changed.append(name)
    if changed:
        settings.save()
        notes.append(f"Contact settings: set {', '.join(changed)}.")
    return settings


@dataclass
class DemoUser:
    username: str
    password: str
    created: bool
    password_is_demo: bool


def ensure_demo_users():
    """The accounts the demo needs. Never changes an existing account's password."""
    user_model = get_user_model()
    users = []
    admin = user_model.objects.filter(username="admin").first()
    created = admin is None
    if created:
        admin = user_model.objects.create_superuser("admin", "admin@example.org", "admin")
    users.append(DemoUser("admin", "admin", created, created or admin.check_password("admin")))
    return users


def ensure_editorial_demo(accounts, refs):
    """The demo's editors (site.yaml `users`): a group each, and a faculty account linked to its profile.

    Never changes an existing account's password; links an account to its profile only if the profile has none.
    """
    user_model = get_user_model()
    users = []
    for account in accounts:
        username, password = account["username"], account["password"]
        user = user_model.objects.filter(username=username).first()
        created = user is None
        if created:
            user = user_model.objects.create_user(
                username,
                f"{username}@example.org",
                password,
                first_name=account["first_name"],
                last_name=account["last_name"],
            )
        user.groups.add(Group.objects.get(name=account["group"]))
        users.append(DemoUser(username, password, created, created or user.check_password(password)))
        profile = refs.page(account["profile"]) if account.get("profile") else None
        if profile is not None and not ProfileAccount.objects.filter(page=profile).exists():
            ProfileAccount.objects.get_or_create(user=user, defaults={"page": profile})
    return users
