"""The product-level answer share (ADR 0020): after a supplier changes an answer that belongs to
the product (medical device, DCB0129, PKI), "Change this answer in N other applications?" for the
same product and version."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from workflow.applicant.reuse import product_answer_share, product_siblings

from .onward import page_after, stage2_urls
from .presenters import application_page_context
from .selectors import application_with_answers

SHARE_REQUIRED = "Select whether to change this answer in your other applications"


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, application_id: uuid.UUID, question_id: str) -> HttpResponse:
    """After a supplier changes a product-level answer (medical device, DCB0129, PKI): "Change
    this answer in N other applications?" for the same product and version (ADR 0020)."""
    application = application_with_answers(user=request.user, application_id=application_id)
    urls = stage2_urls(application_id)
    returning = request.GET.get("return") == "check-answers"
    context = application_page_context(application)
    journey = context["journey"]
    the_question = journey.definition.question_or_none(question_id)
    if the_question is None:
        raise Http404
    siblings = product_siblings(application, question_id)
    onward = page_after(application, journey, question_id, returning, urls)
    if not siblings:
        return redirect(onward)
    choice = request.POST.get("share", "")
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if choice == "yes":
            changed = product_answer_share(
                application=application, question_id=question_id, actor=request.user
            )
            count = len(changed)
            messages.success(
                request,
                f"Your answer to question {the_question.number} has been changed in {count} "
                f"other {'application' if count == 1 else 'applications'}: "
                + ", ".join(a.reference for a in changed),
            )
            return redirect(onward)
        if choice == "no":
            return redirect(onward)
        errors = [{"text": SHARE_REQUIRED, "href": "#share"}]
    count = len(siblings)
    return render(
        request,
        "questionnaire/share.jinja",
        {
            **context,
            "page_title": f"Change this answer in {count} other "
            f"{'application' if count == 1 else 'applications'}?",
            "question": the_question,
            "answer": context["answers"].get(question_id),
            "siblings": siblings,
            "choice": choice,
            "errors": errors,
            "back_url": onward,
        },
        status=400 if errors else 200,
    )
