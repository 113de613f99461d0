"""`ladderctl report` and `ladderctl due` end to end: every format, the files they write, bad input.

The data is the hand-built department of test_metrics.py (its docstring works out every answer),
as of 2026-06-30, and the example department as of 2026-11-21.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, EXAMPLES, Result, write_tree
from ladderctl.cli._output import json_text
from ladderctl.cli.report import ics_escape, ics_fold, parse_within
from test_metrics import HAND

Run = Callable[..., Result]
DAY = "2026-06-30"
# The installed CLI, with the commands registered as the autouse fixture below does.
REGISTER_AND_RUN = (
    "from ladderctl.cli import app, report\n"
    "if not any(c.name == 'report' for c in app.registered_commands):\n"
    "    report.register(app)\n"
    "app(prog_name='ladderctl')\n"
)
PYTHON_CLI = (sys.executable, "-c", REGISTER_AND_RUN)


@pytest.fixture(autouse=True)
def _commands() -> None:
    """Register `report` and `due` unless ladderctl.cli already does."""
    from ladderctl.cli import app
    from ladderctl.cli import report as report_command

    if not any(c.name == "report" for c in app.registered_commands):
        report_command.register(app)


@pytest.fixture(scope="module")
def hand_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("hand"), HAND)


def report(run: Run, repo: Path, *args: str | Path, expect: int | None = 0) -> Result:
    return run("report", "--repo", repo, "--as-of", DAY, *args, expect=expect)


def due(run: Run, repo: Path, *args: str | Path, expect: int | None = 0) -> Result:
    return run("due", "--repo", repo, "--as-of", DAY, *args, expect=expect)


# --- report: text ------------------------------------------------------------------------------


def test_text_report_has_one_section_per_figure_with_counts(run: Run, hand_repo: Path) -> None:
    out = report(run, hand_repo).stdout
    assert out.startswith(
        "ladderctl report as of 2026-06-30, period 2025-07-01 to 2026-06-30, all staff "
        "(7 on staff)\n"
    )
    sections = [
        "Advancement",
        "Eligible now, not promoted",
        "Retention",
        "Program goals",
        "Development",
        "Credentials",
        "Engagement",
    ]
    positions = [out.index(f"\n{title} ─") for title in sections]
    assert positions == sorted(positions)
    for line in (
        "3 promotions in the period; median time in level before them: 31 months (n=3)",
        "4 eligible now of 6 below the top of their ladder: 4/6 (67%); median wait 173 days",
        "staff with a current IDP: 2/7 (29%)",
        "IDPs overdue for their quarterly review: 2/2 (100%) of current plans",
        "SMART objectives past due: 1/3 (33%) of open objectives",
        "mentoring pairs overdue for a check-in: 1/2 (50%) of active agreements",
        "people with credentials expired: 1, expiring within 30 days: 1, 31-60 days: 0, "
        "61-90 days: 2 (of 7 on staff)",
        "left before their first anniversary: dee",
    ):
        assert line in out, line
    for rate in ("1/2 (50%)", "6/8 (75%)", "2/2 (100%)", "4/6 (67%)", "2/3 (67%)", "4/5 (80%)"):
        assert rate in out
    assert "\x1b[" not in out  # plain text when not on a terminal


def test_text_report_says_no_data_for_empty_groups(run: Run, hand_repo: Path) -> None:
    out = report(run, hand_repo, "--ladder", "pharm", "--site", "A").stdout
    assert "0 promotions in the period; median time in level before them: no data" in out
    assert "0 eligible now of 0 below the top of their ladder: no data; median wait no data" in out
    assert "new hires, 1 year  no data" in out
    assert "no data: no engagement scores recorded" in out
    assert "(0%)" not in out.split("Program goals")[0]  # an empty group is never 0%


# --- report: json and csv ----------------------------------------------------------------------


def test_json_report(run: Run, hand_repo: Path) -> None:
    data = json.loads(report(run, hand_repo, "--format", "json").stdout)
    assert data["period"] == {"start": "2025-07-01", "end": "2026-06-30"}
    assert data["retention"]["withIdp"] == {
        "numerator": 2,
        "denominator": 3,
        "percent": 66.7,
        "text": "2/3 (67%)",
    }
    waiting = data["eligibleNotPromoted"]["people"]
    assert [(w["person"], w["eligibleSince"], w["daysWaiting"]) for w in waiting] == [
        ("cy", "2025-11-03", 239),
        ("ivy", "2025-11-15", 227),
        ("eve", "2026-03-03", 119),
        ("ana", "2026-04-10", 81),
    ]
    goals = {g["id"]: g["text"] for g in data["programGoals"]["goals"]}
    assert goals == {
        "g-new-hires": "1/2 (50%)",
        "g-promotions": "2",
        "g-engagement": "80.0 (n=1)",
        "g-custom": "not computed",
        "g-retention": "6/8 (75%)",
    }


def test_json_report_is_the_text_json_dumps_writes(run: Run, hand_repo: Path) -> None:
    text = report(run, hand_repo, "--format", "json").stdout
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    due = run("due", "--repo", hand_repo, "--as-of", DAY, "-f", "json", expect=0).stdout
    assert due == json.dumps(json.loads(due), indent=2, ensure_ascii=False) + "\n"


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
)
_JSON_LIKE = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers(-5, 5) | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON_LIKE)
def test_json_text_is_json_dumps_with_an_indent(value: object) -> None:
    """Byte for byte, for anything json.dumps accepts: nesting, empty containers, tuples, escapes
    and non-ASCII text, NaN and infinities, numbers and booleans as keys."""
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_json_text_refuses_what_json_dumps_refuses() -> None:
    for bad in ({"a": [1, object()]}, [{"a": {1, 2}}], {(1, 2): "key"}, {"a": {(1,): [1]}}):
        with pytest.raises(TypeError) as ours:
            json_text(bad)
        with pytest.raises(TypeError) as theirs:
            json.dumps(bad, indent=2, ensure_ascii=False)
        assert str(ours.value) == str(theirs.value)


def test_json_report_with_a_period_and_filters(run: Run, hand_repo: Path) -> None:
    data = json.loads(
        report(
            run,
            hand_repo,
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--site",
            "B",
            "-f",
            "json",
        ).stdout
    )
    assert data["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert data["scope"] == {"ladder": None, "level": None, "site": "B"}
    assert [p["person"] for p in data["advancement"]["promotions"]] == ["ben"]


def test_csv_report_is_tidy_with_counts(run: Run, hand_repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(report(run, hand_repo, "--format", "csv").stdout)))
    assert list(rows[0]) == [
        "figure",
        "measure",
        "group",
        "person",
        "date",
        "value",
        "numerator",
        "denominator",
        "percent",
        "detail",
    ]
    by_key = {(r["figure"], r["measure"], r["group"], r["person"]): r for r in rows}
    mentored = by_key[("retention", "not-mentored", "", "")]
    assert (mentored["numerator"], mentored["denominator"], mentored["percent"]) == (
        "4",
        "6",
        "66.7",
    )
    assert mentored["value"] == "4/6 (67%)"
    eve = by_key[("waiting", "eligible-since", "tech-1 -> tech/tech-2", "eve")]
    assert (eve["date"], eve["value"]) == ("2026-03-03", "119")
    fay = by_key[("credentials", "person", "ana", "fay")]
    assert (fay["value"], fay["detail"]) == ("90", "BLS 2026-09-28 (90 d)")


def test_csv_no_data_has_empty_numbers(run: Run, hand_repo: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(report(run, hand_repo, "--ladder", "pharm", "-f", "csv").stdout))
    )
    new_hires = next(r for r in rows if r["measure"] == "new-hires-1y")
    assert (new_hires["value"], new_hires["numerator"], new_hires["denominator"]) == (
        "no data",
        "0",
        "0",
    )
    assert new_hires["percent"] == ""


# --- report: html ------------------------------------------------------------------------------


def test_html_needs_out(run: Run, hand_repo: Path) -> None:
    result = report(run, hand_repo, "--format", "html", expect=2)
    assert "--format html writes a file: add --out FILE" in result.stderr


def test_html_is_self_contained_and_deterministic(
    run: Run, hand_repo: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    report(run, hand_repo, "--format", "html", "--out", first)
    report(run, hand_repo, "--format", "html", "--out", second)
    page = first.read_bytes()
    assert page == second.read_bytes()
    text = page.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # Nothing is fetched: no external src/href, no script, no stylesheet link, no @import.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    assert "@import" not in text
    assert "url(" not in text
    # Inline CSS and the four charts, drawn as inline SVG.
    assert "<style>" in text
    assert text.count("<svg ") == 4
    for title in (
        "Promotions per year",
        "Share still employed, months after the period start",
        "Credentials expiring by month",
        "Mean engagement score per year",
    ):
        assert f"<title>{title}</title>" in text
    assert "@media print" in text
    # The counts behind every percentage, and the legend of the retention curves.
    assert "4/6 (67%)" in text
    assert "mentored: 2/2 (100%) still employed at the end" in text


def test_html_empty_groups_say_no_data(run: Run, hand_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    report(run, hand_repo, "--ladder", "pharm", "--site", "A", "-f", "html", "--out", out)
    text = out.read_text(encoding="utf-8")
    assert '<span class="nodata">no data</span>' in text
    assert "no data: no engagement scores recorded" in text


def test_out_is_atomic_and_never_replaces_a_different_file_without_force(
    run: Run, hand_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    first = report(run, hand_repo, "-f", "json", "--out", out)
    assert "1 written" in first.stderr
    again = report(run, hand_repo, "-f", "json", "--out", out)
    assert "1 unchanged" in again.stderr
    out.write_text("edited by hand\n", encoding="utf-8")
    kept = report(run, hand_repo, "-f", "json", "--out", out, expect=1)
    assert "skipped" in kept.stderr and "--force" in kept.stderr
    assert out.read_text(encoding="utf-8") == "edited by hand\n"
    report(run, hand_repo, "-f", "json", "--out", out, "--force")
    assert json.loads(out.read_text(encoding="utf-8"))["asOf"] == DAY
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_text_report_to_a_file(run: Run, hand_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    report(run, hand_repo, "--out", out)
    text = out.read_text(encoding="utf-8")
    assert "Eligible now, not promoted" in text
    assert "\x1b[" not in text


# --- report: bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "2026-07-01"], "--to 2026-07-01 is after --as-of 2026-06-30"),
        (["--from", "2026-06-01", "--to", "2026-05-01"], "--from 2026-06-01 is after --to"),
        (["--from", "June"], "--from 'June' is not a date"),
        (["--ladder", "nurse"], "no ladder 'nurse'"),
        (["--level", "tech-9"], "no ladder has a level 'tech-9'"),
        (["--site", "Mars"], "nobody works at site 'Mars'"),
    ],
)
def test_report_usage_errors(run: Run, hand_repo: Path, args: list[str], message: str) -> None:
    result = report(run, hand_repo, *args, expect=2)
    assert message in result.stderr
    assert result.stdout == ""


def test_report_on_invalid_data_exits_1(run: Run, tmp_path: Path) -> None:
    broken = dict(HAND)
    broken["staff/ana.yaml"] = HAND["staff/ana.yaml"].replace("ladder: tech\n", "ladder: 7\n")
    repo = write_tree(tmp_path / "broken", broken)
    result = report(run, repo, expect=1)
    assert "run 'ladderctl validate'" in result.stderr


def test_report_on_the_examples(run: Run) -> None:
    data = json.loads(
        run("report", "--repo", EXAMPLES, "--as-of", AS_OF, "-f", "json", expect=0).stdout
    )
    # examples/README.md: ten people eligible now; new hires with a first anniversary between
    # 2025-11-22 and 2026-11-21: brianna, lena, noah (left 2025-11-14), olivia, ethan -> 4/5.
    assert data["eligibleNotPromoted"]["eligible"]["text"] == "10/35 (29%)"
    assert data["retention"]["newHires1y"]["text"] == "4/5 (80%)"
    assert data["retention"]["newHiresWhoLeft"] == ["noah-reyes"]
    # The playbook goal "technicians 75% -> 90%": brianna, noah, ethan -> 2/3.
    goal = data["programGoals"]["goals"][0]
    assert (goal["id"], goal["text"], goal["met"]) == ("new-hire-retention", "2/3 (67%)", False)
    overdue = data["development"]["overdueReviews"]["plans"]
    assert [p["plan"] for p in overdue] == ["idp-ben-adeyemi-2026"]
    people = {
        p["person"]: p["bucket"] for group in data["credentials"]["groups"] for p in group["people"]
    }
    assert people == {
        "jacob-miller": "expired",
        "alexis-romero": "expired",
        "isabella-cruz": "60",
        "jordan-patel": "90",
    }


# --- due ---------------------------------------------------------------------------------------

DUE_30 = (
    "6 items due by 2026-07-30 (as of 2026-06-30): 2 credentials to renew, 2 IDP reviews, "
    "2 mentoring check-ins, 0 newly eligible; 3 overdue\n"
    """\

