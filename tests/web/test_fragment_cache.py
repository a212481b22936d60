"""Rendered fragments (`{% cache %}`, core/fragment_cache.py, ADR 0027): shared between people
only when they are the same for each, and never stale after a change of answer or version."""

import pickle
import shutil

import pytest
from django.core.cache import caches
from django.template import engines

from core.fragment_cache import FRAGMENT_MAX_CHARS, UncacheableFragment, fragment_key
from questionnaire import definitions
from tests.answer_sets import CONTROLLER
from tests.conftest import DEFINITION_PATH
from tests.visible import words
from tests.web.conftest import Applicant, signed_in

CSO_QUESTION = "s_cso"
CSO_WORDING = "Provide the name and professional registration of your Clinical Safety Officer"
SUPPLIER_START = [
    ("role", {"answer": "supplier", "product_name": "PACS One", "product_version": "4.2.1"}),
    ("s_isms", {"answer": "yes"}),
    ("s_dspt_status", {"answer": "standards_met"}),
    ("s_dspt_published", {"answer-day": "15", "answer-month": "9", "answer-year": "2026"}),
    ("s_uk_processing", {"answer": "yes_excludes_special"}),
]


def text_of(response):
    """The page's visible text, every run of white space one space (tests/visible.py)."""
    return words(response)


def supplier_at_cso(client, cso=None):
    applicant = Applicant(client).start()
    applicant.answer_all(SUPPLIER_START)
    if cso is not None:
        applicant.answer_all([(CSO_QUESTION, {"answer": cso})])
    return applicant


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


# --------------------------------------------------------------------------- on the pages


def test_two_people_never_see_each_others_fragment(member, outsider, fixed_today):
    mine = supplier_at_cso(signed_in(member), "Dr Ada Lovelace, GMC 1234567")
    theirs = supplier_at_cso(signed_in(outsider), "Dr Grace Hopper, GMC 7654321")
    for _ in range(2):  # the second time from the cache
        my_page = text_of(mine.client.get(mine.question_url(CSO_QUESTION)))
        their_page = text_of(theirs.client.get(theirs.question_url(CSO_QUESTION)))
        assert "Dr Ada Lovelace" in my_page and "Dr Grace Hopper" not in my_page
        assert "Dr Grace Hopper" in their_page and "Dr Ada Lovelace" not in their_page


def test_an_answer_changed_is_seen_at_once(client_member, fixed_today):
    applicant = supplier_at_cso(client_member, "Dr Ada Lovelace, GMC 1234567")
    assert "Dr Ada Lovelace" in text_of(applicant.client.get(applicant.question_url(CSO_QUESTION)))
    applicant.answer_all([(CSO_QUESTION, {"answer": "Dr Mary Seacole, GMC 1111111"})])
    page = text_of(applicant.client.get(applicant.question_url(CSO_QUESTION)))
    assert "Dr Mary Seacole" in page and "Dr Ada Lovelace" not in page


def test_an_error_is_shown_on_the_fields_and_gone_once_put_right(client_member, fixed_today):
    applicant = supplier_at_cso(client_member)
    url = applicant.question_url(CSO_QUESTION)
    assert "nhsuk-error-message" not in applicant.client.get(url).content.decode()
    refused = applicant.client.post(url, {"version": "0", "answer": ""})
    assert refused.status_code == 400
    assert "nhsuk-form-group--error" in refused.content.decode()
    assert "nhsuk-form-group--error" not in applicant.client.get(url).content.decode()


