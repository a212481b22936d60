import pytest

from attestations.models import Attestation, KeyPerson
from tests.answer_sets import SUPPLIER
from tests.attestations.support import CSO, add_person, ask
from tests.evidence.conftest import evidence_settings  # noqa: F401 - files go to a tmp dir
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)


@pytest.fixture
def answered(applicant):
    applicant.answer_all(SUPPLIER)
    return applicant


@pytest.fixture
def cso_asked(answered):
    assert add_person(answered, CSO).status_code == 302
    person = KeyPerson.objects.get()
    assert ask(answered, person).status_code == 302
    return Attestation.objects.get()