Boss Test (boss): 6 items
date        when          person  what
----------  ------------  ------  ----
2026-05-02  overdue 59 d  ana     mentoring check-in: boss -> ana
                                  last check-in 2026-03-02
2026-05-31  overdue 30 d  ben     renew CPhT
                                  cpht expired on 2026-05-31
2026-06-29  overdue 1 d   ana     quarterly IDP review (idp-ana)
                                  last review 2026-03-31
2026-06-30  today         eve     quarterly IDP review (idp-eve)
                                  no review since 2026-04-01
2026-07-04  in 4 d        eve     mentoring check-in: cy -> eve
                                  no check-in yet
2026-07-15  in 15 d       eve     renew CPhT
                                  cpht expires on 2026-07-15
"""
)


def test_due_text_exact(run: Run, hand_repo: Path) -> None:
    assert due(run, hand_repo).stdout == DUE_30


def test_due_json(run: Run, hand_repo: Path) -> None:
    data = json.loads(due(run, hand_repo, "--within", "90d", "-f", "json").stdout)
    assert (data["withinDays"], data["until"]) == (90, "2026-09-28")
    assert data["counts"] == {"certification": 5, "idp-review": 2, "check-in": 2, "eligible": 2}
    ana = next(i for i in data["items"] if i["kind"] == "eligible" and i["person"] == "ana")
    assert ana["status"] == "since 81 d"
    assert ana["detail"] == "eligible since 2026-04-10, not promoted"


@pytest.mark.parametrize(("within", "days"), [("30d", 30), ("2w", 14), ("14", 14), ("0", 0)])
def test_due_within_accepts_days_and_weeks(
    run: Run, hand_repo: Path, within: str, days: int
) -> None:
    data = json.loads(due(run, hand_repo, "--within", within, "-f", "json").stdout)
    assert data["withinDays"] == days


@pytest.mark.parametrize("within", ["abc", "30x", "-5", "", "3.5d", "d", "1 month"])
def test_due_within_errors_are_one_clear_line(run: Run, hand_repo: Path, within: str) -> None:
    result = due(run, hand_repo, "--within", within, expect=2)
    assert result.stderr.splitlines() == [
        f"error: --within '{within}' is not a duration: write N or Nd (days) or Nw (weeks), "
        "e.g. --within 30d"
    ]
    assert result.stdout == ""


def test_parse_within() -> None:
    assert [parse_within(v) for v in ("7", "7d", "7D", "1w", " 3w ")] == [7, 7, 7, 7, 21]


def test_due_for_a_manager(run: Run, hand_repo: Path) -> None:
    data = json.loads(
        due(run, hand_repo, "--within", "90", "--manager", "ana", "-f", "json").stdout
    )
    assert [(i["date"], i["kind"], i["person"]) for i in data["items"]] == [
        ("2026-08-04", "eligible", "fay"),
        ("2026-09-28", "certification", "fay"),
    ]
    unknown = due(run, hand_repo, "--manager", "zed", expect=2)
    assert "no staff record 'zed'" in unknown.stderr


# --- due: ics ----------------------------------------------------------------------------------


def check_ics(data: bytes) -> list[dict[str, str]]:
    """A small RFC 5545 check: CRLF only, lines of at most 75 octets, BEGIN/END balanced and
    nested, every VEVENT with UID, DTSTAMP and an all-day DTSTART. Returns the events' unfolded
    properties."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "a bare CR"
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert len(line) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:].decode("utf-8")
        else:
            logical.append(line.decode("utf-8"))
    stack: list[str] = []
    events: list[dict[str, str]] = []
    for content in logical:
        name, _, value = content.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close {stack}"
        elif stack and stack[-1] == "VEVENT":
            events[-1][name] = value
    assert stack == []
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(c.startswith("PRODID:") for c in logical)
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(
            event
        ), event
        assert re.fullmatch(r"\d{8}", event["DTSTART;VALUE=DATE"])
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    return events


