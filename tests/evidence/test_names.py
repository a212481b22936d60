import pytest

from evidence.models import EvidenceKind
from evidence.names import download_name_make, original_name_clean
from evidence.views import content_disposition


@pytest.mark.parametrize(
    ("given", "kind", "safe"),
    [
        ("Hazard log v2.pdf", "pdf", "Hazard log v2.pdf"),
        ("C:\\Users\\me\\DPIA.DOCX", "docx", "DPIA.docx"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("scan.png", "pdf", "scan.png.pdf"),
        ("evil\u202efdp.exe", "pdf", "evilfdp.exe.pdf"),
        ("..hidden.pdf", "pdf", "hidden.pdf"),
        ("a\x00b\x1f.pdf", "pdf", "ab.pdf"),
        ('what"is:this?.jpg', "jpeg", "what_is_this_.jpg"),
        ("", "zip", "evidence.zip"),
        ("...", "odt", "evidence.odt"),
        ("x" * 300 + ".pdf", "pdf", "x" * 146 + ".pdf"),
        ("Plan d’évacuation.odt", "odt", "Plan d’évacuation.odt"),
    ],
)
def test_the_download_name_is_safe_and_keeps_a_matching_extension(given, kind, safe):
    assert download_name_make(given, EvidenceKind(kind)) == safe


def test_the_original_name_is_kept_but_for_control_characters():
    assert original_name_clean("My\x00 file\x85.pdf") == "My file.pdf"
    assert original_name_clean("../a.pdf") == "../a.pdf"


def test_content_disposition_gives_an_ascii_fallback_and_the_exact_name():
    assert content_disposition("Plan d’évacuation.odt") == (
        'attachment; filename="Plan d__vacuation.odt"; '
        "filename*=UTF-8''Plan%20d%E2%80%99%C3%A9vacuation.odt"
    )
    assert content_disposition('a"b\\c.pdf') == (
        "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
    )
