"""docs/notifications.md shows each template as the code has it, for pasting into Notify."""

from pathlib import Path

import pytest

from notifications.templates import TEMPLATES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_doc_shows_each_templates_fields_subject_and_body(name):
    template = TEMPLATES[name]
    fields = ", ".join(f"`{field}`" for field in template.fields)
    assert f"Notify template id: `{template.notify_setting}`. Personalisation: {fields}." in DOC
    assert f"```text\n{template.subject}\n```" in DOC
    assert f"```text\n{template.body}\n```" in DOC