def test_due_ics_is_valid_and_reproducible(run: Run, hand_repo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    due(run, hand_repo, "--within", "90d", "-f", "ics", "--out", first)
    due(run, hand_repo, "--within", "90d", "-f", "ics", "--out", second)
    data = first.read_bytes()
    assert data == second.read_bytes()
    events = check_ics(data)
    assert len(events) == 11  # 5 credentials, 2 IDP reviews, 2 check-ins, 2 eligibility
    assert len({e["UID"] for e in events}) == len(events)
    assert {e["DTSTAMP"] for e in events} == {"20260630T000000Z"}  # as-of, not the clock
    ben = next(e for e in events if "Ben" in e["SUMMARY"])
    assert ben["SUMMARY"] == "OVERDUE: renew CPhT: Ben Test"
    assert (ben["DTSTART;VALUE=DATE"], ben["DTEND;VALUE=DATE"]) == ("20260531", "20260601")
    check_in = next(e for e in events if "check-in" in e["SUMMARY"] and "Eve" in e["SUMMARY"])
    # The description is escaped: newlines as \n, commas as \,.
    assert "\\n" in check_in["DESCRIPTION"]
    assert "last check-in" not in check_in["DESCRIPTION"]
    assert "no check-in yet" in check_in["DESCRIPTION"]


def test_due_ics_to_stdout_keeps_crlf(hand_repo: Path) -> None:
    # Through a real pipe: CliRunner would turn CRLF into LF on the way.
    done = subprocess.run(
        [*PYTHON_CLI, "due", "--repo", str(hand_repo), "--as-of", DAY, "--format", "ics"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(check_ics(done.stdout)) == 6


def test_ics_escape_and_fold() -> None:
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 60  # 128 octets
    folded = ics_fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line  # no character split
    assert ics_fold("SHORT:x") == "SHORT:x"


def test_due_on_the_examples(run: Run) -> None:
    data = json.loads(
        run("due", "--repo", EXAMPLES, "--as-of", AS_OF, "-f", "json", expect=0).stdout
    )
    assert [(i["date"], i["kind"], i["person"]) for i in data["items"]] == [
        ("2026-08-31", "certification", "alexis-romero"),
        ("2026-08-31", "certification", "jacob-miller"),
        ("2026-09-28", "idp-review", "ben-adeyemi"),
        ("2026-12-02", "eligible", "brianna-scott"),
    ]


# --- help and the installed entry point --------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "due"])
def test_help_has_examples(run: Run, command: str) -> None:
    result = run(command, "--help", expect=0)
    assert "Example" in result.stdout
    assert f"ladderctl {command}" in result.stdout


def test_piped_output_is_plain_text(hand_repo: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            REGISTER_AND_RUN,
            "report",
            "--repo",
            str(hand_repo),
            "--as-of",
            DAY,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Credentials" in done.stdout
    assert "\x1b[" not in done.stdout


def test_long_lists_are_cut_in_text_and_html_but_not_in_json(
    run: Run, hand_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ladderctl.cli import report as report_command

    monkeypatch.setattr(report_command, "LIST_LIMIT", 2)
    note = "... and 2 more (first 2 shown): --format json or csv lists all"
    text = report(run, hand_repo).stdout
    waiting = text.split("Eligible now, not promoted")[1].split("Retention")[0]
    assert "cy" in waiting and "ivy" in waiting and "eve " not in waiting
    assert note in waiting
    out = tmp_path / "r.html"
    report(run, hand_repo, "-f", "html", "--out", out)
    assert note in out.read_text(encoding="utf-8")
    data = json.loads(report(run, hand_repo, "-f", "json").stdout)
    assert len(data["eligibleNotPromoted"]["people"]) == 4


def test_the_year_in_progress_is_marked_in_the_chart(
    run: Run, hand_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    report(run, hand_repo, "-f", "html", "--out", out)
    text = out.read_text(encoding="utf-8")
    assert ">2026*</text>" in text
    assert "* 2026 up to 2026-06-30" in text
