"""A question answered with a file (question 15, the signed Acceptable Usage Policy): one form,
whose every way out sends the file chosen (issue 25, ADR 0035).

The page's one primary button, Continue, uploads the chosen file and goes on; with no file chosen
it goes on when the question may be left for now, and says "Select a file" (the question's
``required_error``) when a file is needed and none has been sent. The page's other ways out,
the back link and "Back to all questions", are buttons of the same form (the back link through
``form=``), so a chosen file goes with them too, without JavaScript: the file is uploaded and the
person taken where they asked, with the success banner there. A file refused (a virus, too large)
keeps them on the page with the design system's error. Ways out outside the form (the header, a
link in a banner) cannot carry a file: static/js/app.js stops them once and says so.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from applications.models import Application
from applications.states import Stage2State
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.selectors import evidence_latest
from evidence.status import UploadState
from evidence.upload import receive_file
from workflow.selectors import question_purpose, question_upload_status
from workflow.services import QuestionNotAvailable, question_file_upload

from .engine.schema import Question
from .presenters import question_url, upload_status_html

FILE_FIELD = "evidence"
FORM_ID = "file-question"


class Then(StrEnum):
    """Where the person asked to go: the value of the form's button they pressed."""

    CONTINUE = "continue"
    BACK = "back"
    ALL_QUESTIONS = "all-questions"


def file_question_page(
    request: HttpRequest,
    application: Application,
    context: dict[str, Any],
    the_question: Question,
    urls: dict[str, str],
) -> HttpResponse:
    """Show the question, or take what its form sent. The file can be sent, or replaced, until the
    application is withdrawn, after submission too: Stage 3 waits for it."""
    journey = context["journey"]
    if application.stage2_state == Stage2State.WITHDRAWN or not journey.can_visit(the_question.id):
        return redirect(urls["overview"])
    returning = request.GET.get("return") == "check-answers"
    following = journey.next_question(after=the_question.id)
    previous = journey.previous_question(the_question.id)
    onward = {
        Then.CONTINUE: urls["check_answers"]
        if returning or following is None or not context["editable"]
        else question_url(application, following.id),
        Then.BACK: urls["check_answers"]
        if returning
        else question_url(application, previous.id)
        if previous
        else urls["overview"],
        Then.ALL_QUESTIONS: urls["overview"],
    }
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        then = _then(request.POST.get("then"))
        try:
            received = receive_file(request, FILE_FIELD, required=False)
            if received is None:
                if then is Then.CONTINUE and _file_needed(application, the_question):
                    raise EvidenceRefused(the_question.required_error, reason="no file was sent")
                return redirect(onward[then])
            stored = question_file_upload(
                application=application,
                question_id=the_question.id,
                received=received,
                actor=request.user,
            )
        except EvidenceRefused as refused:
            errors = [{"text": refused.message, "href": f"#{FILE_FIELD}"}]
        except QuestionNotAvailable:
            return redirect(urls["overview"])
        else:
            messages.success(request, f"{stored.download_name} has been uploaded")
            return redirect(onward[then])
    purpose = question_purpose(the_question.id)
    return render(
        request,
        "questionnaire/file_question.jinja",
        {
            **context,
            "page_title": the_question.text,
            "question": the_question,
            "current": evidence_latest(application, purpose, accepted_only=False),
            "accepted": evidence_latest(application, purpose),
            "status_html": upload_status_html(question_upload_status(application, the_question.id)),
            "comment": context["comments"].get(the_question.id),
            "errors": errors,
            "field_error": errors[0]["text"] if errors else "",
            "file_field": FILE_FIELD,
            "form_id": FORM_ID,
            "then": {then.name.lower(): then.value for then in Then},
            "max_size": size_in_words(settings.EVIDENCE_MAX_BYTES),
            "back_url": onward[Then.BACK],
            "action": request.get_full_path(),
            "urls": urls,
        },
        status=400 if errors else 200,
    )


def _then(raw: str | None) -> Then:
    try:
        return Then(raw or Then.CONTINUE)
    except ValueError:
        return Then.CONTINUE


def _file_needed(application: Application, the_question: Question) -> bool:
    """A required question with no file sent that counts or is waiting for its malware check."""
    if not the_question.required:
        return False
    state = question_upload_status(application, the_question.id).state
    return state not in (UploadState.UPLOADED, UploadState.WAITING)
