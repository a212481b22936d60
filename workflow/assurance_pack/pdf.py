"""The assurance pack's PDF summary, in the NHS look: NHS Blue headings, black text, Arial (the
NHS fallback for Frutiger) where the system has it or a metric-compatible Liberation Sans, else
the PDF's built-in Helvetica (ADR 0026)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from core.text import clean_text

NHS_BLUE = (0, 94, 184)  # #005eb8
NHS_BLACK = (33, 43, 50)  # #212b32
NHS_GREY = (77, 101, 117)  # #4c6272, secondary text
NHS_PALE_GREY = (216, 221, 224)

_FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/msttcorefonts/Arial.ttf",
        "/usr/share/fonts/truetype/msttcorefonts/Arial_Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
# Who raised a hold, as people say it (workflow.models.HoldOrigin's codes).
HOLD_RAISED_BY = {
    "rule": "a rule on the answers",
    "reviewer": "NHS England",
    "dspt_recheck": "the daily DSPT re-check",
    "certificate": "an expired certificate",
}
# Drawn where the body font has no glyph (DejaVu Sans covers Greek, Cyrillic, Hebrew, Arabic and
# many symbols that Arial and Liberation Sans do not).
_FALLBACK_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
# What no font here can draw is shown as this, never left out without a trace.
NOT_DRAWN = "?"
NOT_DRAWN_NOTE = (
    "A ? stands for a character this PDF cannot draw; application.json holds every answer exactly."
)
# What Helvetica (Latin-1 only) cannot draw, in its nearest Latin-1 spelling.
_LATIN1 = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def upload_summary(upload: dict[str, Any]) -> str:
    """A file question's status as its pages say it: "Uploaded", or "Not accepted. The file
    contains a virus and has been deleted" (evidence.status)."""
    lines = [upload["status"], upload["message"], upload["newer"]]
    return ". ".join(line for line in lines if line)


class _Summary(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(format="A4")
        self.reference = reference
        self.family = "Helvetica"
        self.unicode = False
        # Set when a character was shown as NOT_DRAWN: the summary then says so.
        self.replaced = False
        self.drawable: set[int] = set()
        for regular, bold in _FONT_CANDIDATES:
            if Path(regular).exists() and Path(bold).exists():
                self.drawable = self._add_family("Body", regular, bold)
                self.family, self.unicode = "Body", True
                break
        if self.unicode:
            for regular, bold in _FALLBACK_CANDIDATES:
                if Path(regular).exists() and Path(bold).exists():
                    self.drawable |= self._add_family("Fallback", regular, bold)
                    self.set_fallback_fonts(["Fallback"])
                    break
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)
        self.set_title(f"Stage 2 assurance pack {reference}")
        self.set_author("NHS England")

    def _add_family(self, family: str, regular: str, bold: str) -> set[int]:
        """Add the font's two styles; give the characters both can draw."""
        self.add_font(family, "", regular)
        self.add_font(family, "B", bold)
        key = family.lower()
        return set(self.fonts[key].cmap) & set(self.fonts[f"{key}B"].cmap)  # type: ignore[union-attr]

    def text_of(self, value: Any) -> str:
        text = clean_text("" if value is None else str(value)).replace("\t", " ")
        if not self.unicode:
            drawn = text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        else:
            drawn = "".join(c if c == "\n" or ord(c) in self.drawable else NOT_DRAWN for c in text)
        if drawn.count(NOT_DRAWN) > text.count(NOT_DRAWN):
            self.replaced = True
        return drawn

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 9)
        self.set_text_color(*NHS_GREY)
        self.cell(
            0, 5, self.text_of(f"{self.reference}  |  page {self.page_no()} of {{nb}}"), align="R"
        )

    def heading(self, text: str, size: int) -> None:
        self.set_font(self.family, "B", size)
        self.set_text_color(*NHS_BLUE)
        self.multi_cell(0, size * 0.5, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, text: str, *, size: int = 11, bold: bool = False, grey: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*(NHS_GREY if grey else NHS_BLACK))
        self.multi_cell(
            0, size * 0.48, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT"
        )

    def rows(self, rows: list[tuple[str, str]]) -> None:
        for key, value in rows:
            self.para(key, bold=True)
            self.para(value)
            self.ln(1.5)

    def rule(self) -> None:
        self.set_draw_color(*NHS_PALE_GREY)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)


def when(value: str | None) -> str:
    """An ISO timestamp as people read it: 29 November 2026, 08:08 UTC."""
    if not value:
        return "(unknown)"
    at = datetime.fromisoformat(value).astimezone(UTC)
    return f"{at.day} {at:%B %Y, %H:%M} UTC"


