"""The visible-text helpers and the suite-wide check read a page as a browser shows it, and fail
on what a person should not see (issue 23, item 4): tests/visible.py, tests/visible_check.py."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.test import Client
from django.urls import path as url_path
from jinja2 import Environment

from core.typed_text import as_typed
from tests.visible import row, rows, texts, visible_text, words
from tests.visible_check import Watch, watch_pages

REPOSITORY = Path(__file__).resolve().parent.parent


def summary_row(key_html: str, value_html: str) -> str:
    return (
        '<body><dl class="nhsuk-summary-list"><div class="nhsuk-summary-list__row">'
        f'<dt class="nhsuk-summary-list__key">{key_html}</dt>'
        f'<dd class="nhsuk-summary-list__value">{value_html}</dd></div></dl></body>'
    )


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_entities_are_decoded_once_so_markup_shown_as_text_stays_visible():
    page = "<body><p>&lt;span class=&quot;x&quot;&gt;Give the number &amp;amp;</p></body>"
    assert visible_text(page) == '<span class="x">Give the number &amp;'


def test_a_row_reads_its_value_exactly_and_not_when_it_is_markup_around_it():
    typed = 'R&D\'s "draft" <b>v2</b>\nSecond line'
    shown = summary_row("Your comment", as_typed(typed))
    assert row(shown, "Your comment") == typed
    as_text = summary_row("Your comment", '&lt;span class="app-pre-wrap"&gt;Give&lt;/span&gt;')
    assert row(as_text, "Your comment") == '<span class="app-pre-wrap">Give</span>'
    with pytest.raises(AssertionError, match="0 summary-list rows"):
        row(shown, "Their comment")
    twice = shown.replace("</dl>", shown.removeprefix("<body>").removesuffix("</body>") + "</dl>")
    assert rows(twice, "Your comment") == [typed, typed]


def test_white_space_collapses_except_where_the_page_keeps_it():
    page = (
        "<body><h1>A   title\n</h1><p>One<br>two <strong>three</strong></p>"
        '<p class="app-pre-wrap">  kept\n  lines</p><textarea>\nas typed  </textarea></body>'
    )
    assert visible_text(page) == "A title\nOne\ntwo three\n  kept\n  lines\nas typed  "
    assert words(page) == "A title One two three kept lines as typed"


def test_scripts_styles_templates_and_hidden_elements_are_not_visible_text():
    page = (
        "<head><title>Not body</title><style>p{}</style></head><body><p>Shown</p>"
        '<script>var x = "<p>";</script><template><p>Later</p></template>'
        '<div hidden>Hidden</div><p style="display: none">None</p><input type="hidden" value="v">'
        '<span class="nhsuk-u-visually-hidden">Read aloud</span></body>'
    )
    assert visible_text(page) == "Shown\nRead aloud"
    assert texts(page, "nhsuk-u-visually-hidden") == ["Read aloud"]


def test_the_nhs_components_indent_would_put_spaces_in_typed_lines_but_not_with_as_typed():
    """The components' `indent` filter adds spaces after each new line of their `html`: in
    pre-wrap text a person would see them. `as_typed` writes each line break as `&#10;`."""
    source = (
        '{% from "nhsuk/components/summary-list/macro.jinja" import summaryList %}'
        '{{ summaryList({"rows": [{"key": {"text": "Note"}, "value": {"html": value}}]}) }}'
    )
    typed = "First line\r\nSecond <line> & more"
    kept_raw = render(f"<body>{source}</body>", value=as_typed(typed).replace("&#10;", "\n"))
    assert row(kept_raw, "Note") != "First line\nSecond <line> & more"  # the indent shows
    shown = render(f"<body>{source}</body>", value=as_typed(typed))
    assert row(shown, "Note") == "First line\nSecond <line> & more"


def page_response(html: str) -> HttpResponse:
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("<p>&lt;span class=&quot;app-pre-wrap&quot;&gt;x&lt;/span&gt;</p>", "<span class="),
        ("<p>&lt;p&gt;&lt;strong&gt;The hold:&lt;/strong&gt; x&lt;/p&gt;</p>", "<p>"),
        ("<p>Northern &amp;amp; Southern</p>", "&amp;"),
        ("<p>It&amp;#39;s</p>", "&#39;"),
        ("<p>&amp;quot;quoted&amp;quot;</p>", "&quot;"),
        ("<p>c_incident_management: 1 answer</p>", "c_incident_management"),
        ("<p>Question s_cso changed</p>", "s_cso"),
    ],
)
def test_the_check_finds_markup_entities_and_question_ids_shown_as_text(html, shown):
    watch = Watch()
    watch.read("GET", "/applications/1", page_response(f"<body>{html}</body>"))
    assert shown in [finding.shown for finding in watch.found.values()]


@pytest.mark.parametrize(
    "html",
    [
        '<p class="app-pre-wrap">Fine</p><a href="/questions/s_cso" title="&lt;p&gt;">Change</a>',
        "<p>1 &lt; 2 and R&amp;D, less than &lt;5, a &lt;b and c&gt;</p>",
        "<p>This_is s_ not an id, nor is my_s_cso or xs_cso</p>",
    ],
)
def test_the_check_passes_a_page_a_person_reads_rightly(html):
    watch = Watch()
    watch.read("GET", "/applications/1", page_response(f"<body>{html}</body>"))
    assert not watch.found


def test_what_the_test_typed_may_be_shown_as_typed_and_nothing_else():
    typed = "Use <b>bold</b> &amp; s_cso\r\nplease"
    page = page_response(
        f"<body><div>{as_typed(typed)}</div><p>&lt;p&gt;not typed&lt;/p&gt;</p></body>"
    )
    watch = Watch()
    watch.type({"version": "1", "comment": [typed]})
    watch.read("POST", "/review/applications/1/request-changes", page)
    assert sorted(f.shown for f in watch.found.values()) == ["</p>", "<p>"]


def test_typed_values_are_read_from_json_query_strings_and_file_names():
    class Upload:
        name = "<b>report</b>.pdf"

    watch = Watch()
    watch.type('{"note": "&lt;typed&gt;"}')
    watch.type("q=%3Cspan+class%3D%22x%22%3E")
    watch.type({"file": Upload()})
    assert {"&lt;", "&gt;", "<span class=", "<b>", "</b>"} <= watch.allowed
    # A form's field names are not typed: the question id in one is not allowed on a page.
    watch.type({"comment-s_cso": "Give the number"})
    watch.type("comment-c_dpia=Say+who")
    assert not {"s_cso", "c_dpia"} & watch.allowed


def test_the_api_and_other_content_types_are_not_read():
    watch = Watch()
    markup = "<body><p>&lt;p&gt;</p></body>"
    watch.read("GET", "/api/v1/applications", page_response(markup))
    watch.read("GET", "/file.txt", HttpResponse(markup, content_type="text/plain"))
    assert not watch.found


def test_html_joined_to_an_escaped_value_with_tilde_is_markup_shown_as_text():
    """The defect the check is for: in autoescaped Jinja2, `~` with a Markup operand escapes the
    other side, literal tags included."""
    template = '<body>{{ "<span class=\\"app-pre-wrap\\">" ~ (note | e) ~ "</span>" }}</body>'
    page = render(template, note="x")
    watch = Watch()
    watch.read("GET", "/review/applications/1", page_response(page))
    assert {f.shown for f in watch.found.values()} == {"<span class=", "</span>"}


def test_no_template_joins_a_literal_tag_to_a_value_with_tilde():
    """Build HTML in a `{% set %}…{% endset %}` block, or with `| as_typed` (STYLE; issue 23):
    `"<p>" ~ (x | e)` shows the tag as text, and `"<p>" ~ x` does as soon as x is escaped."""
    tag = re.compile(r"<[a-zA-Z/!]")
    lexer = Environment()
    found = []
    for path in sorted(REPOSITORY.rglob("*.jinja")):
        if {"node_modules", ".venv", "build"} & set(path.relative_to(REPOSITORY).parts):
            continue
        tokens = [t for t in lexer.lex(path.read_text()) if t[1] != "whitespace"]
        for i, (line, kind, value) in enumerate(tokens):
            if kind != "operator" or value != "~":
                continue
            beside = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
            if any(k == "string" and tag.search(v) for _, k, v in beside):
                found.append(f"{path.relative_to(REPOSITORY)}:{line}")
    assert sorted(set(found)) == []


@login_not_required
def _shows_markup(request):
    return HttpResponse("<body><p>&lt;p&gt;Hello&lt;/p&gt;</p></body>")


@login_not_required
def _moved(request):
    return HttpResponseRedirect("/shown")


urlpatterns = [url_path("shown", _shows_markup), url_path("moved", _moved)]


@pytest.mark.urls("tests.test_visible_text")
@pytest.mark.shows_typed_text("<p>", "</p>")  # for the suite's own check round this one
def test_every_page_the_test_client_gets_is_read_and_each_redirect_it_follows():
    with watch_pages() as watch:
        Client().post("/moved", {"note": "<b>typed</b>"}, follow=True)
    assert [(f.method, f.path, f.shown) for f in watch.found.values()] == [
        ("GET", "/shown", "<p>"),
        ("GET", "/shown", "</p>"),
    ]
    assert {"<b>", "</b>"} <= watch.allowed