def test_an_answer_too_long_to_keep_is_shown_again_and_not_kept(client_member, fixed_today):
    """A refused answer is shown again as typed, and a form may be up to 2.5 MB: kept, each
    such post would hold its megabytes in every worker's memory until a restart (2000 of them),
    for any signed-in applicant to fill. A fragment larger than FRAGMENT_MAX_CHARS is not kept."""
    applicant = supplier_at_cso(client_member)
    url = applicant.question_url(CSO_QUESTION)
    for n in range(3):
        typed = f"{n}" + "Dr Ada Lovelace " * 20_000
        refused = applicant.client.post(url, {"version": "0", "answer": typed})
        assert refused.status_code == 400
        assert "Dr Ada Lovelace Dr Ada Lovelace" in refused.content.decode()
    # The local-memory cache's own store (LocMemCache._cache): what each worker holds.
    held = caches["default"]._cache.values()  # type: ignore[attr-defined]
    assert held and max(len(value) for value in held) <= FRAGMENT_MAX_CHARS + 1000


@pytest.fixture
def two_versions(settings, tmp_path):
    """Version 1 as shipped, and a version 2 in which the CSO question's wording changed."""
    shutil.copy(DEFINITION_PATH, tmp_path / "stage2-v1.yaml")
    text = DEFINITION_PATH.read_text().replace("\nversion: 1\n", "\nversion: 2\n", 1)
    assert CSO_WORDING in text
    (tmp_path / "stage2-v2.yaml").write_text(text.replace(CSO_WORDING, f"{CSO_WORDING} and deputy"))
    settings.QUESTIONNAIRE_DIR = tmp_path

    def current(name):
        settings.QUESTIONNAIRE_CURRENT = name
        definitions.cache_clear()

    current("stage2-v1.yaml")
    yield current
    definitions.cache_clear()


def test_a_new_definition_version_changes_the_page_and_not_the_old_versions(
    member, colleague, two_versions, fixed_today
):
    on_version_1 = supplier_at_cso(signed_in(member))
    assert "and deputy" not in text_of(on_version_1.client.get(on_version_1.question_url("s_cso")))
    two_versions("stage2-v2.yaml")
    on_version_2 = supplier_at_cso(signed_in(colleague))
    assert f"{CSO_WORDING} and deputy" in text_of(
        on_version_2.client.get(on_version_2.question_url("s_cso"))
    )
    # The application started on version 1 is still asked version 1's question.
    assert "and deputy" not in text_of(on_version_1.client.get(on_version_1.question_url("s_cso")))


TEXT_QUESTION = "c_incident_leads"  # CONTROLLER answers it "Alan Turing"


def _kept_fragments() -> list[str]:
    cache = caches["default"]  # the tests' LocMemCache: its entries, as they are kept
    return [pickle.loads(value) for value in cache._cache.values()]  # noqa: S301 - our own


@pytest.mark.parametrize("page", ["check-answers", ""])
def test_check_answers_and_the_task_list_show_each_their_own_answers_and_changes_at_once(
    page, member, outsider, fixed_today
):
    mine = Applicant(signed_in(member)).start()
    mine.answer_all(CONTROLLER)
    theirs = Applicant(signed_in(outsider)).start()
    theirs.answer_all(
        [(q, {"answer": "Rosalind Franklin"} if q == TEXT_QUESTION else d) for q, d in CONTROLLER]
    )
    for _ in range(2):  # the second time from the cache
        my_response = mine.client.get(f"{mine.stage2}/{page}".rstrip("/"))
        their_response = theirs.client.get(f"{theirs.stage2}/{page}".rstrip("/"))
        # Each page's links go to its own application (in the source: links are not text).
        my_source, their_source = my_response.content.decode(), their_response.content.decode()
        assert mine.application_url in my_source and theirs.application_url not in my_source
        assert theirs.application_url in their_source and mine.application_url not in their_source
        my_page, their_page = text_of(my_response), text_of(their_response)
    if page:
        assert "Alan Turing" in my_page and "Rosalind Franklin" not in my_page
        assert "Rosalind Franklin" in their_page and "Alan Turing" not in their_page
    mine.answer_all([(TEXT_QUESTION, {"answer": "Dorothy Hodgkin"})])
    changed = text_of(mine.client.get(f"{mine.stage2}/{page}".rstrip("/")))
    if page:
        assert "Dorothy Hodgkin" in changed and "Alan Turing" not in changed


