"""FHIR R4 exports (ADR 0025): each questionnaire version as a Questionnaire and a submission as
a QuestionnaireResponse that refers to it, both validated by fhir.resources' R4B models (R4B
changed neither resource from R4), for both roles' full answer sets."""

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from applications.models import Application
from audit.models import AuditEntry
from questionnaire import definitions
from questionnaire.engine.conditions import DsptDateNotCurrent
from questionnaire.fhir import APPLIES_WHEN_EXTENSION, _add_condition, canonical_url
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.web.conftest import signed_in

# fhir.resources checks structure, types, cardinality and invariants but not required bindings:
# these are R4's value sets for the codes the exports use (hl7.org/fhir/R4/valueset-*.html).
ITEM_TYPES = {
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}


def assert_r4_codes(items):
    for item in items:
        if "type" in item:
            assert item["type"] in ITEM_TYPES, item["linkId"]
        for clause in item.get("enableWhen", []):
            assert clause["operator"] in OPERATORS, item["linkId"]
        assert item.get("enableBehavior", "all") in {"all", "any"}
        assert_r4_codes(item.get("item", []))
        for answer in item.get("answer", []):
            assert_r4_codes(answer.get("item", []))


DEFINITION_URL = "/questionnaires/nir-stage2-governance-assurance/v1.fhir.json"


def items_by_link_id(items, found=None):
    found = {} if found is None else found
    for item in items:
        found[item["linkId"]] = item
        items_by_link_id(item.get("item", []), found)
        for answer in item.get("answer", []):
            items_by_link_id(answer.get("item", []), found)
    return found


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_questionnaire_is_valid_fhir_with_every_question_option_limit_and_condition(
    client_member,
):
    resource = download(client_member, DEFINITION_URL)
    Questionnaire.model_validate(resource)  # raises on anything that is not FHIR
    assert resource["status"] in {"draft", "active", "retired", "unknown"}
    assert_r4_codes(resource["item"])
    definition = definitions.definition_for("nir-stage2-governance-assurance", 1)
    items = items_by_link_id(resource["item"])
    assert [i["linkId"] for i in resource["item"]] == [q.id for q in definition.questions]
    assert resource["url"] == canonical_url(definition.id) and resource["version"] == "1"

    role = items["role"]
    assert role["type"] == "choice" and role["required"] is True
    assert [o["valueCoding"]["code"] for o in role["answerOption"]] == ["supplier", "controller"]
    assert items["role.product_name"]["maxLength"] == 200
    assert items["role.product_name"]["enableWhen"][0]["answerCoding"]["code"] == "supplier"
    assert items["s_cso"]["type"] == "text"
    assert items["s_cso"]["maxLength"] == definition.question("s_cso").max_length
    assert items["c_data_validation"]["type"] == "boolean"
    assert items["c_aup"]["type"] == "attachment"
    assert items["s_isms"]["enableWhen"] == [
        {
            "question": "role",
            "operator": "=",
            "answerCoding": {
                "system": items["s_isms"]["enableWhen"][0]["answerCoding"]["system"],
                "code": "supplier",
            },
        }
    ]
    # all of: supplier, the status answered, and the status not "not published"
    published = items["s_dspt_published"]
    assert published["enableBehavior"] == "all"
    assert [(c["question"], c["operator"]) for c in published["enableWhen"]] == [
        ("role", "="),
        ("s_dspt_status", "exists"),
        ("s_dspt_status", "!="),
    ]
    assert published["enableWhen"][2]["answerCoding"]["code"] == "not_published"


