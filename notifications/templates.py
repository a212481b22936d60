"""The email templates: what each says, and which personalisation fields it needs.

Placeholders are written `((field))`, as GOV.UK Notify writes them, so the same wording is pasted
into Notify (docs/notifications.md lists each template and its fields) and rendered locally by
the email backend. The Notify template id of each comes from the environment variable
`NOTIFY_TEMPLATE_<NAME>` (for example `NOTIFY_TEMPLATE_DECISION`), through settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")

FOOTER = (
    "This email was sent by the NIR onboarding service at NHS England. Do not reply to this email."
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    audience: str
    subject: str
    body: str
    fields: tuple[str, ...]
    # Fields that carry a secret (a link with a single-use token): the outbox keeps them only
    # until the email has gone (or failed for good), then ``delivery`` overwrites them.
    secret_fields: tuple[str, ...] = ()

    @property
    def notify_template_id(self) -> str:
        """The id of this template in GOV.UK Notify, or "" when it is not set."""
        ids: Mapping[str, str] = settings.NOTIFY_TEMPLATE_IDS
        return ids.get(self.name, "")

    @property
    def notify_setting(self) -> str:
        return f"NOTIFY_TEMPLATE_{self.name.upper()}"

    def check_personalisation(self, personalisation: Mapping[str, object]) -> None:
        """ValueError unless the personalisation has exactly this template's fields, as text."""
        missing = sorted(set(self.fields) - set(personalisation))
        unexpected = sorted(set(personalisation) - set(self.fields))
        if missing or unexpected:
            raise ValueError(
                f"Template {self.name!r} needs personalisation fields {list(self.fields)}: "
                f"missing {missing}, unexpected {unexpected}"
            )
        not_text = sorted(key for key, value in personalisation.items() if type(value) is not str)
        if not_text:
            raise ValueError(f"Template {self.name!r}: personalisation {not_text} must be text")

    def render(self, personalisation: Mapping[str, str]) -> RenderedEmail:
        """Plain text, with each ((field)) replaced once (a value is never expanded again)."""
        self.check_personalisation(personalisation)

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda match: personalisation[match.group(1)], text)

        # A subject is one line: a reason typed over several lines must not break the header.
        subject = " ".join(fill(self.subject).split())
        return RenderedEmail(subject=subject, body=fill(self.body))


def _template(
    name: str,
    audience: str,
    fields: tuple[str, ...],
    subject: str,
    body: str,
    *,
    secret_fields: tuple[str, ...] = (),
) -> EmailTemplate:
    used = set(PLACEHOLDER.findall(subject + body))
    if used != set(fields):
        # Fail at import: a template must use every field it asks for, and only those.
        raise ValueError(f"Template {name!r} uses {sorted(used)} but declares {list(fields)}")
    if not set(secret_fields) <= set(fields):
        raise ValueError(f"Template {name!r}: secret fields {secret_fields} are not all fields")
    return EmailTemplate(
        name=name,
        audience=audience,
        subject=subject,
        body=f"{body}\n\n{FOOTER}",
        fields=fields,
        secret_fields=secret_fields,
    )


SUBMISSION_FIELDS = ("reference", "organisation", "role", "submitted_at", "url")
_SUBMISSION_DETAILS = """Reference: ((reference))
Organisation: ((organisation))
Role: ((role))
Submitted: ((submitted_at))

Review it here:
((url))"""

