"""Create the development demo organisations and users, and import the demo ODS data when no
ODS data has been imported (so the ODS check works in development). Idempotent; refuses in
production."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organisation, User, UserKind
from accounts.services import organisation_create, user_create
from ods.selectors import ods_data
from ods.services import ods_import

DEMO_PASSWORD = "Onboard-Demo-2026"
DEMO_ODS_FILE = Path(settings.BASE_DIR) / "ods" / "fixtures" / "demo-ods.xml"
DEMO_ORGANISATIONS = [
    ("Demo Imaging Systems Ltd", "8JD29", "supplier@example.com"),
    ("Demo Hospitals NHS Foundation Trust", "RXX", "trust@example.com"),
]
DEMO_STAFF = [
    ("reviewer@example.com", UserKind.REVIEWER),
    ("admin@example.com", UserKind.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Create the demo organisations and users for development (never in production)."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is for development only: DJANGO_ENV is production")
        created = 0
        if ods_data() is None:
            with DEMO_ODS_FILE.open("rb") as stream:
                self.stdout.write(str(ods_import(stream=stream, source=DEMO_ODS_FILE.name)))
        for name, ods_code, email in DEMO_ORGANISATIONS:
            organisation = Organisation.objects.filter(ods_code=ods_code).first()
            if organisation is None:
                organisation = organisation_create(name=name, ods_code=ods_code, actor=None)
                created += 1
            if not User.objects.filter(email=email).exists():
                user_create(
                    email=email,
                    password=DEMO_PASSWORD,
                    organisation=organisation,
                    is_onboarding_lead=True,
                    actor=None,
                )
                created += 1
        for email, kind in DEMO_STAFF:
            if not User.objects.filter(email=email).exists():
                user_create(email=email, password=DEMO_PASSWORD, kind=kind, actor=None)
                created += 1
        self.stdout.write(
            f"Demo data ready ({created} created; existing records left as they were)"
        )