def test_a_whole_applications_answers_are_kept_as_one_fragment(member, fixed_today):
    applicant = Applicant(signed_in(member)).start()
    applicant.answer_all(CONTROLLER)
    caches["default"].clear()
    page = applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()
    [summary] = [kept for kept in _kept_fragments() if "nhsuk-summary-list" in kept]
    # Every answer's row, under the size limit (FRAGMENT_MAX_CHARS), as the page shows it.
    assert "Alan Turing" in summary and summary in page


# --------------------------------------------------------------------------- the tag itself


def test_a_fragment_is_kept_by_its_key_and_made_again_for_another():
    template = "{% cache version, value %}<p>{{ value }} {{ wording }}</p>{% endcache %}"
    assert render(template, version=1, value="a", wording="first") == "<p>a first</p>"
    # The same key: the fragment kept. What is not in the key is not looked at, which is why
    # every template names in its key all that its fragment is made from.
    assert render(template, version=1, value="a", wording="second") == "<p>a first</p>"
    assert render(template, version=2, value="a", wording="second") == "<p>a second</p>"
    assert render(template, version=1, value="b", wording="second") == "<p>b second</p>"


def test_a_fragment_larger_than_the_limit_is_shown_and_not_kept():
    template = "{% cache 1 %}<p>{{ value }} {{ wording }}</p>{% endcache %}"
    large = "x" * FRAGMENT_MAX_CHARS
    assert render(template, value=large, wording="first") == f"<p>{large} first</p>"
    assert render(template, value=large, wording="second") == f"<p>{large} second</p>"


def test_a_fragment_is_escaped_whether_made_or_kept():
    template = "{% cache value %}<p>{{ value }}</p>{% endcache %}"
    for _ in range(2):
        assert render(template, value="<script>") == "<p>&lt;script&gt;</p>"


def test_a_fragment_holding_a_csrf_token_or_a_nonce_is_refused():
    with pytest.raises(UncacheableFragment, match="CSRF token or a CSP nonce"):
        render(
            '{% cache 1 %}<input type="hidden" name="csrfmiddlewaretoken" value="t">{% endcache %}'
        )
    with pytest.raises(UncacheableFragment, match="CSRF token or a CSP nonce"):
        render('{% cache 2 %}<script nonce="{{ csp_nonce }}">{% endcache %}', csp_nonce="n0nce")


def test_a_key_is_made_only_of_values_with_a_stable_form():
    assert fragment_key("t", 1, [{"b": 1, "a": {2, 1}}]) == fragment_key(
        "t", 1, [{"a": {1, 2}, "b": 1}]
    )
    assert fragment_key("t", 1, ["a"]) != fragment_key("t", 2, ["a"])
    assert fragment_key("t", 1, ["a"]) != fragment_key("u", 1, ["a"])
    with pytest.raises(UncacheableFragment, match="object cannot be part of a fragment's key"):
        fragment_key("t", 1, [object()])


def header_of(response):
    page = response.content.decode()
    return page[page.index("<header") : page.index("</header>")]


def test_each_person_sees_their_own_header_and_it_holds_no_csrf_token(member, outsider):
    mine, theirs = signed_in(member), signed_in(outsider)
    for _ in range(2):  # the second time from the cache
        my_header = header_of(mine.get("/"))
        their_header = header_of(theirs.get("/"))
        assert member.email in my_header and outsider.email not in my_header
        assert outsider.email in their_header and member.email not in their_header
        assert "csrfmiddlewaretoken" not in my_header


def test_the_header_sign_out_button_submits_the_pages_own_sign_out_form(client_member):
    page = client_member.get("/").content.decode()
    header = header_of(client_member.get("/"))
    assert (
        '<button class="nhsuk-header__account-button" form="sign-out">Sign out</button>' in header
    )
    form = page[page.index('<form id="sign-out"') :]
    form = form[: form.index("</form>")]
    assert 'action="/sign-out"' in form and 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
