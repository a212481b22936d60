"""Support's reset of someone's two-factor sign-in, when they have lost their phone and their
recovery codes. Audited (two_factor.reset); they set it up again at their next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import normalise_email
from two_factor.services import authenticator_reset


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--reason",
            default="support reset",
            help="why, for the audit log (default: %(default)s)",
        )

    def handle(self, *args: object, **options: str) -> None:
        email = normalise_email(options["email"])
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}")
        had = authenticator_reset(user=user, actor=None, reason=options["reason"])
        if had:
            self.stdout.write(
                f"Two-factor authentication cleared for {email}. "
                "They will set it up again at their next sign-in."
            )
        else:
            self.stdout.write(f"{email} had no authenticator app set up. Nothing to clear.")
