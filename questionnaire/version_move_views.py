"""The onboarding lead's page for moving a draft to the questionnaire version now published
(ADR 0044): what would be carried over and what must be answered again, then, once moved,
exactly what was. Views parse, call workflow.applicant.version_move and render."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.refusals import not_the_lead
from accounts.rules import is_onboarding_lead
from applications.selectors import application_get_for_member
from workflow.applicant import version_move as moves

from .engine.schema import Definition, Question
from .engine.versions import version_differences
from .presenters import question_url
from .selectors import response_definition, response_for


def _questions(definition: Definition, ids: list[str]) -> list[Question]:
    return [definition.question(qid) for qid in ids if definition.question_or_none(qid)]


@require_http_methods(["GET", "POST"])
def version_move(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(
        user=request.user, application_id=application_id, related=("stage2_response",)
    )
    if not is_onboarding_lead(request.user):
        raise not_the_lead(request.user, doing="move an application to a new questionnaire version")
    detail_url = reverse("applications:detail", kwargs={"application_id": application.pk})
    target = moves.version_move_offered(application, request.user)
    newer = False
    if request.method == "POST" and target is not None:
        try:
            moves.version_move(
                application=application,
                actor=request.user,
                to_version=_posted_version(request),
                definition_id=str(request.POST.get("definition_id", "")),
            )
        except moves.VersionMoveRefused:
            return redirect(detail_url)
        except moves.VersionMoveOutdated as outdated:
            # Another version was published after the lead was shown what moving meant:
            # nothing moved; show what moving to this one means.
            target, newer = outdated.target, True
        else:
            return redirect("questionnaire:version_move", application_id=application.pk)
    if target is None:
        moved = moves.version_move_latest(application)
        if moved is None:
            return redirect(detail_url)
        definition = response_definition(response_for(application))
        return render(
            request,
            "questionnaire/version_moved.jinja",
            {
                "page_title": f"Your application now uses version {moved.to_version}",
                "back_url": detail_url,
                "application": application,
                "move": moved,
                "carried": _questions(definition, moved.carried),
                "again": [
                    (q, question_url(application, q.id))
                    for q in _questions(definition, moved.to_answer_again)
                ],
                "no_longer_asked": moved.no_longer_asked,
                "attestations": moves.version_moved_attestations(moved),
            },
        )
    current = response_definition(response_for(application))
    plan = moves.version_move_plan(application, target)
    return render(
        request,
        "questionnaire/version_move.jinja",
        {
            "page_title": f"Move this application to version {target.version} of the questions",
            "back_url": detail_url,
            "application": application,
            "current": current,
            "target": target,
            "newer": newer,
            "carried": _questions(target, plan.carried),
            "reworded": set(plan.reworded),
            "again": _questions(target, plan.to_answer_again),
            "gone": _questions(current, plan.no_longer_asked),
            "added": version_differences(current, target).added,
            "attestations": moves.version_move_attestations(application, target),
        },
    )


def _posted_version(request: HttpRequest) -> int:
    """The version the lead was shown; 0 (never a version) when the form did not say."""
    posted = str(request.POST.get("to_version", ""))
    return int(posted) if posted.isdigit() and len(posted) < 10 else 0
