"""Reads of key personnel and attestations. Callers pass an application already fetched through
a selector scoped to the user; a named person reaches their attestation only by their email."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.http import Http404
from django.utils import timezone

from accounts.models import User, normalise_email
from applications.models import Application
from questionnaire.engine.people import PersonRole
from questionnaire.engine.schema import AttestationRule, Definition
from questionnaire.models import AnswerRevision

from .models import (
    HAZARD_LOG_RULES,
    Attestation,
    AttestationLink,
    AttestationRequest,
    AttestationStatus,
    KeyPerson,
)


def key_personnel_for(application: Application) -> list[KeyPerson]:
    return list(application.key_personnel.all())


def key_person_get(application: Application, person_id: uuid.UUID) -> KeyPerson:
    person = application.key_personnel.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def attestations_for(application: Application) -> list[Attestation]:
    return list(application.attestations.select_related("requested_by", "responded_by"))


def attestation_by_token_hash(followed: str) -> Attestation | None:
    """The attestation whose link's token hashes to `followed`, whatever its status (the page
    says if it is used)."""
    return (
        Attestation.objects.select_related("application__organisation")
        .filter(token_hash=followed)
        .first()
    )


def attestation_for_named_person(*, user: User, attestation_id: uuid.UUID) -> Attestation:
    """The attestation, only for the person it was sent to (their email): anyone else, a 404."""
    attestation = (
        Attestation.objects.select_related("application__organisation")
        .filter(pk=attestation_id)
        .first()
    )
    if (
        attestation is None
        or not user.is_authenticated
        or normalise_email(user.email) != normalise_email(attestation.email)
    ):
        raise Http404
    return attestation


# When the person who attested is the one who asked for it, or gave the answer (ADR 0012).
SAME_AS_ASKER_AND_ANSWERER = (
    "Attested by the person who asked for this attestation and gave this answer"
)
SAME_AS_ASKER = "Attested by the person who asked for this attestation"
SAME_AS_ANSWERER = "Attested by the person who gave this answer"


def same_person(*, attester_id: int | None, asker_id: int, answerer_id: int | None) -> str:
    """The words saying the attester also asked for the attestation or gave the answer, or ""."""
    if attester_id is None:
        return ""
    asked, answered = attester_id == asker_id, attester_id == answerer_id
    if asked and answered:
        return SAME_AS_ASKER_AND_ANSWERER
    return SAME_AS_ASKER if asked else SAME_AS_ANSWERER if answered else ""


def answerer_ids(application: Application) -> dict[tuple[str, int], int]:
    """Who gave each revision of each of the application's answers, by (question, revision)."""
    rows = AnswerRevision.objects.filter(response__application=application).values_list(
        "question_id", "revision", "answered_by_id"
    )
    return {(question_id, revision): user_id for question_id, revision, user_id in rows}


def attested_by_same_person(
    application: Application, attestations: list[Attestation]
) -> dict[uuid.UUID, str]:
    """For each attestation given (attested) by the person who asked for it or who gave the
    revision of the answer it attests, the words saying so, by the attestation's id."""
    given = [a for a in attestations if a.status == AttestationStatus.ATTESTED]
    answerers = answerer_ids(application) if given else {}
    notes = {
        a.pk: same_person(
            attester_id=a.responded_by_id,
            asker_id=a.requested_by_id,
            answerer_id=answerers.get((a.question_id, a.answer_revision)),
        )
        for a in given
    }
    return {pk: note for pk, note in notes.items() if note}


def attestations_asked_of(user: User) -> list[Attestation]:
    """Every statement asked of the user's email address and not withdrawn (asked again of
    someone, or them removed), by application, each application's in the questionnaire's
    order."""
    asked = (
        Attestation.objects.select_related("application__organisation")
        .filter(email=normalise_email(user.email))
        .exclude(status=AttestationStatus.WITHDRAWN)
    )
    return sorted(_in_order(asked), key=lambda a: (a.application.reference, a.application_id))


# An attested statement whose rule, in the version of the questions the application is on, no
# longer allows the role it was attested in or speaks of another question (ADR 0044).
NOT_AS_THE_RULE_ASKS = "Attested, but not in a role or of the question this needs now"


@dataclass(frozen=True)
class AttestationNeed:
    """One attestation the answers need, and where it stands."""

    rule: AttestationRule
    number: str
    title: str
    latest: Attestation | None
    satisfied: bool
    # Why an attested statement does not count now: the rule no longer allows its role or
    # speaks of another question (ADR 0044), or it says the hazard log is approved (ADR 0045).
    held_back: str = ""

    @property
    def roles(self) -> list[str]:
        return [PersonRole(role).label for role in self.rule.roles]

    @property
    def status_text(self) -> str:
        if self.satisfied:
            return "Attested"
        if self.held_back:
            return self.held_back
        if self.latest is None:
            return "Not asked yet"
        return self.latest.get_status_display()