def test_a_condition_fhir_cannot_express_is_kept_whole_in_an_extension():
    definition = definitions.definition_for("nir-stage2-governance-assurance", 1)
    item = {"linkId": "x", "type": "boolean"}
    condition = DsptDateNotCurrent(kind="dspt_date_not_current", question="s_dspt_published")
    _add_condition(definition, item, condition)
    assert "enableWhen" not in item
    assert item["extension"][0]["url"] == APPLIES_WHEN_EXTENSION
    assert json.loads(item["extension"][0]["valueString"]) == {
        "kind": "dspt_date_not_current",
        "question": "s_dspt_published",
    }
    Questionnaire.model_validate(
        {"resourceType": "Questionnaire", "status": "active", "item": [item]}
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (
            SUPPLIER,
            {
                "role": {"valueCoding": "supplier"},
                "role.product_version": {"valueString": "4.2.1"},
                "s_dspt_published": {"valueDate": "2026-09-15"},
                "s_cso": {"valueString": "Dr Ada Lovelace, GMC 1234567"},
                "s_medical_device.device_class": {"valueCoding": "class_iia"},
            },
        ),
        (
            CONTROLLER,
            {
                "role": {"valueCoding": "controller"},
                "c_dspt_published": {"valueDate": "2026-07-01"},
                "c_dpia.signed_off_by": {"valueCoding": "siro"},
                "c_csos": {"valueString": "Dr Grace Hopper\nDr Mary Seacole"},
                "c_data_validation": {"valueBoolean": True},
                "c_incident_management.description": {
                    "valueString": "P1-P4 with SLAs; we escalate."
                },
            },
        ),
    ],
    ids=["supplier", "controller"],
)
def test_a_submission_is_a_valid_questionnaire_response_for_the_applicant_and_reviewer(
    applicant, reviewer, pages, expected
):
    applicant.answer_all(pages)
    assert applicant.submit().status_code == 302
    application_id = applicant.application_url.rsplit("/", 1)[1]
    ours = download(applicant.client, f"{applicant.stage2}/questionnaire-response.fhir.json")
    theirs = download(
        signed_in(reviewer),
        f"/review/applications/{application_id}/questionnaire-response.fhir.json",
    )
    assert ours == theirs
    # both application pages link to it and to the questions it answers
    for client, page in (
        (applicant.client, applicant.application_url),
        (signed_in(reviewer), f"/review/applications/{application_id}/answers"),
    ):
        html = client.get(page).content.decode()
        assert "questionnaire-response.fhir.json" in html, page
        assert DEFINITION_URL in html, page
    QuestionnaireResponse.model_validate(ours)
    assert_r4_codes(ours["item"])
    assert ours["status"] == "completed"
    assert ours["questionnaire"] == f"{canonical_url('nir-stage2-governance-assurance')}|1"
    assert ours["source"]["identifier"]["value"] == "RNI"
    items = items_by_link_id(ours["item"])
    answered = [qid for qid, data in pages if data is not None]
    assert [i["linkId"] for i in ours["item"]] == answered
    for link_id, value in expected.items():
        ((kind, want),) = value.items()
        got = items[link_id]["answer"][0][kind]
        assert (got["code"] if kind == "valueCoding" else got) == want, link_id
    # every answer carries the wording it was given under
    definition = definitions.definition_for("nir-stage2-governance-assurance", 1)
    assert items["role"]["text"] == definition.question("role").wording()


def test_each_questionnaire_response_download_is_audited(applicant, member, reviewer):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    download(applicant.client, f"{applicant.stage2}/questionnaire-response.fhir.json")
    download(
        signed_in(reviewer),
        f"/review/applications/{application.pk}/questionnaire-response.fhir.json",
    )
    name = f"{application.reference}-submission-1.fhir.json"
    entries = AuditEntry.objects.filter(action="submission_fhir.download").order_by("sequence")
    assert [(e.actor_id, e.object_id, e.subject, e.after) for e in entries] == [
        (who.pk, str(application.pk), name, {"name": name, "submission": 1})
        for who in (member, reviewer)
    ]


def test_before_any_submission_there_is_no_questionnaire_response(applicant):
    response = applicant.client.get(f"{applicant.stage2}/questionnaire-response.fhir.json")
    assert response.status_code == 404


