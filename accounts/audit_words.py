"""Audit entries in words a person reads (issue 26): what happened, who did it, what it was
about, and each field's value before and after. Names and email addresses, never a row's id
where a name exists; no JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone

from audit.models import AuditEntry

from .models import Invitation, Organisation, User, UserKind

SERVICE = "The service"

ACTIONS = {
    "invitation.create": "Invitation sent",
    "invitation.resend": "Invitation sent again",
    "invitation.revoke": "Invitation revoked",
    "invitation.accept": "Invitation accepted",
    "membership.join": "Joined an organisation",
    "membership.remove": "Removed from an organisation",
    "membership.lead_set": "Onboarding lead changed",
    "notification.queue": "Email queued",
    "notification.fail": "Email failed",
    "organisation.create": "Organisation created",
    "questionnaire_version.check": "Questionnaire version checked",
    "questionnaire_version.refuse": "Questionnaire version refused",
    "questionnaire_version.publish": "Questionnaire version published",
    "response.version_move": "Application moved to a new questionnaire version",
    "passkey.added": "Passkey added",
    "passkey.refused": "Passkey refused",
    "passkey.removed": "Passkey removed",
    "passkey.verified": "Passkey accepted",
    "two_factor.reset": "Two-factor authentication reset",
    "two_factor.enrolled": "Two-factor authentication set up",
    "two_factor.failed": "Two-factor code refused",
    "two_factor.verified": "Two-factor code accepted",
    "user.create": "Account created",
    "user.deactivate": "Account deactivated",
    "user.reactivate": "Account reactivated",
    "user.sign_in": "Signed in",
    "user.sign_in_failed": "Sign-in refused: wrong email or password",
    "user.sign_in_refused": "Sign-in refused",
    "user.provider_sign_in_refused": "Sign-in through NHS CIS2 or Entra ID refused",
    "user.sign_out": "Signed out",
}

FIELDS = {
    "is_active": "Can sign in",
    "kind": "Role",
    "had_authenticator": "Had an authenticator app",
    "passkeys_removed": "Passkeys removed",
    "email": "Email address",
    "is_lead": "Onboarding lead",
    "expires_at": "Link works until",
    "recipients": "Sent to",
    "template": "Email",
    "provider": "Signed in through",
    "amr": "How the provider authenticated them (amr)",
    "acr": "Assurance the provider gave (acr)",
    "assurance_level": "Authentication assurance level",
    "subject": "Their identity at the provider (sub)",
    "reason": "Why",
}
# Row ids of other tables, which say nothing to a person.
HIDDEN = {"notifications", "id", "pk"}


def _words(name: str) -> str:
    return name.replace("_", " ").replace(".", ": ").strip().capitalize()


def action_text(action: str) -> str:
    return ACTIONS.get(action) or _words(action)


def who_text(user: User | None) -> str:
    if user is None:
        return SERVICE
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


def about_text(entry: AuditEntry) -> str:
    """What the entry is about, by its name: a person, an organisation, an invitation, an
    application; otherwise the kind of record."""
    if not entry.object_type:
        return ""
    if entry.object_type == User._meta.label and entry.object_id.isdigit():
        person = User.objects.filter(pk=int(entry.object_id)).first()
        return who_text(person) if person else "A person"
    if entry.object_type == Organisation._meta.label and entry.object_id.isdigit():
        organisation = Organisation.objects.filter(pk=int(entry.object_id)).first()
        return organisation.name if organisation else "An organisation"
    if entry.object_type == Invitation._meta.label:
        invitation = Invitation.objects.filter(pk=entry.object_id).first()
        return f"Invitation to {invitation.email}" if invitation else "An invitation"
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return _words(entry.object_type.rpartition(".")[2])
    if entry.object_type == "applications.Application":
        found = model.objects.filter(pk=entry.object_id).first()
        return f"Application {found.reference}" if found else "An application"
    return str(model._meta.verbose_name).capitalize()


def _date_time_text(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def value_text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "Not set"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "kind" and value in UserKind.values:
        return str(UserKind(value).label)
    if key == "organisation" and isinstance(value, int):
        organisation = Organisation.objects.filter(pk=value).first()
        return organisation.name if organisation else "An organisation"
    if isinstance(value, list):
        return ", ".join(value_text(key, item) for item in value) or "None"
    if isinstance(value, dict):
        return "; ".join(
            f"{FIELDS.get(k, _words(k))}: {value_text(k, v)}"
            for k, v in value.items()
            if k not in HIDDEN
        )
    if isinstance(value, str):
        return _date_time_text(value) or value
    return str(value)


def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(what, before, after) for each field the entry recorded, in words; "" where the entry
    has no before (or after) for it."""
    before, after = entry.before, entry.after
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        return [
            (
                "Value",
                "" if before is None else value_text("", before),
                "" if after is None else value_text("", after),
            )
        ]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = [key for key in dict.fromkeys([*before, *after]) if key not in HIDDEN]
    return [
        (
            FIELDS.get(key, _words(key)),
            value_text(key, before[key]) if key in before else "",
            value_text(key, after[key]) if key in after else "",
        )
        for key in keys
    ]