TEMPLATES: dict[str, EmailTemplate] = {
    template.name: template
    for template in (
        _template(
            "stage2_submitted",
            "reviewers",
            SUBMISSION_FIELDS,
            "NIR onboarding: ((reference)) submitted by ((organisation))",
            "((organisation)) has submitted Stage 2 of onboarding to the National Imaging "
            "Registry (NIR). It is ready for you to review.\n\n" + _SUBMISSION_DETAILS,
        ),
        _template(
            "stage2_resubmitted",
            "reviewers",
            SUBMISSION_FIELDS,
            "NIR onboarding: ((reference)) resubmitted by ((organisation))",
            "((organisation)) has changed its answers and submitted Stage 2 of onboarding to "
            "the National Imaging Registry (NIR) again. It is ready for you to review.\n\n"
            + _SUBMISSION_DETAILS,
        ),
        _template(
            "decision",
            "members",
            ("reference", "organisation", "decision", "reason", "url"),
            "NIR onboarding: ((reference)) - ((decision))",
            "There is an update on the Stage 2 application from ((organisation)) to connect to "
            "the National Imaging Registry (NIR).\n\n"
            "Reference: ((reference))\n"
            "Update: ((decision))\n\n"
            "((reason))\n\n"
            "Sign in to see what happens next:\n"
            "((url))",
        ),
        _template(
            "hold_raised",
            "members",
            ("reference", "organisation", "reason", "lifted_by", "url"),
            "NIR onboarding: ((reference)) is on hold",
            "Stage 2 onboarding for ((organisation)) is on hold.\n\n"
            "Reference: ((reference))\n"
            "Why: ((reason))\n"
            "What needs to happen: ((lifted_by))\n\n"
            "Sign in to see your application:\n"
            "((url))",
        ),
        _template(
            "hold_lifted",
            "members",
            ("reference", "organisation", "reason", "url"),
            "NIR onboarding: ((reference)) is no longer on hold",
            "A hold on Stage 2 onboarding for ((organisation)) has been lifted.\n\n"
            "Reference: ((reference))\n"
            "Why: ((reason))\n\n"
            "Sign in to carry on:\n"
            "((url))",
        ),
        _template(
            "document_requested",
            "members",
            ("reference", "organisation", "title", "due_date", "url"),
            "NIR onboarding: NHS England needs a document for ((reference))",
            "NHS England needs a document from ((organisation)) to carry on reviewing Stage 2 "
            "onboarding.\n\n"
            "Reference: ((reference))\n"
            "Document: ((title))\n"
            "Send it by: ((due_date))\n\n"
            "Sign in to answer the request:\n"
            "((url))",
        ),
        _template(
            "document_asked_again",
            "members",
            ("reference", "organisation", "title", "reason", "due_date", "url"),
            "NIR onboarding: NHS England has asked again for a document for ((reference))",
            "NHS England has looked at the document ((organisation)) sent and needs it again "
            "to carry on reviewing Stage 2 onboarding.\n\n"
            "Reference: ((reference))\n"
            "Document: ((title))\n"
            "Why: ((reason))\n"
            "Send it by: ((due_date))\n\n"
            "Sign in to send it again:\n"
            "((url))",
        ),
        _template(
            "attestation_requested",
            "a named person",
            ("name", "organisation", "reference", "statements", "expires", "url"),
            "NIR onboarding: ((organisation)) asks you to attest its answers",
            "Dear ((name))\n\n"
            "((organisation)) has named you as one of its key personnel in its application to "
            "connect to the National Imaging Registry (NIR), and asks you to attest answers "
            "that rest on your sign-off.\n\n"
            "Reference: ((reference))\n"
            "Answers to attest:\n"
            "((statements))\n\n"
            "Follow this link to read each answer and its statement, then attest or decline "
            "each one on one page. Sign in, or create an account with this email address. The "
            "link works until you have responded, until ((expires)) at the latest, and stops "
            "working if ((organisation)) sends you a new one:\n"
            "((url))\n\n"
            "If you were not expecting this email, you can ignore it.",
            secret_fields=("url",),
        ),
        _template(
            "dspt_expiring",
            "members",
            ("reference", "organisation", "published", "lapses_on", "days_left", "url"),
            "NIR onboarding: your DSPT publication lapses in ((days_left)) days",
            "The Data Security and Protection Toolkit (DSPT) publication of ((organisation)) "
            "lapses in ((days_left)) days.\n\n"
            "Reference: ((reference))\n"
            "Publication date: ((published))\n"
            "Lapses on: ((lapses_on))\n\n"
            "When it lapses, onboarding to the National Imaging Registry (NIR) is paused. Publish "
            "this year's DSPT before then, and update your DSPT status and publication date:\n"
            "((url))",
        ),
        _template(
            "dspt_lapsed",
            "reviewers",
            ("reference", "organisation", "published", "lapsed_on", "url"),
            "NIR onboarding: ((reference)) paused, DSPT publication lapsed",
            "The Data Security and Protection Toolkit (DSPT) publication of ((organisation)) "
            "lapsed on ((lapsed_on)). The daily DSPT re-check has paused Stage 2 onboarding "
            "until the organisation updates it to a current publication.\n\n"
            "Reference: ((reference))\n"
            "Publication date: ((published))\n\n"
            "See the application:\n"
            "((url))",
        ),
        _template(
            "reply_received",
            "reviewers",
            ("reference", "organisation", "about", "url"),
            "NIR onboarding: ((organisation)) has replied about ((reference))",
            "((organisation)) has replied to NHS England about its Stage 2 application to "
            "connect to the National Imaging Registry (NIR).\n\n"
            "Reference: ((reference))\n"
            "Reply to: ((about))\n\n"
            "Read the reply here:\n"
            "((url))",
        ),
        _template(
            "certificate_expiring",
            "members",
            ("organisation", "subject", "fingerprint", "expires_on", "days", "url"),
            "NIR onboarding: a certificate of ((organisation)) expires on ((expires_on))",
            "An mTLS client certificate that ((organisation)) uses to connect to the National "
            "Imaging Registry (NIR) expires in ((days)).\n\n"
            "Certificate: ((subject))\n"
            "SHA-256 fingerprint: ((fingerprint))\n"
            "Expires: ((expires_on))\n\n"
            "NIR gives no grace period: when the certificate expires, your system is "
            "disconnected. Renew it and upload the renewed certificate:\n"
            "((url))",
        ),
        _template(
            "certificate_expired",
            "members",
            ("organisation", "subject", "fingerprint", "expired_on", "url"),
            "NIR onboarding: a certificate of ((organisation)) has expired",
            "An mTLS client certificate that ((organisation)) uses to connect to the National "
            "Imaging Registry (NIR) expired on ((expired_on)).\n\n"
            "Certificate: ((subject))\n"
            "SHA-256 fingerprint: ((fingerprint))\n\n"
            "NIR disconnects a system whose certificate has expired, and your approved "
            "applications are on hold until you upload a renewed certificate:\n"
            "((url))",
        ),
        _template(
            "invitation",
            "the person invited",
            ("joining", "expires", "url"),
            "NIR onboarding: you are invited to join ((joining))",
            "You are invited to join ((joining)) in the service for onboarding to the National "
            "Imaging Registry (NIR).\n\n"
            "Follow this link to create your account, or to sign in if you have one. You can use "
            "the link once, until ((expires)):\n"
            "((url))\n\n"
            "If you were not expecting this email, you can ignore it.",
            secret_fields=("url",),
        ),
        _template(
            "password_reset",
            "the account's owner",
            ("minutes", "url"),
            "NIR onboarding: reset your password",
            "Someone asked to reset the password of your account in the service for onboarding "
            "to the National Imaging Registry (NIR).\n\n"
            "Follow this link to choose a new password. You can use it once, within ((minutes)) "
            "minutes:\n"
            "((url))\n\n"
            "If you did not ask for this, you can ignore this email: your password has not "
            "changed.",
            secret_fields=("url",),
        ),
        _template(
            "two_factor_reset",
            "the account's owner",
            ("reason", "url"),
            "NIR onboarding: your two-factor authentication has been reset",
            "An administrator at NHS England has reset two-factor authentication on your "
            "account in the service for onboarding to the National Imaging Registry (NIR). Your "
            "authenticator app and recovery codes no longer work for it.\n\n"
            "Why: ((reason))\n\n"
            "The next time you sign in, set up two-factor authentication again with your "
            "authenticator app:\n"
            "((url))\n\n"
            "If you did not ask for this, tell NHS England's NIR onboarding team at once.",
        ),
    )
}


def template_get(name: str) -> EmailTemplate:
    """The template called `name`; ValueError if there is none."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise ValueError(
            f"Unknown notification template {name!r}; known: {sorted(TEMPLATES)}"
        ) from None
