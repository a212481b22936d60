"""What a person sees on a page: its visible text, read with a real HTML parser.

A test that looks for words in a page's source, or that strips tags and then unescapes, passes
when the page shows markup as text: `&lt;span class="app-pre-wrap"&gt;Give the number` contains
the comment, and unescaping it turns the shown markup back into something a substring check
accepts (issue 23, item 4). These helpers read a page as a browser renders it: the HTML parsed
once, entities decoded exactly once, scripts, styles, templates and hidden elements dropped,
white space collapsed as CSS collapses it except where the page keeps it (`<pre>`, `<textarea>`,
`app-pre-wrap`), and a line break for `<br>` and between blocks.

- `visible_text(page)`: the page's text with its line breaks, as `innerText` gives it.
- `words(page)`: the same, every run of white space one space: for "is this phrase shown?".
- `row(page, key)`: the value of the one summary-list row whose key reads `key`, exactly as
  shown, so `row(page, "Your comment") == comment` holds for a comment with `<`, `&`, quotes
  and a new line, and fails when the row shows markup, another value or nothing.
- `texts(page, class_name)`: the visible text of each element with that class.

`page` is a test client response, or a page's HTML as a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

# Elements a browser never renders as text.
NOT_RENDERED = frozenset({"head", "script", "style", "template", "noembed", "iframe", "object"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
# Elements that start and end a line (CSS `display: block`, `list-item`, `table-row` and the like).
BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
# Table cells sit side by side: a browser's innerText puts a tab between them.
CELL = frozenset({"td", "th"})
# Elements whose white space is shown as typed.
PRESERVED = frozenset({"pre", "textarea", "listing", "plaintext"})
PRESERVING_CLASSES = frozenset({"app-pre-wrap"})
# Where an element ends without its end tag (the parser does not infer these as a browser does).
CLOSED_BY = {
    "p": BLOCK | {"table"},
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "tr": frozenset({"tr"}),
    "td": frozenset({"td", "th", "tr"}),
    "th": frozenset({"td", "th", "tr"}),
    "option": frozenset({"option", "optgroup"}),
}
WHITE_SPACE = re.compile(r"[ \t\n\r\f]+")
DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> frozenset[str]:
        return frozenset((self.attrs.get("class") or "").split())

    @property
    def hidden(self) -> bool:
        """Hidden from everyone: not rendered, so not visible text (visually hidden text, which
        a screen reader reads, is rendered and stays)."""
        if self.tag in NOT_RENDERED or "hidden" in self.attrs:
            return True
        if self.tag == "input" and (self.attrs.get("type") or "").lower() == "hidden":
            return True
        return bool(DISPLAY_NONE.search(self.attrs.get("style") or ""))

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while self.current.tag in CLOSED_BY and tag in CLOSED_BY[self.current.tag]:
            self._close(self.current.tag)
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def _close(self, tag: str) -> None:
        open_element: Element | None = self.current
        while open_element is not None and open_element.tag != tag:
            open_element = open_element.parent
        if open_element is not None and open_element.parent is not None:
            self.current = open_element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: Any) -> Element:
    """The page's document tree. `page` is a response or HTML text."""
    html = page if isinstance(page, str) else page.content.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def rendered(element: Element) -> str:
    """The element's text as a browser renders it (after the `innerText` algorithm): hidden
    parts dropped, white space collapsed except where it is kept, line breaks for `<br>` and
    between blocks, the ends trimmed."""
    out: list[tuple[str, str]] = []
    _render(element, out, preserve=False)
    return _finish(out)


# What rendering puts out, in order: text (white space collapsed), text kept as typed, a line
# break the page asks for (<br>), the edge of a block (a line break if text is either side), and
# the start of a table cell (a tab after the cell before it).
_TEXT, _KEPT, _BR, _BLOCK, _CELL = "text", "kept", "br", "block", "cell"