def summary_pdf(data: dict[str, Any]) -> bytes:
    pdf = _Summary(data["reference"])
    pdf.alias_nb_pages()
    pdf.add_page()
    # NHS blue band with the title, as the service's header
    pdf.set_fill_color(*NHS_BLUE)
    pdf.rect(0, 0, pdf.w, 14, style="F")
    pdf.set_y(22)
    pdf.para("NHS England  |  National Imaging Registry", size=10, grey=True)
    pdf.heading("Stage 2 Governance Assurance: assurance pack", 22)
    organisation = data["organisation"]
    product = data.get("product") or {}
    decision = data["decision"]
    submission = data["submission"]
    pdf.rows(
        [
            ("Application", data["reference"]),
            ("Organisation", f"{organisation['name']} (ODS code {organisation['ods_code']})"),
            (
                "Role",
                "Data Processor (Supplier)"
                if data["role"] == "supplier"
                else "Data Controller (End User Organisation)",
            ),
            *(
                [("Product", f"{product['name']} {product['version']}")]
                if product.get("name")
                else []
            ),
            ("Decision", f"{decision['decision']} by {decision['by']} on {when(decision['at'])}"),
            (
                "Submission",
                f"Number {submission['number']}, by {submission['submitted_by']} on "
                f"{when(submission['submitted_at'])}; SHA-256 {submission['sha256']}",
            ),
        ]
    )

    pdf.ln(2)
    pdf.heading("Holds and flags", 16)
    if not data["holds"] and not data["flags"]:
        pdf.para("No hold was raised and no answer was flagged.")
    for flag in data["flags"]:
        pdf.para(f"Flag: {flag['reason']}")
        pdf.ln(1)
    for hold in data["holds"]:
        state = (
            f"lifted {when(hold['lifted_at'])}: {hold['lift_reason']}"
            if hold["lifted_at"]
            else "open"
        )
        by = HOLD_RAISED_BY.get(hold["origin"], hold["origin"])
        pdf.para(f"Hold raised by {by} on {when(hold['raised_at'])}: {hold['reason']}")
        pdf.para(state.capitalize(), grey=True, size=10)
        pdf.ln(1)

    pdf.ln(2)
    pdf.heading("Answers", 16)
    for answer in data["answers"]:
        pdf.rule()
        pdf.para(f"{answer['number']}. {answer['wording']}", bold=True)
        pdf.ln(1)
        pdf.para("\n".join(answer["answer"]) or "(no answer)")
        pdf.para(
            f"Answered by {answer['answered_by']} on {when(answer['answered_at'])}",
            size=9,
            grey=True,
        )
        pdf.ln(2)

    for upload in data["uploads"]:
        pdf.rule()
        pdf.para(f"{upload['number']}. {upload['title']}", bold=True)
        pdf.ln(1)
        file = upload["file"]
        if file is not None:
            pdf.para(f"{file['name']} (revision {file['revision']})")
        pdf.para(upload_summary(upload))
        pdf.ln(2)

    pdf.heading("Attestations", 16)
    if not data["attestations"]:
        pdf.para("No answer needed an attestation.")
    for item in data["attestations"]:
        pdf.para(f"Question {item['number']}: {item['statement']}")
        pdf.para(
            f"Attested by {item['name']}, {item['role']} ({item['attested_by']}), on "
            f"{when(item['attested_at'])}, of answer revision {item['answer_revision']}; asked "
            f"by {item['requested_by']}",
            size=9,
            grey=True,
        )
        if item["same_person"]:
            pdf.para(item["same_person"], bold=True)
        pdf.ln(1)
    pdf.ln(2)

    pdf.heading("Evidence", 16)
    if not data["evidence"]:
        pdf.para("No files were sent.")
    for item in data["evidence"]:
        pdf.para(
            f"{item['name']} (revision {item['revision']}, {item['size']} bytes, "
            f"{item['scan_status']})"
        )
        pdf.para(f"SHA-256 {item['sha256']}", size=9, grey=True)
        pdf.ln(1)
    pdf.ln(2)
    if pdf.replaced:
        pdf.para(NOT_DRAWN_NOTE, size=9, grey=True)
    pdf.para(
        "This summary is one part of a signed pack. The manifest lists the SHA-256 of every part "
        "and evidence file; manifest.sig is its Ed25519 signature. Check it with "
        "`manage.py verify_pack` or the key published at /.well-known/nir-assurance-pack-key.pem.",
        size=9,
        grey=True,
    )
    return bytes(pdf.output())
