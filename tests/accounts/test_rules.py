"""The permission predicates (accounts/rules.py) and who must use two-factor sign-in
(two_factor/rules.py), each kind of person against each predicate. These are the tests
`make mutation` runs against both modules (docs/testing.md), so every branch of each predicate
has a person on each side of it. No database: the people are built in memory."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import rules
from accounts.models import Membership, Organisation, User, UserKind
from two_factor.rules import may_turn_off, two_factor_required

# Keys past the small integers Python keeps one copy of, so comparing them with `is` instead of
# `==` is caught.
ORGANISATION_A = Organisation(pk=1_000_001, name="A", ods_code="RAA")
ORGANISATION_B = Organisation(pk=1_000_002, name="B", ods_code="RBB")


def person(
    kind: str = UserKind.APPLICANT,
    *,
    organisation: Organisation | None = None,
    lead: bool = False,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    # The kind as the database gives it back: a plain string, not the UserKind member, so a
    # predicate comparing with `is` instead of `==` is caught.
    user = User(
        email=f"{kind}@example.org",
        kind=str(kind.value if hasattr(kind, "value") else kind),
        is_staff=is_staff,
    )
    user.is_superuser = is_superuser
    if organisation is not None:
        # Assigning the forward side caches the reverse one: user.membership answers without
        # a query.
        Membership(user=user, organisation=organisation, is_onboarding_lead=lead)
    return user


APPLICANT = person(organisation=ORGANISATION_A)
LEAD = person(organisation=ORGANISATION_A, lead=True)
APPLICANT_WITHOUT_ORGANISATION = person()
REVIEWER = person(UserKind.REVIEWER)
ADMINISTRATOR = person(UserKind.ADMINISTRATOR)
# A reviewer or administrator who somehow has a membership is still not an applicant.
REVIEWER_WITH_MEMBERSHIP = person(UserKind.REVIEWER, organisation=ORGANISATION_A)
ADMINISTRATOR_WITH_MEMBERSHIP = person(UserKind.ADMINISTRATOR, organisation=ORGANISATION_A)
MEMBER_OF_B = person(organisation=ORGANISATION_B)
ANONYMOUS = AnonymousUser()

PEOPLE = {
    "applicant": APPLICANT,
    "lead": LEAD,
    "applicant without organisation": APPLICANT_WITHOUT_ORGANISATION,
    "reviewer": REVIEWER,
    "administrator": ADMINISTRATOR,
    "reviewer with membership": REVIEWER_WITH_MEMBERSHIP,
    "administrator with membership": ADMINISTRATOR_WITH_MEMBERSHIP,
    "member of B": MEMBER_OF_B,
    # The column has choices, not a constraint: a kind the service does not know (sorting before
    # "administrator" or after "reviewer") is given nothing.
    "empty kind": person("", organisation=ORGANISATION_A),
    "unknown kind": person("superuser", organisation=ORGANISATION_A),
    "anonymous": ANONYMOUS,
    "nobody": None,
}

# predicate -> the people it says yes to; everyone else gets no.
YES = {
    rules.is_applicant: {"applicant", "lead", "member of B"},
    rules.is_onboarding_lead: {"lead"},
    rules.is_reviewer: {"reviewer", "reviewer with membership"},
    rules.can_review: {
        "reviewer",
        "reviewer with membership",
        "administrator",
        "administrator with membership",
    },
    rules.can_administer: {"administrator", "administrator with membership"},
}
# is_applicant and is_onboarding_lead are never asked about nobody (None); the others are.
TAKES_NONE = {rules.is_reviewer, rules.can_review, rules.can_administer}


@pytest.mark.parametrize(
    ("predicate", "who"),
    [
        pytest.param(predicate, who, id=f"{predicate.__name__}-{who}")
        for predicate in YES
        for who in PEOPLE
        if PEOPLE[who] is not None or predicate in TAKES_NONE
    ],
)
def test_each_predicate_says_yes_only_to_its_people(predicate, who):
    answer = predicate(PEOPLE[who])
    assert answer is (who in YES[predicate])


@pytest.mark.parametrize("who", [who for who in PEOPLE if PEOPLE[who] is not None])
def test_member_of_only_their_own_organisation(who):
    user = PEOPLE[who]
    assert rules.is_member_of(user, ORGANISATION_A) is (who in {"applicant", "lead"})
    assert rules.is_member_of(user, ORGANISATION_B) is (who == "member of B")


def test_member_of_compares_the_organisation_not_the_object():
    # A fresh object for the same organisation (as a view would load it) is the same one.
    same = Organisation(pk=int(str(ORGANISATION_A.pk)), name="A again")
    assert same.pk is not APPLICANT.membership.organisation_id
    assert rules.is_member_of(APPLICANT, same)


# Staff always need two-factor; applicants only when the setting says everyone does.
STAFF = {
    "reviewer": REVIEWER,
    "administrator": ADMINISTRATOR,
    "is_staff applicant": person(organisation=ORGANISATION_A, is_staff=True),
    "is_superuser applicant": person(organisation=ORGANISATION_A, is_superuser=True),
    "is_staff and is_superuser": person(is_staff=True, is_superuser=True),
}
NOT_STAFF = {
    "applicant": APPLICANT,
    "lead": LEAD,
    "no organisation": APPLICANT_WITHOUT_ORGANISATION,
}


@pytest.mark.parametrize("everyone", [False, True])
@pytest.mark.parametrize("who", list(STAFF))
def test_staff_must_use_two_factor_and_may_not_turn_it_off(settings, everyone, who):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = everyone
    assert two_factor_required(STAFF[who]) is True
    assert may_turn_off(STAFF[who]) is False


@pytest.mark.parametrize("who", list(NOT_STAFF))
def test_applicants_may_choose_unless_everyone_must(settings, who):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = False
    assert two_factor_required(NOT_STAFF[who]) is False
    assert may_turn_off(NOT_STAFF[who]) is True
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = True
    assert two_factor_required(NOT_STAFF[who]) is True
    assert may_turn_off(NOT_STAFF[who]) is False
