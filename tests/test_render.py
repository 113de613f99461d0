"""`ladderctl render-idp` / `render-agreement`: every example renders, the ladder context is
computed, templates are sandboxed and strict, every format escapes, output is reproducible and
never overwrites a differing file without --force."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLES, Result, write_tree
from ladderctl.cli import app
from ladderctl.render import (
    NoPlan,
    Paperwork,
    TemplateProblem,
    UnknownRecord,
    escape_markdown,
    idp_context,
    render_document,
)
from ladderctl.repository import load_valid_repository

Run = Callable[..., Result]

PLANS = sorted(p.stem for p in (EXAMPLES / "plans").glob("*.yaml"))
AGREEMENTS = sorted(p.stem for p in (EXAMPLES / "agreements").glob("*.yaml"))
EVIL = "Ana <script>alert(1)</script> & Co | x"


@pytest.fixture(autouse=True, scope="module")
def _registered() -> Iterator[None]:
    """Add the render commands to the app, unless `ladderctl.cli` already does."""
    names = {command.name for command in app.registered_commands}
    before = len(app.registered_commands)
    if "render-idp" not in names:
        from ladderctl.cli import render

        render.register(app)
    yield
    del app.registered_commands[before:]


def render(run: Run, command: str, *args: str | Path, expect: int | None = 0) -> Result:
    return run(command, "--repo", EXAMPLES, "--as-of", AS_OF, *args, expect=expect)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The examples, copied so a test can change them."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "dept"))


@pytest.fixture
def evil_repo(repo_copy: Path) -> Path:
    """The examples with Kayla Morrison renamed to a name full of markup."""
    staff = repo_copy / "staff" / "kayla-morrison.yaml"
    text = staff.read_text(encoding="utf-8")
    staff.write_text(text.replace("name: Kayla Morrison", f'name: "{EVIL}"'), encoding="utf-8")
    return repo_copy


def test_examples_have_plans_and_agreements() -> None:
    assert len(PLANS) >= 5
    assert len(AGREEMENTS) >= 4


# --- every example, md and html -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("plan", PLANS)
def test_every_example_idp_renders(run: Run, plan: str, fmt: str) -> None:
    out = render(run, "render-idp", plan, "--format", fmt).stdout
    for heading in (
        "Section 1: Career Aspirations",
        "Section 2: Strengths",
        "Section 3: SMART Developmental Objectives",
        "Section 4: Action Plan",
        "Quarterly review log",
        "Signatures",
        "not a performance improvement plan (PIP)",
        "Ladder context",
    ):
        assert heading in out
    assert plan in out
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>")
        assert "@page" in out
        assert "break-inside: avoid" in out
        assert "http://" not in out and "https://" not in out  # no external resources


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("agreement", AGREEMENTS)
def test_every_example_agreement_renders(run: Run, agreement: str, fmt: str) -> None:
    out = render(run, "render-agreement", agreement, "--format", fmt).stdout
    for text in (
        "Confidentiality",
        "a risk to patient safety",
        "Meetings",
        "Initial goals",
        "Check-ins with the program",
        "Ending the partnership",
        "Signatures",
        "Riverside Health Pharmacy Mentorship Program, 2026 cycle",
    ):
        assert text in out


# --- content --------------------------------------------------------------------------------


def test_ladder_context_names_the_gaps(run: Run) -> None:
    out = render(run, "render-idp", "kayla-morrison").stdout
    assert (
        "To reach Pharmacy Technician III: completed a train-the-trainer or precepting course; "
        "independently solves complex issues (e.g. resolves ADC discrepancies)."
    ) in out
    assert "| Completed a train-the-trainer or precepting course | not met |" in out
    # An objective linked to a ladder criterion shows that criterion's status.
    assert "Independently solves complex issues (e.g. resolves ADC discrepancies) (needs" in out


def test_ladder_context_time_based_item_has_its_date(run: Run) -> None:
    out = render(run, "render-idp", "sofia-mendes").stdout
    assert re.search(r"To reach New Manager / Supervisor: .*, on 2027-04-06\.", out), out


def test_review_log_has_empty_rows_for_quarters_to_come(run: Run) -> None:
    out = render(run, "render-idp", "kayla-morrison").stdout
    assert "| Q3 (2026-08-01 to 2026-10-31) | 2026-10-20 | Luis Hernandez | On track |" in out
    assert "| Q4 (2026-11-01 to 2027-01-31) | | | | |" in out


def test_review_log_marks_missed_quarters_and_blank_future_ones(tmp_path: Path) -> None:
    root = _mini_with_plan(tmp_path, reviews="")
    paperwork = Paperwork.from_documents(
        load_valid_repository(root, as_of=date(2026, 8, 15)).documents
    )
    context = idp_context(
        paperwork.find_plan("ann", as_of=date(2026, 8, 15)), paperwork, as_of=date(2026, 8, 15)
    )
    rows = [(r["quarter"], r["missed"], r["upcoming"]) for r in context["reviews"]]
    assert rows == [
        ("Q1", True, False),
        ("Q2", True, False),
        ("Q3", False, True),
        ("Q4", False, True),
    ]
    text = render_document("idp", context, fmt="md").decode()
    assert "| Q3 (2026-07-01 to 2026-09-30) | | | | |" in text
    assert "| Q1 (2026-01-01 to 2026-03-31) | | | no review recorded | |" in text


def test_agreement_goals_link_idp_objectives_and_check_ins_are_scheduled(run: Run) -> None:
    out = render(run, "render-agreement", "carmen-diaz:kayla-morrison").stdout
    assert (
        "| 1 | Learn the buyer role end to end (wholesaler ordering, contracts, returns, "
        "shortages). | Shadow the department buyer monthly and place wholesaler orders under "
        "supervision. (due 2027-01-14, in progress) |"
    ) in out
    # Every 3 months from 2026-02-02 within the agreement (ends 2027-01-14).
    planned = re.findall(r"^\| \d \| (\d{4}-\d\d-\d\d) \|", out, flags=re.MULTILINE)
    assert planned == ["2026-05-02", "2026-08-02", "2026-11-02"]
    assert "by giving 14 days' notice" in out
    assert "| Program coordinator | Priya Raman | signed | 2026-01-30 |" in out


def test_person_with_several_plans_gets_the_current_one_else_the_latest(tmp_path: Path) -> None:
    root = _mini_with_plan(tmp_path, reviews="")
    later = (root / "plans" / "idp-ann-2026.yaml").read_text(encoding="utf-8")
    later = later.replace("idp-ann-2026", "idp-ann-2027").replace("2026-", "2027-")
    (root / "plans" / "idp-ann-2027.yaml").write_text(later, encoding="utf-8")
    docs = load_valid_repository(root, as_of=date(2026, 5, 1)).documents
    paperwork = Paperwork.from_documents(docs)
    assert paperwork.find_plan("ann", as_of=date(2026, 5, 1))["id"] == "idp-ann-2026"
    assert paperwork.find_plan("ann", as_of=date(2027, 5, 1))["id"] == "idp-ann-2027"
    assert paperwork.find_plan("ann", as_of=date(2030, 1, 1))["id"] == "idp-ann-2027"
    assert paperwork.find_plan("ann", as_of=date(2020, 1, 1))["id"] == "idp-ann-2027"
    with pytest.raises(NoPlan, match="Bo Boss"):
        paperwork.find_plan("boss", as_of=date(2026, 5, 1))
    with pytest.raises(UnknownRecord, match="did you mean ann"):
        paperwork.find_plan("anne", as_of=date(2026, 5, 1))


# --- safety: strict, sandboxed, escaped ----------------------------------------------------


def _template_dir(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "my-templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_missing_field_fails_naming_template_line_and_field(run: Run, tmp_path: Path) -> None:
    folder = _template_dir(
        tmp_path, "idp.md.j2", "Hello {{ person.name }}\n{{ person.nickname }}\n"
    )
    out = tmp_path / "out.md"
    result = render(
        run, "render-idp", "kayla-morrison", "--template-dir", folder, "--out", out, expect=2
    )
    assert "idp.md.j2:2:" in result.stderr
    assert "person.nickname" in result.stderr
    assert not out.exists()


def test_sandbox_violation_fails_cleanly(run: Run, tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "agreement.md.j2", "{{ ''.__class__.__mro__ }}\n")
    result = render(
        run, "render-agreement", "carmen-diaz:kayla-morrison", "--template-dir", folder, expect=2
    )
    assert "agreement.md.j2:1:" in result.stderr
    assert "sandbox" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_sandbox_is_immutable(tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "idp.md.j2", "{{ aspirations.append('x') }}\n")
    with pytest.raises(TemplateProblem, match="sandbox"):
        render_document("idp", {"aspirations": []}, fmt="md", template_dirs=[folder])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n{% for x in %}\n", r"idp\.html\.j2:2: syntax error"),
        ("{{ id | shout }}\n", r"idp\.html\.j2:1: .*No filter named 'shout'"),
        ("{{ 1 / 0 }}\n", r"idp\.html\.j2:1: error while rendering \(ZeroDivisionError\)"),
    ],
)
def test_broken_template_is_one_clear_error(
    run: Run, tmp_path: Path, text: str, expected: str
) -> None:
    folder = _template_dir(tmp_path, "idp.html.j2", text)
    result = render(
        run, "render-idp", "kayla-morrison", "-f", "html", "--template-dir", folder, expect=2
    )
    assert re.search(expected, result.stderr), str(result)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a | b", r"a \| b"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("*x* _y_ `z` [l](u) <b> > q", r"\*x\* \_y\_ \`z\` \[l\](u) \<b\> \> q"),
        ("two\nlines", "two<br>lines"),
        ("&amp; stays literal, & too", r"\&amp; stays literal, & too"),
    ],
)
def test_markdown_escaping(value: str, expected: str) -> None:
    assert str(escape_markdown(value)) == expected


def test_markup_in_a_name_shows_literally_in_markdown(run: Run, evil_repo: Path) -> None:
    from markdown_it import MarkdownIt

    out = run(
        "render-idp", "kayla-morrison", "--repo", evil_repo, "--as-of", AS_OF, expect=0
    ).stdout
    assert "<script>" not in out
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<script>" not in html
    literal = "Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co | x"
    assert f"<td>{literal}</td>" in html  # one table cell, not split at the '|'
    assert f"<h1>Individual Development Plan: {literal}</h1>" in html


@pytest.mark.parametrize(
    "command", ["render-idp kayla-morrison", "render-agreement agr-2026-carmen-diaz-kayla-morrison"]
)
def test_markup_in_a_name_is_escaped_in_html(run: Run, evil_repo: Path, command: str) -> None:
    out = run(
        *command.split(), "-f", "html", "--repo", evil_repo, "--as-of", AS_OF, expect=0
    ).stdout
    assert "<script" not in out
    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co | x" in out
    assert out.count("</style>") == 1  # the CSS footer text cannot close the style element


def test_markup_in_a_name_is_escaped_in_docx(run: Run, evil_repo: Path, tmp_path: Path) -> None:
    pytest.importorskip("docxtpl")
    out = tmp_path / "kayla.docx"
    args = ["-f", "docx", "-o", out, "--repo", evil_repo, "--as-of", AS_OF]
    run("render-idp", "kayla-morrison", *args, expect=0)
    with zipfile.ZipFile(out) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        header = "".join(
            docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header")
        )
    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co | x" in xml
    assert "<script>" not in xml
    assert "Ana &lt;script&gt;" in header
    import docx as python_docx

    document = python_docx.Document(str(out))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert EVIL in cells


def test_markup_in_a_name_is_plain_text_in_pdf(run: Run, evil_repo: Path, tmp_path: Path) -> None:
    pytest.importorskip("typst")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    import subprocess

    out = tmp_path / "kayla.pdf"
    args = ["-f", "pdf", "-o", out, "--repo", evil_repo, "--as-of", AS_OF]
    run("render-idp", "kayla-morrison", *args, expect=0)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert EVIL in text


# --- reproducible, atomic, never overwrite ---------------------------------------------------


FORMATS = ["md", "html", "docx", "pdf"]


def _needs(fmt: str) -> None:
    if fmt == "docx":
        pytest.importorskip("docxtpl")
    if fmt == "pdf":
        pytest.importorskip("typst")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_byte_identical_for_identical_input(run: Run, tmp_path: Path, fmt: str) -> None:
    _needs(fmt)
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    render(run, "render-idp", "kayla-morrison", "-f", fmt, "-o", first)
    render(run, "render-idp", "kayla-morrison", "-f", fmt, "-o", second)
    assert first.read_bytes() == second.read_bytes()
    if fmt == "docx":
        with zipfile.ZipFile(first) as docx:
            assert {i.date_time for i in docx.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            core = docx.read("docProps/core.xml").decode()
        assert "2026-11-21T00:00:00Z" in core


def test_stamp_adds_the_time(run: Run) -> None:
    out = render(run, "render-idp", "kayla-morrison", "--stamp").stdout
    assert re.search(r"\*Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\*", out)
    assert "Generated" not in render(run, "render-idp", "kayla-morrison").stdout


def test_differing_file_is_kept_without_force(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "kayla.md"
    out.write_text("signed copy, do not touch\n", encoding="utf-8")
    result = render(run, "render-idp", "kayla-morrison", "-o", out, expect=1)
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "signed copy, do not touch\n"
    render(run, "render-idp", "kayla-morrison", "-o", out, "--force")
    assert out.read_text(encoding="utf-8").startswith("# Individual Development Plan")
    assert "up to date" in render(run, "render-idp", "kayla-morrison", "-o", out).stderr
    assert [p.name for p in tmp_path.iterdir()] == ["kayla.md"]  # no temporary files left


def test_unwritable_output_is_one_clear_error(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = render(run, "render-idp", "kayla-morrison", "-o", blocker / "kayla.md", expect=2)
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_all_writes_one_file_per_record_with_a_summary(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "idps"
    result = render(run, "render-idp", "--all", "-f", "html", "-o", out)
    assert f"{len(PLANS)} written, 0 unchanged, 0 skipped (differs; use --force)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{p}.html" for p in PLANS]
    again = render(run, "render-idp", "--all", "-f", "html", "-o", out)
    assert f"0 written, {len(PLANS)} unchanged, 0 skipped" in again.stderr
    edited = out / f"{PLANS[0]}.html"
    edited.write_text("edited by hand", encoding="utf-8")
    kept = render(run, "render-idp", "--all", "-f", "html", "-o", out, expect=1)
    assert f"0 written, {len(PLANS) - 1} unchanged, 1 skipped (differs; use --force)" in (
        kept.stderr
    )
    assert edited.read_text(encoding="utf-8") == "edited by hand"
    forced = render(run, "render-idp", "--all", "-f", "html", "-o", out, "--force")
    assert f"1 written, {len(PLANS) - 1} unchanged, 0 skipped" in forced.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_all_agreements(run: Run, tmp_path: Path) -> None:
    result = render(run, "render-agreement", "--all", "-o", tmp_path)
    assert f"{len(AGREEMENTS)} written" in result.stderr
    assert sorted(p.stem for p in tmp_path.iterdir()) == AGREEMENTS


def test_broken_template_with_all_writes_nothing(run: Run, tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "idp.md.j2", "{{ person.nickname }}\n")
    out = tmp_path / "out"
    render(run, "render-idp", "--all", "-o", out, "--template-dir", folder, expect=2)
    assert not out.exists()


# --- templates: --template-dir, then the repo's templates/, then shipped ------------------


def test_repo_templates_override_shipped_and_template_dir_overrides_both(
    run: Run, repo_copy: Path, tmp_path: Path
) -> None:
    write_tree(repo_copy, {"templates/idp.md.j2": "REPO {{ person.name }}\n"})
    out = run("render-idp", "kayla-morrison", "--repo", repo_copy, "--as-of", AS_OF, expect=0)
    assert out.stdout == "REPO Kayla Morrison\n"
    # Other templates still come from the shipped folder.
    html = run("render-idp", "kayla-morrison", "-f", "html", "--repo", repo_copy, "--as-of", AS_OF)
    assert html.stdout.startswith("<!DOCTYPE html>")
    folder = _template_dir(tmp_path, "idp.md.j2", "MINE {{ person.name }}\n")
    args = ["--repo", repo_copy, "--as-of", AS_OF, "--template-dir", folder]
    mine = run("render-idp", "kayla-morrison", *args, expect=0)
    assert mine.stdout == "MINE Kayla Morrison\n"


def test_overriding_the_shared_stylesheet(run: Run, tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "document.css.j2", "body { color: teal; }\n")
    out = render(run, "render-idp", "kayla-morrison", "-f", "html", "--template-dir", folder)
    assert "body { color: teal; }" in out.stdout
    assert "@page" not in out.stdout


# --- arguments and bad input ---------------------------------------------------------------


def test_record_file_argument(run: Run) -> None:
    plan = EXAMPLES / "plans" / "idp-kayla-morrison-2026.yaml"
    by_file = run("render-idp", plan, "--as-of", AS_OF, expect=0).stdout  # repo found from FILE
    assert by_file == render(run, "render-idp", "kayla-morrison").stdout
    agreement = EXAMPLES / "agreements" / "agr-2026-carmen-diaz-kayla-morrison.yaml"
    result = render(run, "render-idp", agreement, expect=2)
    assert "is a MentorshipAgreement, not a DevelopmentPlan" in result.stderr


def test_record_file_outside_the_repo(run: Run, tmp_path: Path) -> None:
    source = EXAMPLES / "plans" / "idp-kayla-morrison-2026.yaml"
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        source.read_text(encoding="utf-8").replace("id: idp-kayla-morrison-2026", "id: draft"),
        encoding="utf-8",
    )
    out = render(run, "render-idp", draft).stdout
    assert "Plan `draft`" in out
    draft.write_text("apiVersion: ladderctl/v1\nkind: DevelopmentPlan\nid: x\n", encoding="utf-8")
    assert "error" in render(run, "render-idp", draft, expect=1).stderr


def test_agreement_by_pair_id_and_reverse_pair(run: Run) -> None:
    by_pair = render(run, "render-agreement", "carmen-diaz:kayla-morrison").stdout
    by_id = render(run, "render-agreement", "agr-2026-carmen-diaz-kayla-morrison").stdout
    assert by_pair == by_id
    wrong = render(run, "render-agreement", "kayla-morrison:carmen-diaz", expect=2)
    assert "carmen-diaz:kayla-morrison has one" in wrong.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render-idp", "nobody"], "no staff record or development plan 'nobody'"),
        (["render-idp", "kayla-morisson"], "did you mean kayla-morrison"),
        (["render-idp", "carmen-diaz"], "Carmen Diaz (carmen-diaz) has no development plan"),
        (["render-agreement", "carmen-diaz:nobody"], "no staff record 'nobody'"),
        (["render-agreement", "no-such-agreement"], "no mentorship agreement"),
        (["render-idp"], "name a person"),
        (["render-idp", "--all"], "--all writes one file per record: pass --out DIR"),
        (["render-idp", "kayla-morrison", "-f", "docx"], "--format docx writes a binary file"),
        (["render-idp", "plans/nope.yaml"], "no such file"),
        (["render-idp", "kayla-morrison", "--as-of", "soon"], "--as-of 'soon' is not a date"),
    ],
)
def test_bad_arguments(run: Run, args: list[str], message: str) -> None:
    as_of = [] if "--as-of" in args else ["--as-of", AS_OF]
    result = run(*args, "--repo", EXAMPLES, *as_of)
    assert result.exit_code == 2, str(result)
    assert message in result.stderr, str(result)
    assert len(result.stderr.strip().splitlines()) <= 2  # the error, and maybe a hint


def test_invalid_data_is_exit_1(run: Run, repo_copy: Path) -> None:
    staff = repo_copy / "staff" / "kayla-morrison.yaml"
    staff.write_text(
        staff.read_text(encoding="utf-8").replace("level: tech-2\n", "level: tech-9\n", 1),
        encoding="utf-8",
    )
    result = run("render-idp", "kayla-morrison", "--repo", repo_copy, "--as-of", AS_OF)
    assert result.exit_code == 1, str(result)
    assert "ladderctl validate" in result.stderr


@pytest.mark.parametrize(("fmt", "module"), [("docx", "docxtpl"), ("pdf", "typst")])
def test_missing_extra_names_the_pip_command(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, module: str
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a)
    )
    result = render(run, "render-idp", "kayla-morrison", "-f", fmt, "-o", tmp_path / "x", expect=2)
    assert f"pip install 'ladderctl[{fmt}]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_help_has_examples(run: Run) -> None:
    for command in ("render-idp", "render-agreement"):
        out = run(command, "--help", expect=0).stdout
        assert "Examples" in out
        assert "--template-dir" in out


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_binary_formats_render_every_example(run: Run, tmp_path: Path, fmt: str) -> None:
    _needs(fmt)
    render(run, "render-idp", "--all", "-f", fmt, "-o", tmp_path / "idp")
    render(run, "render-agreement", "--all", "-f", fmt, "-o", tmp_path / "agr")
    files = [*(tmp_path / "idp").iterdir(), *(tmp_path / "agr").iterdir()]
    assert len(files) == len(PLANS) + len(AGREEMENTS)
    magic = b"PK" if fmt == "docx" else b"%PDF"
    assert all(f.read_bytes().startswith(magic) for f in files)


def test_docx_template_problem_names_the_template(tmp_path: Path) -> None:
    pytest.importorskip("docxtpl")
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("{{ person.nickname }}")
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "idp.docx").write_bytes(buffer.getvalue())
    with pytest.raises(TemplateProblem, match=r"idp\.docx: undefined field 'person\.nickname'"):
        render_document("idp", {"person": {}}, fmt="docx", template_dirs=[tmp_path])


# --- helpers ---------------------------------------------------------------------------------


def _mini_with_plan(tmp_path: Path, *, reviews: str) -> Path:
    from conftest import MINI_REPO

    plan = textwrap.dedent(
        """
        apiVersion: ladderctl/v1
        kind: DevelopmentPlan
        id: idp-ann-2026
        person: ann
        manager: boss
        period:
          start: 2026-01-01
          end: 2026-12-31
        aspirations: [Become a Technician II]
        strengths: []
        developmentAreas: []
        objectives:
          - id: precept
            description: Precept one new hire.
            measure: One precepting accomplishment logged
            due: 2026-06-30
            status: in-progress
            criterion: tech1-precepting
        actions:
          employee: []
          manager: []
        """
    )
    return write_tree(tmp_path / "repo", {**MINI_REPO, "plans/idp-ann-2026.yaml": plan + reviews})
