from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

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
