"""Text a person typed, shown as they typed it: escaped once, its line breaks kept."""

from markupsafe import Markup, escape


def as_typed(value: object) -> Markup:
    """`value` escaped, in `<span class="app-pre-wrap">` (CSS `white-space: pre-wrap`), so that
    its line breaks and spaces show as typed.

    Each line break is written as the character reference `&#10;`, which a browser reads as the
    same line break: the NHS.UK components put their `html` parameter through Jinja2's `indent`
    filter, which adds spaces after every new line in the source, and in pre-wrap text those
    spaces would show at the start of each typed line. A carriage return (browsers send CRLF
    from a textarea) is one line break, not two."""
    text = "" if value is None else str(value)
    lines = escape(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return Markup('<span class="app-pre-wrap">{}</span>').format(Markup("&#10;").join(lines))
