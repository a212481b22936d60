"""The certificate register's part in the workflow: renewals lift the certificate hold, and the
daily check warns before expiry and pauses the supplier's approved applications on expiry.

- `certificate_upload`: store an uploaded certificate (certificates.services), mark the earlier
  certificates it renews as replaced, and lift the certificate holds once no certificate of the
  organisation is expired and unreplaced. The page calls this.
- `certificate_check(day=…)`: the daily job (the django-tasks task `certificate_check_task`, and
  `manage.py certificate_check [--date YYYY-MM-DD]` for cron). Idempotent and safe twice at once:
  each warning is claimed once ever (`workflow.continuous.warnings.warning_claim`), and a hold is
  raised under a lock on the application row, at most one open per application (the holds' unique
  constraint). A crash part-way loses nothing: each certificate and each application is its own
  transaction, and a re-run does what is left.

A renewal (ADR 0015): a valid certificate replaces every earlier certificate of the same
organisation with the same subject that expires before it. A supplier can also withdraw a
certificate it no longer uses (`certificate_withdraw_and_resume`), which lifts the hold too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Organisation
from applications.models import Application
from applications.states import Role, Stage2State
from audit.services import Auditor
from certificates.models import Certificate
from certificates.refusals import date_text
from certificates.services import Stored, certificate_store, certificate_withdraw
from notifications.selectors import member_emails
from notifications.services import notify
from operations.runs import Job, job_run_record
from workflow.continuous.warnings import warning_claim
from workflow.models import Hold, HoldOrigin
from workflow.selectors import stage2_working_state
from workflow.state_machine.holds import hold_lift, hold_raise

if TYPE_CHECKING:
    from accounts.models import User
    from evidence.upload import Received

logger = logging.getLogger(__name__)

WARNING_KIND = "certificate"
WARNING_DAYS = (90, 30, 7)
# The "warning" that a certificate has expired: claimed once, like the others.
EXPIRED = 0
RENEWED = "A renewed certificate has been uploaded."
WITHDRAWN = "The expired certificate has been taken out of the register."


def _local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


def expired_reason(certificate: Certificate) -> str:
    return (
        f"Your mTLS client certificate {certificate.subject} expired on "
        f"{date_text(_local_day(certificate.not_after))}. NIR disconnects a system whose "
        "certificate has expired."
    )


def certificates_expired_unreplaced(organisation: Organisation, now: datetime) -> list[Certificate]:
    return list(
        Certificate.objects.filter(
            organisation=organisation,
            not_after__lte=now,
            replaced_by__isnull=True,
            withdrawn_at__isnull=True,
        ).defer("der")
    )


def certificate_upload(
    *, organisation: Organisation, received: Received, actor: User, product_name: str = ""
) -> Stored:
    """Store the certificate (refusals as `certificate_store`); then, in one transaction, mark
    the earlier certificates of the same subject that expire before it as replaced by it
    (audited "certificate.replace") and, when no expired certificate of the organisation is left
    unreplaced, lift the open certificate holds of its applications (audited, members told)."""
    stored = certificate_store(
        organisation=organisation, received=received, actor=actor, product_name=product_name
    )
    new = stored.certificate
    with transaction.atomic():
        renewed = list(
            Certificate.objects.select_for_update()
            .filter(
                organisation=organisation,
                subject=new.subject,
                not_after__lt=new.not_after,
                replaced_by__isnull=True,
                withdrawn_at__isnull=True,
            )
            .exclude(pk=new.pk)
            .defer("der")
        )
        for old in renewed:
            old.replaced_by = new
            old.save(update_fields=["replaced_by"])
            Auditor(actor).record(
                action="certificate.replace",
                obj=old,
                subject=old.subject,
                organisation=organisation,
                after={"replaced_by": str(new.pk), "not_after": new.not_after.isoformat()},
            )
    if not certificates_expired_unreplaced(organisation, timezone.now()):
        certificate_holds_lift(organisation=organisation, actor=actor)
    return stored


def certificate_withdraw_and_resume(*, certificate: Certificate, actor: User) -> bool:
    """Withdraw a certificate (certificates.services) and, when no expired certificate of the
    organisation is left unreplaced and in the register, lift its certificate holds. For a
    supplier that renewed under a new subject, or no longer uses the certificate."""
    withdrawn = certificate_withdraw(certificate=certificate, actor=actor)
    if not certificates_expired_unreplaced(certificate.organisation, timezone.now()):
        certificate_holds_lift(organisation=certificate.organisation, actor=actor, reason=WITHDRAWN)
    return withdrawn


def certificate_holds_lift(
    *, organisation: Organisation, actor: User | None, reason: str = RENEWED
) -> int:
    """Lift every open certificate hold of the organisation's applications; how many."""
    lifted = 0
    application_ids = (
        Hold.objects.filter(
            application__organisation=organisation,
            origin=HoldOrigin.CERTIFICATE,
            lifted_at__isnull=True,
        )
        .values_list("application_id", flat=True)
        .distinct()
    )
    for application_id in list(application_ids):
        with transaction.atomic():
            application = (
                Application.objects.select_for_update()
                .select_related("organisation")
                .get(pk=application_id)
            )
            for hold in application.holds.filter(
                origin=HoldOrigin.CERTIFICATE, lifted_at__isnull=True
            ):
                hold.application = application
                hold_lift(hold=hold, actor=actor, reason=reason)
                lifted += 1
    return lifted


