"""The organisation's reply to NHS England on a hold, a comment, a change request or a document
request (ADR 0037): one page per thing replied to, showing what NHS England said, the replies
sent so far and a box for a new one."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from questionnaire.presenters import application_page_context, question_url
from workflow.models import ReplyTo
from workflow.replies import services as replies
from workflow.replies.records import REPLY_TEXT_MAX
from workflow.replies.selectors import (
    ReplyTarget,
    ReplyTargetNotFound,
    replies_by_target,
    replies_for,
    reply_target,
)

from .models import Application
from .selectors import application_get_for_member

# What each kind of thing is called on its reply page, before NHS England's words.
SAID = {
    ReplyTo.HOLD: "Why onboarding is paused",
    ReplyTo.COMMENT: "NHS England's comment",
    ReplyTo.CHANGE_REQUEST: "What NHS England asked you to change",
    ReplyTo.DOCUMENT_REQUEST: "What NHS England asked for",
}


def _back_url(application: Application, target: ReplyTarget) -> str:
    """Where the thing replied to is shown to the organisation, and its replies under it."""
    detail = reverse("applications:detail", kwargs={"application_id": application.pk})
    if target.to == ReplyTo.COMMENT:
        return f"{detail}#comments"
    if target.to == ReplyTo.CHANGE_REQUEST:
        return question_url(application, target.record.question_id)  # type: ignore[union-attr]
    if target.to == ReplyTo.DOCUMENT_REQUEST:
        return reverse(
            "applications:document_request",
            kwargs={"application_id": application.pk, "request_id": target.record.pk},
        )
    return detail


@require_http_methods(["GET", "POST"])
def reply(
    request: HttpRequest, application_id: uuid.UUID, target_id: uuid.UUID | int, to: str
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    try:
        target = reply_target(
            user=request.user, application=application, to=to, target_id=target_id
        )
    except ReplyTargetNotFound:
        raise Http404("Nothing to reply to") from None
    back_url = _back_url(application, target)
    text = request.POST.get("text", "")
    error = ""
    if request.method == "POST":
        try:
            replies.reply_add(
                application=application,
                actor=request.user,
                to=to,
                target_id=target.record.pk,
                text=text,
            )
        except replies.ReplyRefused as refused:
            error = refused.message
        else:
            messages.success(request, "Your reply has been sent to NHS England")
            return redirect(back_url)
    sent = replies_by_target(replies_for(user=request.user, application=application, to=[to]))
    return render(
        request,
        "applications/reply.jinja",
        {
            "application": application,
            "pause": application_page_context(application)["pause"],
            "page_title": "Reply to NHS England",
            "target": target,
            "said_label": SAID[target.to],
            "replies": sent.get(target.record.pk, []),
            "text": text,
            "maxlength": REPLY_TEXT_MAX,
            "errors": [{"text": error, "href": "#reply-text"}] if error else [],
            "error": error,
            "back_url": back_url,
        },
        status=400 if error else 200,
    )