def attestation_needs(
    *,
    definition: Definition,
    required: list[AttestationRule],
    attestations: list[Attestation],
    revisions: dict[str, int],
    hazard_log_refusal: str = "",
) -> list[AttestationNeed]:
    """For each required attestation, the latest request for it and whether it counts: attested
    by the person asked, in a role the rule allows now, of the question the rule speaks of now
    and about the revision of the answer there is now (a rule's roles or question may change
    under the same id in a new version of the questions, ADR 0044). ``hazard_log_refusal``:
    why the in-service hazard log the answer speaks of is empty or unapproved, if it is; a
    statement that the log is approved (``HAZARD_LOG_RULES``) does not count meanwhile, however
    it was attested (ADR 0045)."""
    needs = []
    for rule in required:
        mine = [a for a in attestations if a.rule_id == rule.id]
        latest = max(mine, key=lambda a: a.requested_at) if mine else None
        question = definition.question(rule.question)
        attested = (
            latest is not None
            and latest.status == AttestationStatus.ATTESTED
            and revisions.get(latest.question_id) == latest.answer_revision
        )
        held_back = ""
        if attested and latest is not None:
            if not rule.takes(latest.question_id, latest.role):
                held_back = NOT_AS_THE_RULE_ASKS
            elif hazard_log_refusal and rule.id in HAZARD_LOG_RULES:
                held_back = "Attested, but the hazard log is not approved as it is now"
        needs.append(
            AttestationNeed(
                rule=rule,
                number=question.number,
                title=question.title,
                latest=latest,
                satisfied=attested and not held_back,
                held_back=held_back,
            )
        )
    return needs


class LinkState(StrEnum):
    """Where a request's emailed link stands (ADR 0038)."""

    LIVE = "live"
    EXPIRED = "expired"
    REPLACED = "replaced"
    USED = "used"  # the person has responded to everything it asked
    ENDED = "ended"  # nothing is waiting: withdrawn or void before they responded


def link_state(link: AttestationLink, waiting: int, responded: bool) -> LinkState:
    """``waiting``: the request's statements still waiting for a response; ``responded``:
    whether the person has responded to any."""
    if link.replaced_at is not None:
        return LinkState.REPLACED
    if not waiting:
        return LinkState.USED if responded else LinkState.ENDED
    if link.expires_at <= timezone.now():
        return LinkState.EXPIRED
    return LinkState.LIVE


def link_by_token_hash(followed: str) -> AttestationLink | None:
    """The request link whose token hashes to `followed`, whatever its state (the page says
    which)."""
    return (
        AttestationLink.objects.select_related(
            "request__application__organisation", "request__sent_by", "sent_by"
        )
        .filter(token_hash=followed)
        .first()
    )


def link_state_now(link: AttestationLink) -> LinkState:
    statuses = list(link.request.attestations.values_list("status", flat=True))
    return link_state(
        link,
        waiting=statuses.count(AttestationStatus.REQUESTED),
        responded=any(
            s in (AttestationStatus.ATTESTED, AttestationStatus.DECLINED) for s in statuses
        ),
    )


def request_for_named_person(*, user: User, request_id: uuid.UUID) -> AttestationRequest:
    """The request, only for the person it was sent to (their email): anyone else, a 404."""
    request = (
        AttestationRequest.objects.select_related("application__organisation", "sent_by")
        .filter(pk=request_id)
        .first()
    )
    if (
        request is None
        or not user.is_authenticated
        or normalise_email(user.email) != normalise_email(request.email)
    ):
        raise Http404
    return request


def request_statements(request: AttestationRequest) -> list[Attestation]:
    """The statements a request asks, in the questionnaire's order; withdrawn ones (asked
    again, or the person removed) are left out, as they are no longer asked of this person."""
    return _in_order(request.attestations.exclude(status=AttestationStatus.WITHDRAWN))


def _in_order(attestations: Iterable[Attestation]) -> list[Attestation]:
    return sorted(attestations, key=lambda a: (_number_key(a.question_label), a.requested_at))


def _number_key(label: str) -> tuple[int, str]:
    number = label.removeprefix("Question ").split(":", 1)[0]
    return (int(number), label) if number.isdigit() else (10**6, label)


@dataclass(frozen=True)
class RequestSummary:
    """A request as the organisation sees it: the person, their statements, the latest link."""

    request: AttestationRequest
    statements: list[Attestation]
    link: AttestationLink | None
    state: LinkState | None

    @property
    def waiting(self) -> bool:
        return any(a.status == AttestationStatus.REQUESTED for a in self.statements)


def requests_for(application: Application) -> list[RequestSummary]:
    """Every attestation request of the application, each with its latest link and its state."""
    summaries = []
    for request in application.attestation_requests.select_related("sent_by").prefetch_related(
        "attestations", "links"
    ):
        statements = _in_order(
            a for a in request.attestations.all() if a.status != AttestationStatus.WITHDRAWN
        )
        links = list(request.links.all())
        link = links[-1] if links else None
        statuses = [a.status for a in statements]
        state = (
            link_state(
                link,
                waiting=statuses.count(AttestationStatus.REQUESTED),
                responded=any(
                    s in (AttestationStatus.ATTESTED, AttestationStatus.DECLINED) for s in statuses
                ),
            )
            if link
            else None
        )
        summaries.append(RequestSummary(request, statements, link, state))
    return summaries
