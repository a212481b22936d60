"""How an email leaves the service: Django's email backends, or GOV.UK Notify.

`NOTIFICATIONS_BACKEND` chooses: `email` (the default; Django's `EMAIL_BACKEND`, the console in
development) renders the template here as plain text; `notify` sends the template id and the
personalisation to GOV.UK Notify with its official client, and Notify renders the email.
"""

from __future__ import annotations

from email.utils import make_msgid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from .templates import EmailTemplate

NOTIFY_TIMEOUT_SECONDS = 10


class PermanentSendError(Exception):
    """Sending can never succeed (Notify refused the request as invalid): do not retry."""


class NotificationBackend(Protocol):
    def send(
        self,
        *,
        recipient: str,
        template: EmailTemplate,
        personalisation: dict[str, str],
        reference: str,
    ) -> str:
        """Send one email; return the provider's reference for it. Raise if it was not sent."""
        ...


class DjangoEmailBackend:
    def send(
        self,
        *,
        recipient: str,
        template: EmailTemplate,
        personalisation: dict[str, str],
        reference: str,
    ) -> str:
        rendered = template.render(personalisation)
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        message_id = make_msgid(idstring=reference, domain=domain)
        EmailMessage(
            subject=rendered.subject,
            body=rendered.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            headers={"Message-ID": message_id},
        ).send()
        return message_id


class NotifyBackend:
    def send(
        self,
        *,
        recipient: str,
        template: EmailTemplate,
        personalisation: dict[str, str],
        reference: str,
    ) -> str:
        template.check_personalisation(personalisation)
        if not settings.NOTIFY_API_KEY or not template.notify_template_id:
            # Retried rather than failed: the setting can be put right before the last attempt.
            raise ImproperlyConfigured(
                f"GOV.UK Notify needs NOTIFY_API_KEY and {template.notify_setting}"
            )
        client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=NOTIFY_TIMEOUT_SECONDS,
        )
        try:
            response = client.send_email_notification(
                email_address=recipient,
                template_id=template.notify_template_id,
                personalisation=personalisation,
                reference=reference,
            )
        except HTTPError as error:
            # 400 is a request Notify will never accept (a bad address, template or field);
            # anything else (403, 429, 5xx, no connection) may pass on a later attempt.
            if error.status_code == 400:
                raise PermanentSendError(str(error)) from error
            raise
        return str(response["id"])


def backend_get() -> NotificationBackend:
    if settings.NOTIFICATIONS_BACKEND == "notify":
        return NotifyBackend()
    return DjangoEmailBackend()