@dataclass
class CheckSummary:
    warnings: int = 0
    expired: int = 0
    holds: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.warnings} warning(s) sent, {self.expired} expiry notice(s) sent, "
            f"{self.holds} hold(s) raised"
        )


def _as_of(day: date | None) -> tuple[date, datetime]:
    """The day judged, and the moment: now, or the given day at the present time of day."""
    now = timezone.localtime()
    if day is None:
        return now.date(), now
    return day, timezone.make_aware(datetime.combine(day, now.time().replace(tzinfo=None)))


def _certificates_url() -> str:
    return settings.SERVICE_URL.rstrip("/") + reverse("certificates:list")


def _warn(certificate: Certificate, threshold: int, day: date) -> bool:
    with transaction.atomic():
        if not warning_claim(kind=WARNING_KIND, key=str(certificate.pk), threshold=threshold):
            return False
        expires_on = date_text(_local_day(certificate.not_after))
        common = {
            "organisation": certificate.organisation.name,
            "subject": certificate.subject,
            "fingerprint": certificate.fingerprint_display,
            "url": _certificates_url(),
        }
        if threshold == EXPIRED:
            notify(
                template="certificate_expired",
                recipients=member_emails(certificate.organisation),
                personalisation={**common, "expired_on": expires_on},
            )
        else:
            days_left = (_local_day(certificate.not_after) - day).days
            notify(
                template="certificate_expiring",
                recipients=member_emails(certificate.organisation),
                personalisation={
                    **common,
                    "expires_on": expires_on,
                    "days": f"{days_left} day{'' if days_left == 1 else 's'}",
                },
            )
        Auditor(None).record(
            action="certificate.warn" if threshold else "certificate.expired",
            obj=certificate,
            subject=certificate.subject,
            organisation=certificate.organisation,
            after={"threshold": threshold, "day": day.isoformat()},
        )
    return True


def _hold_application(application_id: object, certificate: Certificate) -> bool:
    """Raise a certificate hold on one approved supplier application unless it has one open."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("organisation")
            .get(pk=application_id)
        )
        if stage2_working_state(application) != Stage2State.APPROVED:
            return False
        if application.holds.filter(origin=HoldOrigin.CERTIFICATE, lifted_at__isnull=True).exists():
            return False
        try:
            with transaction.atomic():
                hold_raise(
                    application=application,
                    origin=HoldOrigin.CERTIFICATE,
                    reason=expired_reason(certificate),
                    actor=None,
                )
        except IntegrityError:  # another run raised it a moment ago
            return False
    return True


def certificate_check(*, day: date | None = None) -> CheckSummary:
    """Run the daily check as on `day` (today by default). See the module docstring."""
    day, now = _as_of(day)
    summary = CheckSummary()
    horizon = now + timedelta(days=max(WARNING_DAYS) + 1)
    watched = (
        Certificate.objects.filter(
            replaced_by__isnull=True, withdrawn_at__isnull=True, not_after__lte=horizon
        )
        .select_related("organisation")
        .defer("der")
        .order_by("not_after")
    )
    for certificate in watched:
        if certificate.not_after <= now:
            if _warn(certificate, EXPIRED, day):
                summary.expired += 1
            approved = Application.objects.filter(
                organisation=certificate.organisation_id,
                role=Role.SUPPLIER,
                stage2_state__in=(Stage2State.APPROVED, Stage2State.PAUSED),
            ).values_list("pk", flat=True)
            for application_id in list(approved):
                if _hold_application(application_id, certificate):
                    summary.holds += 1
            continue
        days_left = (_local_day(certificate.not_after) - day).days
        due = [threshold for threshold in WARNING_DAYS if days_left <= threshold]
        if due and _warn(certificate, min(due), day):
            summary.warnings += 1
    logger.info("Certificate check for %s: %s", day, summary)
    job_run_record(Job.CERTIFICATE_CHECK)
    return summary


@task()
def certificate_check_task(day: str | None = None) -> str:
    """The background task: the daily check (cron or the worker enqueues it once a day)."""
    return str(certificate_check(day=date.fromisoformat(day) if day else None))
