import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.models import TimestampedModel

ODS_CODE_PATTERN = r"^[A-Z0-9]{3,10}$"
ods_code_validator = RegexValidator(
    ODS_CODE_PATTERN,
    "ODS code must be 3 to 10 characters, using only upper-case letters and numbers",
)


class UserKind(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    REVIEWER = "reviewer", "Reviewer (NHS England)"
    ADMINISTRATOR = "administrator", "Administrator"


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("kind", UserKind.ADMINISTRATOR)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def normalise_email(email: str) -> str:
    # Emails are matched case-insensitively: NHS addresses arrive in every capitalisation.
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=UserKind.choices, default=UserKind.APPLICANT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


class Organisation(TimestampedModel):
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=10, unique=True, validators=[ods_code_validator]
    )
    # Set by the onboarding lead (ADR 0012): an answer must then be attested by someone other
    # than whoever gave it or asked for the attestation.
    attestation_by_someone_else = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ods_code__regex=ODS_CODE_PATTERN), name="ods_code_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class Membership(TimestampedModel):
    """A user's membership of the one organisation they act for."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    is_onboarding_lead = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class Invitation(models.Model):
    """A single-use, expiring link that lets someone create an account (or use theirs) and join:
    an organisation as a member (an applicant), or NHS England staff in a role. Only the SHA-256
    of the link's token is kept (ADR 0011). Resending gives it a new token: the old link dies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=UserKind.choices, default=UserKind.APPLICANT)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    is_lead = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_live_invitation_per_organisation_and_email",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=UserKind.APPLICANT, organisation__isnull=False)
                    | (
                        ~models.Q(kind=UserKind.APPLICANT)
                        & models.Q(organisation__isnull=True, is_lead=False)
                    )
                ),
                name="invitation_applicants_to_an_organisation_staff_to_none",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class PasswordReset(models.Model):
    """A single-use, expiring link to set a new password. Only the token's SHA-256 is kept. It
    also stops working once the password changes by any route: ``password_fingerprint`` is a keyed
    hash of the password hash it was issued against."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_resets"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Password reset for {self.user}"


def password_fingerprint(user: User) -> str:
    """A keyed hash of the user's password hash: it changes whenever the password does, so a
    reset link issued before a change no longer works after it."""
    return salted_hmac("accounts.PasswordReset", user.password, algorithm="sha256").hexdigest()


class ChainCheck(models.Model):
    """One run of `manage.py audit_verify` and what it found (ADR 0039), for the administration
    home. Not an audit entry: an entry would change the chain it checks, and a broken chain
    must still be reported. Written by the command alone."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    intact = models.BooleanField()
    entries = models.PositiveBigIntegerField()
    head = models.CharField(max_length=64, blank=True)
    problems = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"audit chain {'intact' if self.intact else 'broken'} at {self.at:%Y-%m-%d %H:%M}"


class SessionEviction(models.Model):
    """A session ended (signed out, timed out) while Redis could not be reached: its row is gone
    from the database, but a copy may remain in Redis for when it answers again. The session
    store (accounts.session_store) refuses that copy, and deletes it from Redis once it can, then
    this row (ADR 0027, amended)."""

    session_key = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Session ended at {self.at:%Y-%m-%d %H:%M:%S} while Redis was unreachable"


class ProviderIdentity(models.Model):
    """The account a person's identity at NHS CIS2 or Entra ID signs in to (ADR 0042, amended):
    bound at their first sign-in through it, by the provider's subject (`sub`), so that a later
    token naming the same email address for another identity at that provider is refused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provider_identities")
    provider = models.CharField(max_length=20)
    subject = models.CharField(max_length=255)
    bound_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="provider_identity_one_account"
            ),
            models.UniqueConstraint(fields=["user", "provider"], name="provider_identity_one_each"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"
