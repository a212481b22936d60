"""Bootstrap a fresh service: invite the first administrator and print their single-use link.

    manage.py create_administrator admin@england.nhs.uk

No email is sent (a fresh service may have none configured): hand the link to the person. They
create their account through it and must set up two-factor sign-in before their first session.
Audited as the system (no actor). An invitation already waiting for the address gets a new link,
and the old one stops working."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.administration import administrator_invitation_link
from accounts.forms import email_problem
from accounts.models import normalise_email
from accounts.people import MembersRefused


class Command(BaseCommand):
    help = "Invite an administrator and print the single-use link to their invitation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, **options: object) -> None:
        email = normalise_email(str(options["email"]))
        if problem := email_problem(email):
            raise CommandError(f"{problem}: {email!r}")
        try:
            link = administrator_invitation_link(email=email)
        except MembersRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Invitation for {email} as an administrator. Give them this link; it works once:\n"
            f"{link}"
        )
