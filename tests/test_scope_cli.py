"""`ladderctl delegation` and `ladderctl training` end to end, on the example department."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLES, MINI_REPO, Result, write_tree
from ladderctl.cli import app
from ladderctl.cli import scope as scope_command

# Until the lead adds `scope_command` to the register loop in ladderctl/cli/__init__.py.
REGISTERED = "delegation" in {command.name for command in app.registered_commands}
if not REGISTERED:
    scope_command.register(app)

Run = Callable[..., Result]


def lines(text: str) -> list[str]:
    """Output lines without the padding rich adds on the right."""
    return [line.rstrip() for line in text.splitlines()]


# --- delegation --------------------------------------------------------------------------------


def test_delegation_text_one_ladder(run: Run) -> None:
    result = run(
        "delegation", "--repo", EXAMPLES, "--ladder", "specialty-pharmacy-technician", expect=0
    )
    out = lines(result.stdout)
    assert out[:2] == [
        "Delegation matrix: CMM practice delegation matrix",
        "Specialty Pharmacy Technician Career Ladder (technician scope)",
    ]
    body = [" ".join(line.split()) for line in out]
    for row in [
        "task who may do it spt-1 spt-2 spt-3",
        "Pre-Visit Activities",
        "Receiving and logging a new referral delegable ✓ (✓) (✓)",
        "Clinical triage of referral RPh only ✗ ✗ ✗",
        "Pre-visit chart prep and data synthesis shared ✓ tech (✓) tech",
        "Handling prior authorizations delegable ✓ (✓)",
    ]:
        assert row in body, "\n".join(out)
    assert out[-2:] == [
        "✓ listed at the level · (✓) from a lower level · "
        "✗ pharmacist-only: outside a technician's scope",
        "shared tasks: RPh = the pharmacist's part, tech = the technician's part",
    ]


def test_delegation_text_every_ladder_listing_tasks(run: Run) -> None:
    result = run("delegation", "--repo", EXAMPLES, expect=0)
    titles = [line for line in lines(result.stdout) if line.endswith(" scope)")]
    assert titles == [
        "Clinical Pharmacist Career Ladder (pharmacist scope)",
        "Specialty Pharmacy Technician Career Ladder (technician scope)",
    ]


def test_delegation_markdown(run: Run) -> None:
    result = run(
        "delegation",
        "--repo",
        EXAMPLES,
        "--ladder",
        "specialty-pharmacy-technician",
        "--format",
        "md",
        expect=0,
    )
    out = result.stdout.splitlines()
    assert out[0] == "## Delegation matrix: CMM practice delegation matrix"
    assert out[4] == (
        "| stage | task | who may do it | Specialty Pharmacy Technician I | "
        "Specialty Pharmacy Technician II | Specialty Pharmacy Technician III |"
    )
    assert out[5] == "| --- | --- | --- | --- | --- | --- |"
    assert out[6] == (
        "| Pre-Visit Activities | Receiving and logging a new referral (SOP-ADM-001) | "
        "delegable | ✓ | (✓) | (✓) |"
    )
    assert (
        "| Post-Visit Activities | Updating the EMR medication list | shared |  | "
        "✓ technician part | (✓) technician part |"
    ) in out
    assert "### Shared tasks: who does what" in out
    assert any(line.startswith("- **Providing patient education**: pharmacist: ") for line in out)
    assert "- **Clinical triage of referral** (pharmacist-only): Requires clinical judgment" in (
        result.stdout
    )


def test_delegation_csv(run: Run) -> None:
    result = run("delegation", "--repo", EXAMPLES, "--format", "csv", expect=0)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 14
    by_task = {row["task"]: row for row in rows}
    triage = by_task["clinical-triage"]
    assert (triage["stage"], triage["delegation"]) == ("pre-visit", "pharmacist-only")
    assert triage["clinical-pharmacist/cp-1"] == "listed"
    assert triage["clinical-pharmacist/cp-2"] == "inherited"
    assert triage["specialty-pharmacy-technician/spt-2"] == "not-permitted"
    chart = by_task["chart-prep"]
    assert chart["technician_part"].startswith("Collates the data")
    assert chart["specialty-pharmacy-technician/spt-1"] == ""
    assert by_task["prior-authorizations"]["procedures"] == "sop-fin-001;pa-initiation-checklist"


def test_delegation_json(run: Run) -> None:
    result = run("delegation", "--repo", EXAMPLES, "--format", "json", expect=0)
    payload = json.loads(result.stdout)
    assert payload["title"] == "CMM practice delegation matrix"
    assert [c["level"] for c in payload["columns"]] == [
        "cp-1",
        "cp-2",
        "clinical-coordinator",
        "spt-1",
        "spt-2",
        "spt-3",
    ]
    assert payload["tasks"][0]["task"] == "referral-intake"


def test_delegation_html_file_is_printable_and_never_clobbered(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "matrix.html"
    args = ("delegation", "--repo", EXAMPLES, "--format", "html", "--out", out)
    result = run(*args, expect=0)
    assert "1 written" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "@page { size: landscape;" in page
    assert '<th colspan="3">Specialty Pharmacy Technician Career Ladder</th>' in page
    assert '<td class="mark not-permitted">✗</td>' in page
    assert "Handling prior authorizations (SOP-FIN-001, PA initiation checklist)" in page
    assert "Writing the clinical note (Assessment &amp; Plan)" in page  # escaped
    assert "<script" not in page
    assert "1 unchanged" in run(*args, expect=0).stderr
    out.write_text("edited", encoding="utf-8")
    assert "--force" in run(*args, expect=1).stderr
    assert out.read_text(encoding="utf-8") == "edited"
    run(*args, "--force", expect=0)
    assert out.read_text(encoding="utf-8") == page


def test_delegation_escapes_markup_from_the_data(run: Run, tmp_path: Path) -> None:
    files = dict(MINI_REPO)
    files["tasks/t.yaml"] = """
        apiVersion: ladderctl/v1
        kind: TaskCatalog
        id: t
        title: "<b>Tasks</b> | [red]x[/]"
        stages:
          - id: s
            title: Stage
            tasks:
              - id: a
                title: "=cmd() <script>alert(1)</script> | [bold]x[/]"
                delegation: delegable
                reason: Because.
    """
    repo = write_tree(tmp_path / "r", files)
    assert "no ladder lists tasks yet" in run("delegation", "--repo", repo, expect=0).stdout
    files["ladders/tech.yaml"] = files["ladders/tech.yaml"].replace(
        "    title: Technician II\n", "    title: Technician II\n    tasks: [a]\n"
    )
    repo = write_tree(tmp_path / "r", files)
    for fmt, fragment in [
        ("html", "=cmd() &lt;script&gt;alert(1)&lt;/script&gt;"),
        ("md", "=cmd() &lt;script>alert(1)&lt;/script> \\| [bold]x[/]"),
        ("csv", "'=cmd() <script>"),
        ("text", "<b>Tasks</b> | [red]x[/]"),
        ("text", "| [bold]x[/]"),
    ]:
        result = run("delegation", "--repo", repo, "--format", fmt, expect=0)
        assert fragment in result.stdout, (fmt, result.stdout)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--ladder", "nope"], 2, "no ladder 'nope'"),
        (["--out", "x.txt"], 2, "--out writes md, html, csv or json"),
        (["--format", "pdf"], 2, "pdf"),
    ],
)
def test_delegation_bad_input(run: Run, args: list[str], code: int, words: str) -> None:
    result = run("delegation", "--repo", EXAMPLES, *args)
    assert result.exit_code == code, str(result)
    assert words in result.stderr, str(result)
    assert "Traceback" not in result.stdout + result.stderr


def test_delegation_without_a_task_catalog(run: Run, mini_repo: Callable[..., Path]) -> None:
    result = run("delegation", "--repo", mini_repo(), expect=1)
    assert "the department has no task catalog" in result.stderr
    assert "tasks/<id>.yaml" in result.stderr


def test_delegation_refuses_invalid_data(run: Run, mini_repo: Callable[..., Path]) -> None:
    ladder = MINI_REPO["ladders/tech.yaml"].replace(
        "    title: Technician II\n", "    title: Technician II\n    tasks: [ghost]\n"
    )
    result = run("delegation", "--repo", mini_repo(ladders__tech=ladder), expect=1)
    assert "[unknown-task]" in result.stderr
    assert "run 'ladderctl validate'" in result.stderr


# --- training ----------------------------------------------------------------------------------


def test_training_text_overdue(run: Run) -> None:
    result = run("training", "zoe-campbell", "--repo", EXAMPLES, "--as-of", AS_OF, expect=0)
    out = [" ".join(line.split()) for line in lines(result.stdout)]
    assert out[:3] == [
        "Zoe Campbell (zoe-campbell), Pharmacy Technician I, as of 2026-11-21",
        "",
        "30-day technician training plan (CMM practice) (cmm-technician-30-day): "
        "2026-06-01 to 2026-06-30, overdue",
    ]
    assert out[4:8] == [
        "✓ week-1 Orientation & Observation 1-7 done 2026-06-05, signed off by hannah-liu",
        '✓ week-2 Supervised "Hands-On" – Intake Process 8-14 done 2026-06-12, '
        "signed off by hannah-liu",
        '✓ week-3 Supervised "Hands-On" – Post-Visit & Triage 15-21 done 2026-06-26 '
        "(5 days late), signed off by hannah-liu",
        "! week-4 Independent Practice with Review 22-30 overdue by 144 days (due 2026-06-30)",
    ]
    assert out[8:10] == [
        "done: week-1, week-2, week-3 · current: none · next: none · overdue: week-4",
        "to finish: week-4 - Transition from supervised learning to autonomous practice.",
    ]
    assert "practise: Receiving and logging a new referral" in out
    assert "week-3: benefits-investigation-competency (assessment): not yet, no pass on file" in out


def test_training_text_mid_plan(run: Run) -> None:
    result = run("training", "omar-farouk", "--repo", EXAMPLES, "--as-of", "2026-02-25", expect=0)
    out = [" ".join(line.split()) for line in lines(result.stdout)]
    assert "done: week-1, week-2 · current: week-3 · next: week-4 · overdue: none" in out
    assert "now: week-3 - Achieve proficiency in common post-visit and administrative tasks." in out
    assert "read: SOP-FIN-001 Prior authorization workflow; PA initiation checklist" in out
    assert any("due 2026-03-01 (in 4 days)" in line for line in out)
    assert any(line.startswith("· week-4") and "starts 2026-03-02" in line for line in out)


def test_training_json(run: Run) -> None:
    result = run(
        "training", "omar-farouk", "--repo", EXAMPLES, "--as-of", AS_OF, "-f", "json", expect=0
    )
    payload = json.loads(result.stdout)
    (plan,) = payload["plans"]
    assert (payload["person"], payload["asOf"]) == ("omar-farouk", AS_OF)
    assert (plan["plan"], plan["state"], plan["done"]) == (
        "cmm-technician-30-day",
        "complete",
        ["week-1", "week-2", "week-3", "week-4"],
    )
    assert plan["phases"][3]["signedOffBy"] == "james-thornton"
    text = (EXAMPLES / "staff" / "omar-farouk.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("  - plan: cmm-technician-30-day") + 1
    assert plan["location"].endswith(f"staff/omar-farouk.yaml:{line}:5")


def test_training_for_someone_without_a_plan(run: Run) -> None:
    result = run("training", "carmen-diaz", "--repo", EXAMPLES, "--as-of", AS_OF, expect=0)
    assert "no training plan on record" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["nobody"], 2, "no staff record 'nobody'"),
        (["zoe-campbell", "--as-of", "2026-02-30"], 2, "is not a date"),
        ([], 2, "Missing argument"),
    ],
)
def test_training_bad_input(run: Run, args: list[str], code: int, words: str) -> None:
    result = run("training", "--repo", EXAMPLES, *args)
    assert result.exit_code == code, str(result)
    assert words in result.stderr, str(result)
    assert "Traceback" not in result.stdout + result.stderr


# --- help and the installed command ------------------------------------------------------------


@pytest.mark.parametrize("command", ["delegation", "training"])
def test_help_has_examples(run: Run, command: str) -> None:
    result = run(command, "--help", expect=0)
    assert "Examples" in result.stdout
    assert f"ladderctl {command}" in result.stdout


@pytest.mark.skipif(not REGISTERED, reason="needs the register line in ladderctl/cli/__init__.py")
def test_installed_entry_point(tmp_path: Path) -> None:
    exe = shutil.which("ladderctl", path=str(Path(sys.executable).parent))
    assert exe
    done = subprocess.run(
        [exe, "delegation", "--repo", str(EXAMPLES), "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stage,task,title,delegation,")
