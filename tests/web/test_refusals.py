"""Refusal pages say why in the reader's terms and what to do next, fitted to who they are
(issue 25 item 6, ADR 0036): a reviewer is sent to the queue, an administrator to
administration, an applicant to their applications, a lead whose organisation has not answered
question 1 to question 1; the onboarding lead is never told to ask the onboarding lead."""

import html
import re

import pytest

from tests.conftest import PASSWORD
from tests.visible import words
from tests.web.conftest import Applicant, signed_in


def link_texts(response):
    """Each link's visible text and where it goes, in the page's main content."""
    main = response.content.decode().split("<main", 1)[1]
    return {
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()): href
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', main, re.S)
    }


@pytest.fixture
def administrator(db):
    from accounts.models import UserKind
    from accounts.services import user_create

    return user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )


@pytest.fixture
def lead(organisation):
    from accounts.services import user_create

    return user_create(
        email="lead@northern.example",
        password=PASSWORD,
        full_name="Lena Lead",
        organisation=organisation,
        is_onboarding_lead=True,
        actor=None,
    )


def refused(client, path, method="get"):
    response = getattr(client, method)(path)
    assert response.status_code == 403, (path, response.status_code)
    return response


def test_a_reviewer_at_administration_is_told_why_and_sent_to_the_queue(reviewer):
    response = refused(signed_in(reviewer), "/administration")
    text = words(response)
    assert "You cannot use this page" in text
    assert "Only NHS England administrators can use the service’s administration" in text
    assert link_texts(response)["Go to the review queue"] == "/review"
    assert "onboarding lead" not in text
    assert "Go to your applications" not in text


def test_an_applicant_at_administration_is_sent_to_their_applications(member):
    response = refused(signed_in(member), "/administration/staff")
    assert "Only NHS England administrators" in words(response)
    assert link_texts(response)["Go to your applications"] == "/"


def test_an_administrator_on_a_members_page_is_sent_to_administration(administrator):
    response = refused(signed_in(administrator), "/organisation/members")
    text = words(response)
    assert "This page is for members of an organisation that is onboarding to NIR" in text
    links = link_texts(response)
    assert links["Go to NHS England staff"] == "/administration/staff"
    assert links["Go to administration"] == "/administration"
    assert "onboarding lead" not in text


def test_a_reviewer_starting_an_application_is_sent_to_the_queue(reviewer):
    response = refused(signed_in(reviewer), "/applications/start")
    assert "Applications are started by the organisations that onboard" in words(response)
    assert link_texts(response)["Go to the review queue"] == "/review"


def test_a_member_who_is_not_the_lead_is_told_who_the_lead_is(lead, member):
    response = refused(signed_in(member), "/organisation/members/invite")
    text = words(response)
    assert "Only an onboarding lead of Northern Imaging Trust can invite people." in text
    assert "Ask your onboarding lead (Lena Lead) to do this for you." in text
    assert link_texts(response)["Go to your organisation's members"] == "/organisation/members"


def test_the_lead_is_never_told_to_ask_the_lead(lead):
    client = signed_in(lead)
    for path in ("/organisation/members/invite", "/organisation/attestations"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Ask your onboarding lead" not in words(response)


def test_a_lead_at_certificates_before_question_1_is_told_to_answer_it(lead, fixed_today):
    applicant = Applicant(signed_in(lead)).start()
    response = refused(applicant.client, "/certificates")
    text = words(response)
    assert "The certificate register is for suppliers (Data Processors)" in text
    assert "Your organisation has not yet said which role it onboards in" in text
    (step,) = [name for name in link_texts(response) if name.startswith("Answer question 1")]
    assert link_texts(response)[step] == applicant.question_url("role")
    assert "onboarding lead" not in text
    # Once question 1 says supplier, the register opens.
    applicant.answer(
        "role", {"answer": "supplier", "product_name": "PACS One", "product_version": "4.2"}
    )
    assert applicant.client.get("/certificates").status_code == 200


def test_a_data_controller_at_certificates_is_told_it_has_none_to_record(lead, fixed_today):
    applicant = Applicant(signed_in(lead)).start()
    applicant.answer("role", {"answer": "controller"})
    response = refused(applicant.client, "/certificates")
    assert "Your organisation onboards as a Data Controller" in words(response)
    assert link_texts(response)["Go to your applications"] == "/"


def test_a_reviewer_at_the_suppliers_register_is_sent_to_every_certificate(reviewer):
    response = refused(signed_in(reviewer), "/certificates")
    assert "This is a supplier's own certificate register" in words(response)
    assert link_texts(response)["Go to the certificate register"] == "/review/certificates"


@pytest.mark.parametrize(
    "path", ["/review", "/review/certificates", "/review/applications/{id}/answers"]
)
def test_an_applicant_at_a_reviewer_page_is_told_it_is_nhs_englands(applicant, path):
    application_id = applicant.application_url.rsplit("/", 1)[1]
    response = refused(applicant.client, path.format(id=application_id))
    text = words(response)
    assert "This page is for NHS England's reviewers." in text
    assert link_texts(response)["Go to your applications"] == "/"


def test_page_not_found_sends_each_person_to_their_own_work(reviewer, member):
    from django.test import Client

    expected = {
        "Go to the review queue": signed_in(reviewer),
        "Go to your applications": signed_in(member),
        "Sign in": Client(),
    }
    for step, client in expected.items():
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert "Page not found" in words(response)
        assert step in link_texts(response), step


def test_a_form_sent_too_late_sends_a_reviewer_to_the_queue(reviewer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post("/sign-out", {})
    assert response.status_code == 403
    assert "Sorry, you need to start again" in words(response)
    assert link_texts(response)["Go to the review queue"] == "/review"
