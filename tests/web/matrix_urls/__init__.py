"""The authorization matrix's table (tests/web/test_authorization_matrix.py): every URL pattern
of the service by name, with its path template, the methods it accepts, the roles allowed and
whether it is public. A new URL pattern missing from it fails the matrix. What each page must
show to those allowed it, and where it may send them instead, is tests/web/matrix_shows.py.

The tables are kept by area, a module each (accounts, administration, api, applicant, reviewer,
service, two_factor); this joins them into the one table, URLS, in the order the matrix has
always had them. A name in two tables is a mistake, and refused."""

from tests.web.matrix_urls import (
    accounts,
    administration,
    api,
    applicant,
    reviewer,
    service,
    two_factor,
)
from tests.web.matrix_urls.roles import (
    ADMINISTRATOR,
    APPLICANT,
    EVERYONE,
    MEMBERS,
    ROLES,
    SIGNED_IN,
    STAFF,
)

__all__ = [
    "ADMINISTRATOR",
    "APPLICANT",
    "EVERYONE",
    "MEMBERS",
    "ROLES",
    "SIGNED_IN",
    "STAFF",
    "URLS",
]


def _joined(*tables: dict) -> dict:
    urls: dict = {}
    for table in tables:
        repeated = urls.keys() & table.keys()
        if repeated:
            raise ValueError(f"URL names in two of the matrix's tables: {sorted(repeated)}")
        urls.update(table)
    return urls


# name: (path template, methods it accepts, roles allowed, public)
URLS = _joined(
    service.HEALTH,
    accounts.SIGN_IN,
    accounts.ORGANISATION,
    administration.ORGANISATIONS_AND_STAFF,
    accounts.PASSWORD_RESET,
    service.HOME,
    service.SERVICE_PAGES,
    administration.QUESTIONNAIRE_VERSIONS,
    applicant.APPLICATIONS,
    applicant.QUESTIONNAIRE,
    applicant.EVIDENCE,
    two_factor.TWO_FACTOR,
    reviewer.REVIEW,
    applicant.ATTESTATIONS,
    applicant.CERTIFICATES,
    applicant.HAZARDS,
    applicant.NHS_NUMBERS,
    api.TOKENS,
    api.API,
)
