"""Which published version is current (ADR 0044): the highest number, not the last written. Two
administrators publishing versions 2 and 3 at once could write version 3's row first; version 2
must not then become the version new applications answer."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from questionnaire import definitions
from questionnaire.models import PublishedVersion
from questionnaire.versions import sha256_of

from .support import version_2_text
from .test_version_journey import client_admin  # noqa: F401 - fixture


def _published(text: str, admin, at) -> PublishedVersion:
    return PublishedVersion.objects.create(
        definition_id=definitions.file_current_definition().id,
        version=int(text.split("\nversion: ", 1)[1].split("\n", 1)[0]),
        yaml_text=text,
        sha256=sha256_of(text),
        source_name="stage2.yaml",
        published_by=admin,
        note="Published at once",
        published_at=at,
    )


def test_the_higher_of_two_versions_published_at_once_is_current(client_admin):  # noqa: F811
    admin = User.objects.get(pk=client_admin.session["_auth_user_id"])
    version_3 = version_2_text().replace("\nversion: 2\n", "\nversion: 3\n", 1)
    now = timezone.now()
    _published(version_3, admin, now)
    _published(version_2_text(), admin, now + timedelta(seconds=1))  # written second
    assert definitions.current_definition().version == 3