def _render(element: Element, out: list[tuple[str, str]], *, preserve: bool) -> None:
    if element.hidden:
        return
    tag = element.tag
    if tag == "br":
        out.append((_BR, ""))
        return
    preserve = preserve or tag in PRESERVED or bool(element.classes & PRESERVING_CLASSES)
    block = tag in BLOCK
    if block:
        out.append((_BLOCK, ""))
    elif tag in CELL:
        out.append((_CELL, ""))
    first = True
    for child in element.children:
        if isinstance(child, Element):
            _render(child, out, preserve=preserve)
        elif preserve:
            # A browser drops the one new line that follows <pre> or <textarea> at once.
            if first and tag in PRESERVED and child.startswith("\n"):
                child = child[1:]
            out.append((_KEPT, child))
        else:
            out.append((_TEXT, WHITE_SPACE.sub(" ", child)))
        first = False
    if block:
        out.append((_BLOCK, ""))


def _finish(parts: list[tuple[str, str]]) -> str:
    text: list[tuple[bool, str]] = []  # (kept as typed, text)
    pending_break = False  # a block's edge not yet written
    at_line_start = True
    for kind, chunk in parts:
        if kind == _BLOCK:
            pending_break = pending_break or not at_line_start
            continue
        if kind == _CELL:
            if not at_line_start:
                _trim_collapsed_space(text)
                text.append((False, "\t"))
            continue
        if kind == _BR:
            _trim_collapsed_space(text)
            text.append((False, "\n"))
            pending_break, at_line_start = False, True
            continue
        if kind == _TEXT:
            after_space = bool(text) and not text[-1][0] and text[-1][1].endswith((" ", "\t"))
            if at_line_start or pending_break or after_space:
                chunk = chunk.lstrip(" ")
        if not chunk:
            continue
        if pending_break:
            _trim_collapsed_space(text)
            text.append((False, "\n"))
            pending_break = False
        text.append((kind == _KEPT, chunk))
        at_line_start = chunk.endswith("\n")
    _trim_collapsed_space(text)
    return "".join(chunk for _, chunk in text).strip("\n")


def _trim_collapsed_space(text: list[tuple[bool, str]]) -> None:
    """Drop a collapsed space at the end of a line (white space the page kept stays)."""
    while text and not text[-1][0] and text[-1][1].endswith((" ", "\t")):
        trimmed = text[-1][1].rstrip(" \t")
        if trimmed:
            text[-1] = (False, trimmed)
            break
        text.pop()


def _root(page: Any) -> Element:
    return page if isinstance(page, Element) else parse(page)


def body_of(root: Element) -> Element:
    return next((e for e in root.iter() if e.tag == "body"), root)


def visible_text(page: Any) -> str:
    """The page's text as a browser shows it, line breaks kept (the `<title>` is not in it)."""
    return rendered(body_of(_root(page)))


def words(page: Any) -> str:
    """The page's visible text with every run of white space one space."""
    return " ".join(visible_text(page).split())


def title(page: Any) -> str:
    """The page's `<title>`, which the browser shows in its tab."""
    element = next((e for e in _root(page).iter() if e.tag == "title"), None)
    if element is None:
        return ""
    return " ".join("".join(c for c in element.children if isinstance(c, str)).split())


def with_class(page: Any, class_name: str) -> list[Element]:
    return [e for e in body_of(_root(page)).iter() if class_name in e.classes]


def texts(page: Any, class_name: str) -> list[str]:
    """The visible text of each element with the class, in the page's order."""
    return [rendered(e) for e in with_class(page, class_name) if not _in_hidden(e)]


def rows(page: Any, key: str) -> list[str]:
    """The value of every summary-list row whose key reads `key`, as shown."""
    found = []
    for row_element in with_class(page, "nhsuk-summary-list__row"):
        if _in_hidden(row_element):
            continue
        cells = {
            name: e
            for e in row_element.iter()
            for name in ("nhsuk-summary-list__key", "nhsuk-summary-list__value")
            if name in e.classes
        }
        key_cell = cells.get("nhsuk-summary-list__key")
        if key_cell is not None and " ".join(rendered(key_cell).split()) == key:
            found.append(rendered(cells["nhsuk-summary-list__value"]))
    return found


def row(page: Any, key: str) -> str:
    """The value of the one summary-list row whose key reads `key`, exactly as shown."""
    found = rows(page, key)
    assert len(found) == 1, f"{len(found)} summary-list rows read {key!r}: {found!r}"
    return found[0]


def _in_hidden(element: Element) -> bool:
    node: Element | None = element
    while node is not None:
        if node.hidden:
            return True
        node = node.parent
    return False