def test_an_unknown_questionnaire_version_is_not_found(client_member):
    response = client_member.get("/questionnaires/nir-stage2-governance-assurance/v99.fhir.json")
    assert response.status_code == 404


def test_the_api_serves_the_same_fhir_resources_as_the_pages_to_each_role(
    applicant, member, outsider, reviewer
):
    """Issue 11: both resources are downloadable from the pages and the API."""
    from django.test import Client

    from tests.api_tokens import token_made

    def api_get(user, path):
        secret = token_made(user=user, name="FHIR", days=7).secret
        return Client(raise_request_exception=False).get(
            f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )

    definition = api_get(member, "/questionnaires/nir-stage2-governance-assurance/1/fhir")
    assert definition.status_code == 200
    assert definition.json() == download(applicant.client, DEFINITION_URL)
    Questionnaire.model_validate(definition.json())
    unknown = api_get(member, "/questionnaires/nir-stage2-governance-assurance/99/fhir")
    assert unknown.status_code == 404

    application_id = applicant.application_url.rsplit("/", 1)[1]
    path = f"/applications/{application_id}/questionnaire-response/fhir"
    assert api_get(member, path).status_code == 404  # not submitted yet
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    page = download(applicant.client, f"{applicant.stage2}/questionnaire-response.fhir.json")
    for user in (member, reviewer):
        response = api_get(user, path)
        assert response.status_code == 200 and response.json() == page
    QuestionnaireResponse.model_validate(page)
    hidden = api_get(outsider, path)
    assert hidden.status_code == 404 and page["id"] not in hidden.content.decode()


def _fhir_enabled(item, answers):
    """R4's enableWhen as a FHIR renderer judges it, for the operators the export uses."""
    from questionnaire.engine.conditions import MAIN_FIELD

    def holds(clause):
        question, _, field = clause["question"].partition(".")
        got = answers.get(question, {}).get(field or MAIN_FIELD)
        if clause["operator"] == "exists":
            return (got not in (None, "")) is clause["answerBoolean"]
        want = clause.get("answerCoding", {}).get("code", clause.get("answerString"))
        return (got == want) if clause["operator"] == "=" else (got != want)

    results = [holds(clause) for clause in item.get("enableWhen", [])]
    if not results:
        return True
    return all(results) if item.get("enableBehavior", "all") == "all" else any(results)


def test_every_enable_when_shows_a_question_exactly_when_the_engine_does():
    """Every combination of the answers the conditions refer to (each option, or none): the
    exported enableWhen and the engine's applies_when (and each follow-up's reveal) agree."""
    import itertools

    from questionnaire.engine.conditions import MAIN_FIELD, EvaluationContext
    from questionnaire.fhir import link_id, questionnaire_resource
    from tests.conftest import TODAY

    definition = definitions.definition_for("nir-stage2-governance-assurance", 1)
    items = items_by_link_id(questionnaire_resource(definition)["item"])
    referred = sorted(
        {
            ref.question
            for q in definition.questions
            if q.applies_when
            for ref in q.applies_when.references()
        }
        | {q.id for q in definition.questions if q.follow_ups}
    )
    choices = [[None, *[o.value for o in definition.question(r).options]] for r in referred]
    checked = 0
    for combination in itertools.product(*choices):
        answers = {r: {MAIN_FIELD: v} for r, v in zip(referred, combination) if v is not None}
        context = EvaluationContext(answers=answers, today=TODAY)
        for question in definition.questions:
            if question.applies_when is not None:
                engine = question.applies_when.evaluate(context)
                assert _fhir_enabled(items[question.id], answers) is engine, (question.id, answers)
                checked += 1
            main = answers.get(question.id, {}).get(MAIN_FIELD)
            for follow_up in question.follow_ups:
                shown = follow_up in question.follow_ups_for(main)
                item = items[link_id(question.id, follow_up.id)]
                assert _fhir_enabled(item, answers) is shown, (item["linkId"], answers)
                checked += 1
    assert checked > 1000
