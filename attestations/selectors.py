"""Reads of key personnel and attestations. Callers pass an application already fetched through
a selector scoped to the user; a named person reaches their attestation only by their email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from accounts.models import User, normalise_email
from applications.models import Application
from core.tokens import token_hash
from questionnaire.engine.people import PersonRole
from questionnaire.engine.schema import AttestationRule, Definition
from questionnaire.models import AnswerRevision

from .models import Attestation, AttestationStatus, KeyPerson


def key_personnel_for(application: Application) -> list[KeyPerson]:
    return list(application.key_personnel.all())


def key_person_get(application: Application, person_id: uuid.UUID) -> KeyPerson:
    person = application.key_personnel.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def attestations_for(application: Application) -> list[Attestation]:
    return list(application.attestations.select_related("requested_by", "responded_by"))


def attestation_by_token(token: str) -> Attestation | None:
    """The attestation a link's token names, whatever its status (the page says if it is used)."""
    return (
        Attestation.objects.select_related("application__organisation")
        .filter(token_hash=token_hash(token))
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
    """Every attestation asked of the user's email address, newest first."""
    return list(
        Attestation.objects.select_related("application__organisation")
        .filter(email=normalise_email(user.email))
        .order_by("-requested_at")
    )


@dataclass(frozen=True)
class AttestationNeed:
    """One attestation the answers need, and where it stands."""

    rule: AttestationRule
    number: str
    title: str
    latest: Attestation | None
    satisfied: bool

    @property
    def roles(self) -> list[str]:
        return [PersonRole(role).label for role in self.rule.roles]

    @property
    def status_text(self) -> str:
        if self.satisfied:
            return "Attested"
        if self.latest is None:
            return "Not asked yet"
        return self.latest.get_status_display()


def attestation_needs(
    *,
    definition: Definition,
    required: list[AttestationRule],
    attestations: list[Attestation],
    revisions: dict[str, int],
) -> list[AttestationNeed]:
    """For each required attestation, the latest request for it and whether it counts: attested
    by the person asked, about the revision of the answer there is now."""
    needs = []
    for rule in required:
        mine = [a for a in attestations if a.rule_id == rule.id]
        latest = max(mine, key=lambda a: a.requested_at) if mine else None
        question = definition.question(rule.question)
        needs.append(
            AttestationNeed(
                rule=rule,
                number=question.number,
                title=question.title,
                latest=latest,
                satisfied=latest is not None
                and latest.status == AttestationStatus.ATTESTED
                and revisions.get(rule.question) == latest.answer_revision,
            )
        )
    return needs
