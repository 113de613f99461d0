#!/usr/bin/env python3
"""Build the Word templates `idp.docx` and `agreement.docx` that `--format docx` fills in.

    python templates/build_docx_templates.py            # writes templates/*.docx

The .docx files are committed: HR may open and restyle them in Word (fonts, logo, spacing,
wording). The placeholders are docxtpl's Jinja tags: `{{ person.name }}` inline,
`{%p for ... %}` / `{%p endfor %}` alone in a paragraph to repeat paragraphs, and
`{%tr for ... %}` / `{%tr endfor %}` alone in a table row to repeat rows. Keep each tag in one
piece when editing (Word may split a tag typed in several goes into runs; retype it in one go).
Values are XML-escaped when rendered. The fields are the same as for the HTML templates.

Needs python-docx (installed with `pip install 'ladderctl[docx]'`). The output is
reproducible: fixed document properties and zip dates.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from ladderctl.render import _reproducible_zip

HERE = Path(__file__).resolve().parent
ACCENT = RGBColor(0x1F, 0x5F, 0x8B)
FIXED_DATE = datetime(2026, 1, 1)


def new_document(title: str) -> Any:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.7))
    section.top_margin, section.bottom_margin = Inches(0.75), Inches(0.75)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 13), ("Heading 2", 11)):
        style = doc.styles[name]
        style.font.color.rgb = ACCENT
        style.font.size = Pt(size)
    properties = doc.core_properties
    properties.title = title
    properties.author = "ladderctl"
    properties.last_modified_by = "ladderctl"
    properties.created = properties.modified = properties.last_printed = FIXED_DATE
    properties.revision = 1
    properties.comments = "Template for ladderctl render; placeholders are docxtpl (Jinja) tags."
    return doc


def field(paragraph: Any, instruction: str) -> None:
    """A Word field such as PAGE or NUMPAGES (Word updates it when printing)."""
    element = OxmlElement("w:fldSimple")
    element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    element.append(run)
    paragraph._p.append(element)


def running_header(doc: Any, left: str, right: str, footer_left: str) -> None:
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    run = header.add_run(left + "\t" + right)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x5A, 0x66, 0x75)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    run = footer.add_run(footer_left + "\tPage ")
    run.font.size = Pt(8)
    field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8)
    field(footer, "NUMPAGES")


def label_value(doc: Any, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, (1.9, 5.2), strict=True):
        column.width = Inches(width)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Inches(1.9), Inches(5.2)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)


def repeated_rows(
    doc: Any, headers: list[str], loop: str, cells: list[str], widths: list[float] | None = None
) -> Any:
    """A table: a header row, then one row per item (`{%tr for ... %}` ... `{%tr endfor %}`).

    `widths` in inches, one per column (default: equal).
    """
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    if widths is not None:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Inches(width)  # the grid: what LibreOffice reads
        for row in table.rows:  # each cell: what Word reads
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Inches(width)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
        cant_split(table.rows[2])
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    return table


def repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def cant_split(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:cantSplit")) is None:
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        properties.append(element)


def bullets(doc: Any, loop: str, item: str, empty: str = "") -> None:
    doc.add_paragraph(f"{{%p {loop} %}}")
    doc.add_paragraph(item, style="List Bullet")
    if empty:
        doc.add_paragraph("{%p else %}")
        doc.add_paragraph(empty, style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def prompt(doc: Any, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.italic = True
    run.font.color.rgb = RGBColor(0x5A, 0x66, 0x75)


def signatures(doc: Any) -> None:
    doc.add_paragraph("{%p for s in signatures %}")
    line = doc.add_paragraph()
    line.paragraph_format.space_before = Pt(24)
    line.paragraph_format.keep_with_next = True  # the line and who signs it stay together
    line.add_run("_" * 48)
    who = doc.add_paragraph()
    who.add_run("{{ s.role_title }}: ").bold = True
    who.add_run("{{ s.name or '' }}    Date: {{ s.date or '______________' }}")
    who.add_run("{% if s.signed %}    (signature on file){% endif %}").italic = True
    doc.add_paragraph("{%p endfor %}")


def build_idp() -> Any:
    doc = new_document("Individual Development Plan")
    running_header(
        doc,
        "{{ title }}: {{ person.name }}",
        "{{ period.start }} to {{ period.end }}",
        "{{ id }} · ladder context as of {{ ladder.as_of }}",
    )
    doc.add_paragraph("{{ title }}", style="Title")
    prompt(doc, "{{ subtitle }} · plan {{ id }}")
    note = doc.add_paragraph(style="Intense Quote")
    note.add_run("An IDP is not a PIP. ").bold = True
    note.add_run("{{ note }}")

    doc.add_heading("Employee", level=1)
    label_value(
        doc,
        [
            ("Name", "{{ person.name }}"),
            ("Position", "{{ person.position }}"),
            ("Career ladder", "{{ person.ladder.title }}"),
            ("Level", "{{ person.level.title }}"),
            ("Manager", "{{ manager.name }}"),
            ("Site", "{{ person.site or '—' }}"),
            ("Plan period", "{{ period.start }} to {{ period.end }}"),
            ("Working toward", "{{ target.title if target else '—' }}"),
        ],
    )

    doc.add_heading("Ladder context (as of {{ ladder.as_of }})", level=1)
    doc.add_paragraph().add_run("{{ ladder.summary }}").bold = True
    doc.add_paragraph("{%p if ladder.note %}")
    prompt(doc, "{{ ladder.note }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if ladder.requirements %}")
    repeated_rows(
        doc,
        ["Requirement", "Status", "What would satisfy it"],
        "for item in ladder.requirements",
        ["{{ item.description }}", "{{ item.status_text }}", "{{ item.needed or '' }}"],
        [3.0, 1.2, 2.9],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if ladder.eligible_on %}")
    doc.add_paragraph("Eligible on {{ ladder.eligible_on }} if nothing else changes.")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Section 1: Career Aspirations", level=1)
    prompt(doc, "What are your professional goals? Where do you see yourself in the future?")
    bullets(doc, "for aspiration in aspirations", "{{ aspiration }}")

    doc.add_heading("Section 2: Strengths & Development Areas", level=1)
    prompt(doc, "What are your greatest assets, and what new skills or knowledge will you need?")
    doc.add_heading("Strengths", level=2)
    bullets(doc, "for strength in strengths", "{{ strength }}", "(none recorded)")
    doc.add_heading("Development areas", level=2)
    bullets(doc, "for area in development_areas", "{{ area }}", "(none recorded)")

    doc.add_heading("Section 3: SMART Developmental Objectives", level=1)
    repeated_rows(
        doc,
        ["#", "Objective", "Measure of success", "Due", "Status", "Ladder criterion"],
        "for o in objectives",
        [
            "{{ loop.index }}",
            "{{ o.description }}",
            "{{ o.measure }}",
            "{{ o.due }}",
            "{{ o.status_text }}",
            "{% if o.criterion %}{{ o.criterion.description or o.criterion.id }}"
            "{% if o.criterion.status_text %} ({{ o.criterion.status_text }}){% endif %}"
            "{% endif %}",
        ],
        [0.3, 1.8, 1.6, 1.0, 0.9, 1.5],
    )

    doc.add_heading("Section 4: Action Plan & Manager's Commitment", level=1)
    doc.add_heading("Employee steps", level=2)
    repeated_rows(
        doc,
        ["Step", "Due", "Done"],
        "for s in actions.employee",
        ["{{ s.step }}", "{{ s.due or '' }}", "{{ '☑' if s.done else '☐' }}"],
        [5.2, 1.2, 0.7],
    )
    doc.add_heading("Manager's commitments", level=2)
    repeated_rows(
        doc,
        ["Commitment", "Due", "Done"],
        "for c in actions.manager",
        ["{{ c.commitment }}", "{{ c.due or '' }}", "{{ '☑' if c.done else '☐' }}"],
        [5.2, 1.2, 0.7],
    )

    doc.add_heading("Quarterly review log", level=1)
    repeated_rows(
        doc,
        ["Quarter", "Date", "Reviewed by", "Progress", "Notes"],
        "for r in reviews",
        [
            "{% if r.quarter %}{{ r.quarter }} ({{ r.quarter_start }} to {{ r.quarter_end }})"
            "{% else %}outside the plan period{% endif %}",
            "{{ r.date or '' }}",
            "{{ r.by or '' }}",
            "{{ 'no review recorded' if r.missed else (r.progress or '') }}",
            "{{ r.notes or '' }}",
        ],
        [1.5, 1.0, 1.2, 1.0, 2.4],
    )

    doc.add_heading("Signatures", level=1)
    signatures(doc)
    doc.add_paragraph("{%p if generated %}")
    prompt(doc, "Generated {{ generated }}.")
    doc.add_paragraph("{%p endif %}")
    return doc


def build_agreement() -> Any:
    doc = new_document("Mentorship Agreement")
    running_header(
        doc,
        "{{ title }}: {{ mentor.name }} and {{ mentee.name }}",
        "{{ period.start }}{% if period.end %} to {{ period.end }}{% endif %}",
        "{{ id }} · {{ program.title }}",
    )
    doc.add_paragraph("{{ title }}", style="Title")
    prompt(doc, "{{ program.title }} · agreement {{ id }}")
    label_value(
        doc,
        [
            ("Mentor", "{{ mentor.name }}, {{ mentor.position }}"),
            ("Mentee", "{{ mentee.name }}, {{ mentee.position }}"),
            (
                "Partnership",
                "{{ period.start }}{% if period.end %} to {{ period.end }}{% endif %}",
            ),
            (
                "Program cycle",
                "{% if program.cycle %}{{ program.cycle.start }} to {{ program.cycle.end }}"
                "{% endif %}",
            ),
            ("Matching committee", "{{ program.committee | join(', ') }}"),
        ],
    )
    doc.add_paragraph(
        "A mentor focuses on the mentee's long-term career and professional growth. This "
        "partnership does not replace the manager (current performance) or a preceptor (a "
        "specific skill).",
        style="Intense Quote",
    )

    doc.add_heading("1. Confidentiality", level=1)
    doc.add_paragraph(
        "{% if confidentiality.agreed %}We agree that what we discuss stays between the two of "
        "us, with these exceptions, which either of us may raise with the right person:"
        "{% else %}We have not yet agreed on confidentiality. Until we do, these matters are "
        "always raised with the right person:{% endif %}"
    )
    bullets(doc, "for e in confidentiality.exceptions", "{{ e.text }}", "(no exceptions listed)")

    doc.add_heading("2. Meetings", level=1)
    doc.add_paragraph(
        "We meet {{ meetings.frequency_text }} for {{ meetings.minutes }} minutes, "
        "{{ meetings.mode_text }}. The mentee drives the agenda and comes prepared; either of "
        "us may move a meeting with notice."
    )

    doc.add_heading("3. Initial goals", level=1)
    repeated_rows(
        doc,
        ["#", "Goal", "Linked IDP objective"],
        "for g in goals",
        [
            "{{ loop.index }}",
            "{{ g.description }}",
            "{% if g.idp_objective %}{% if g.idp_objective.found %}"
            "{{ g.idp_objective.description }} (due {{ g.idp_objective.due }}, "
            "{{ g.idp_objective.status_text }}){% else %}{{ g.idp_objective.ref }} (not found)"
            "{% endif %}{% endif %}",
        ],
        [0.3, 3.4, 3.4],
    )

    doc.add_heading("4. Check-ins with the program", level=1)
    doc.add_paragraph("{%p if check_ins.every_months %}")
    doc.add_paragraph(
        "The program committee checks in with us every {{ check_ins.every_months }} months."
    )
    doc.add_paragraph("{%p endif %}")
    repeated_rows(
        doc,
        ["#", "Planned", "Held on", "By", "Status", "Notes"],
        "for c in check_ins.schedule",
        [
            "{{ c.number or '' }}",
            "{{ c.planned or '' }}",
            "{{ c.date or '' }}",
            "{{ c.by_name or '' }}",
            "{{ c.status_text or '' }}",
            "{{ c.notes or '' }}",
        ],
        [0.3, 1.0, 1.0, 1.3, 0.9, 2.6],
    )

    doc.add_heading("5. Ending the partnership", level=1)
    doc.add_paragraph("{{ termination.text }}")

    doc.add_heading("Signatures", level=1)
    signatures(doc)
    doc.add_paragraph("{%p if generated %}")
    prompt(doc, "Generated {{ generated }}.")
    doc.add_paragraph("{%p endif %}")
    return doc


def save(doc: Any, path: Path) -> None:
    import io

    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_reproducible_zip(buffer.getvalue()))
    print(f"wrote {path}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    save(build_idp(), args.out / "idp.docx")
    save(build_agreement(), args.out / "agreement.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
