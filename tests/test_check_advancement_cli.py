"""`ladderctl check-advancement` end to end: examples' verdicts, team view, compare, bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLES, MINI_REPO, Result, write_tree

Run = Callable[..., Result]

# Every example person's verdict on 2026-11-21, worked out by hand in examples/README.md.
EXPECTED = {
    "marcus-okafor": "top-of-ladder",
    "elena-vasquez": "eligible-on 2027-03-04",
    "james-thornton": "eligible-now",
    "priya-raman": "not-eligible",
    "owen-fitzgerald": "not-eligible",
    "sofia-mendes": "eligible-on 2027-04-06",
    "aisha-bello": "top-of-ladder",
    "rachel-goldberg": "top-of-ladder",
    "daniel-cho": "eligible-now",
    "hannah-liu": "not-eligible",
    "marco-rossi": "eligible-now",
    "fatima-qureshi": "not-eligible",
    "ben-adeyemi": "not-eligible",
    "olivia-grant": "not-eligible",
    "luis-hernandez": "top-of-ladder",
    "tamara-brooks": "top-of-ladder",
    "derek-simmons": "top-of-ladder",
    "carmen-diaz": "eligible-now",
    "mei-chen": "eligible-on 2027-01-09",
    "andre-jackson": "not-eligible",
    "robert-nguyen": "not-eligible",
    "kayla-morrison": "not-eligible",
    "jordan-patel": "eligible-now",
    "alexis-romero": "not-eligible",
    "tyler-wong": "eligible-now",
    "brianna-scott": "eligible-on 2026-12-02",
    "dylan-harris": "not-eligible",
    "isabella-cruz": "eligible-on 2027-01-12",
    "jacob-miller": "not-eligible",
    "lucia-fernandez": "eligible-now",
    "ethan-walsh": "not-eligible",
    "zoe-campbell": "not-eligible",
    "grace-kim": "top-of-ladder",
    "monique-davis": "eligible-on 2027-02-02",
    "ryan-obrien": "not-eligible",
    "lena-sokolova": "eligible-now",
    "omar-farouk": "not-eligible",
    "diego-alvarez": "not-eligible",
    "hector-ramirez": "top-of-ladder",
    "janelle-wright": "eligible-now",
    "thomas-lee": "eligible-on 2027-07-06",
    "nina-petrov": "top-of-ladder",
    "carlos-mejia": "not-eligible",
    "whitney-adams": "eligible-now",
}
INACTIVE = {"noah-reyes", "walter-kowalski", "chloe-martin"}


def check(run: Run, *args: str | Path, expect: int | None = 0) -> Result:
    return run("check-advancement", "--repo", EXAMPLES, "--as-of", AS_OF, *args, expect=expect)


def test_every_example_person_is_covered() -> None:
    people = {p.stem for p in (EXAMPLES / "staff").glob("*.yaml")}
    assert people == set(EXPECTED) | INACTIVE


@pytest.mark.parametrize(("person", "expected"), sorted(EXPECTED.items()))
def test_example_verdicts(run: Run, person: str, expected: str) -> None:
    report = json.loads(check(run, person, "--format", "json").stdout)
    got = report["verdict"] + (f" {report['eligibleOn']}" if report["eligibleOn"] else "")
    assert got == expected, json.dumps(report["gaps"], indent=1)


def test_team_view_matches_the_single_checks_and_is_sorted(run: Run) -> None:
    team = json.loads(check(run, "--all", "--format", "json").stdout)
    people = team["people"]
    assert {p["person"] for p in people} == set(EXPECTED)  # inactive staff are not evaluated
    for p in people:
        got = p["verdict"] + (f" {p['eligibleOn']}" if p["eligibleOn"] else "")
        assert got == EXPECTED[p["person"]]
    order = ["eligible-now", "eligible-on", "not-eligible", "top-of-ladder"]
    ranks = [order.index(p["verdict"]) for p in people]
    assert ranks == sorted(ranks)
    dates = [p["eligibleOn"] for p in people if p["verdict"] == "eligible-on"]
    assert dates == sorted(dates)
    gaps = [len(p["gaps"]) for p in people if p["verdict"] == "not-eligible"]
    assert gaps == sorted(gaps)
    assert team["counts"] == {
        v: sum(1 for e in EXPECTED.values() if e.split()[0] == v) for v in order
    }


def test_kayla_is_told_exactly_what_is_missing(run: Run) -> None:
    result = check(run, "kayla-morrison")
    assert "verdict: not eligible" in result.stdout
    assert (
        "tech2-train-the-trainer: 1 more accomplishment tagged train-the-trainer" in result.stdout
    )
    assert "needs evidence" in result.stdout
    assert "examples/staff/kayla-morrison.yaml:" in result.stdout.replace("\n", "")


def test_expiring_certification_is_called_out(run: Run) -> None:
    report = json.loads(check(run, "isabella-cruz", "--format", "json").stdout)
    assert any("2026-12-31" in w and "renew" in w for w in report["warnings"]), report["warnings"]


def test_fail_if_not_eligible(run: Run) -> None:
    check(run, "kayla-morrison", expect=0)
    check(run, "kayla-morrison", "--fail-if-not-eligible", expect=1)
    check(run, "carmen-diaz", "--fail-if-not-eligible", expect=0)


def test_to_a_higher_level_combines_the_steps(run: Run) -> None:
    report = json.loads(check(run, "kayla-morrison", "--to", "tech-4", "--format", "json").stdout)
    assert report["target"]["level"] == "tech-4"
    assert report["target"]["combinedLevels"] == ["tech-2", "tech-3"]


def test_transition_target(run: Run) -> None:
    report = json.loads(
        check(
            run, "tamara-brooks", "--to", "pharmacy-leadership/new-manager", "--format", "json"
        ).stdout
    )
    assert report["target"]["kind"] == "transition"
    assert report["verdict"] != "top-of-ladder"


def test_filters(run: Run) -> None:
    by_ladder = json.loads(check(run, "--ladder", "medication-access", "--format", "json").stdout)
    assert {p["person"] for p in by_ladder["people"]} == {
        "hector-ramirez",
        "janelle-wright",
        "thomas-lee",
    }
    by_level = json.loads(check(run, "--level", "tech-1", "--format", "json").stdout)
    assert {p["person"] for p in by_level["people"]} == {
        "isabella-cruz",
        "jacob-miller",
        "lucia-fernandez",
        "ethan-walsh",
        "zoe-campbell",
    }


def test_manager_filter_includes_indirect_reports(run: Run) -> None:
    everyone = json.loads(check(run, "--all", "--format", "json").stdout)["people"]
    top = json.loads(check(run, "--manager", "marcus-okafor", "--format", "json").stdout)["people"]
    assert len(top) == len(everyone) - 1  # all but the director himself


def test_csv_for_hr(run: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(check(run, "--all", "--format", "csv").stdout)))
    assert len(rows) == len(EXPECTED)
    assert rows[0]["verdict"] == "eligible-now"
    brianna = next(r for r in rows if r["person"] == "brianna-scott")
    assert brianna["eligible_on"] == "2026-12-02"


def test_markdown_for_one_person(run: Run) -> None:
    text = check(run, "kayla-morrison", "--format", "md").stdout
    assert text.startswith("## Kayla Morrison (kayla-morrison): not eligible")
    assert "| criterion | status | evidence and what is needed |" in text


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["nobody"], 2, "no staff record 'nobody'"),
        (["kayla-morrison", "--to", "tech-9"], 2, "tech-9"),
        (["kayla-morrison", "--as-of", "2026-02-30"], 2, "is not a date"),
        (["--ladder", "nope"], 2, "no ladder 'nope'"),
        (["--site", "Moon Base"], 2, "nobody works at site"),
        ([], 2, "name a person"),
        (["kayla-morrison", "--all"], 2, "not both"),
        (["--all", "--to", "tech-3"], 2, "--to goes with one person"),
        (["--all", "--compare", "HEAD"], 2, "git"),
    ],
)
def test_bad_input_is_one_clear_line(run: Run, args: list[str], code: int, words: str) -> None:
    if "--compare" in args:
        result = run("check-advancement", "--repo", _copy_examples_without_git(), *args)
    else:
        result = check(run, *args, expect=None)
    assert result.exit_code == code, str(result)
    assert words in result.stderr, str(result)
    assert "Traceback" not in result.stdout + result.stderr


def _copy_examples_without_git() -> Path:
    import tempfile

    target = Path(tempfile.mkdtemp()) / "dept"
    shutil.copytree(EXAMPLES, target)
    return target


def test_invalid_data_is_refused(run: Run, mini_repo: Callable[..., Path]) -> None:
    repo = mini_repo(staff__ann=MINI_REPO["staff/ann.yaml"].replace("manager: boss", "manager: x"))
    result = run("check-advancement", "ann", "--repo", repo, "--as-of", AS_OF, expect=1)
    assert "unknown-person" in result.stderr
    assert "run 'ladderctl validate'" in result.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_compare_lists_who_gains_and_loses(run: Run, tmp_path: Path) -> None:
    repo = tmp_path / "dept"
    shutil.copytree(EXAMPLES, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "ladders")
    ladder = repo / "ladders" / "pharmacy-technician.yaml"
    text = ladder.read_text(encoding="utf-8")
    # Technician I needs 3 years instead of 1: whoever relied on 1 year loses or waits longer.
    assert "years: 1\n" in text
    ladder.write_text(text.replace("years: 1\n", "years: 3\n", 1), encoding="utf-8")
    result = run(
        "check-advancement",
        "--all",
        "--compare",
        "HEAD",
        "--repo",
        repo,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        expect=0,
    )
    impact = json.loads(result.stdout)
    changed = {c["person"]: c for c in impact["changes"]}
    assert "lucia-fernandez" in changed
    lucia = changed["lucia-fernandez"]
    assert lucia["old"]["verdict"] == "eligible-now"
    assert lucia["new"]["verdict"] != "eligible-now"
    assert any(r["id"] == "tech1-experience" for r in lucia["responsible"])
    assert "carmen-diaz" in impact["unchanged"]
    md = run(
        "check-advancement",
        "--all",
        "--compare",
        "HEAD",
        "--repo",
        repo,
        "--as-of",
        AS_OF,
        "--format",
        "md",
        expect=0,
    ).stdout
    assert md.startswith("## Advancement impact of this ladder change")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_compare_with_an_unknown_revision(run: Run, tmp_path: Path) -> None:
    repo = tmp_path / "dept"
    shutil.copytree(EXAMPLES, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "x")
    result = run("check-advancement", "--all", "--compare", "nope", "--repo", repo, expect=2)
    assert "git does not know the revision 'nope'" in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_compare_parses_only_the_rules_at_the_old_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A health system has thousands of staff files at the old revision; only its ladders and
    # catalog matter there, so the others are told apart by their `kind:` line, unparsed. A file
    # whose kind is not plain from one such line (flow style here) is parsed to be sure.
    from ladderctl import history

    repo = tmp_path / "dept"
    shutil.copytree(EXAMPLES, repo)
    flow = repo / "ladders" / "flow.yaml"
    flow.write_text(
        "{apiVersion: ladderctl/v1, kind: Ladder, id: flow, title: Flow, track: technical,"
        " levels: [{id: f-1, title: F One}]}\n",
        encoding="utf-8",
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "x")
    parsed: list[str] = []
    real = history.parse_text

    def counting(text: str, path: str) -> object:
        parsed.append(path)
        return real(text, path)

    monkeypatch.setattr(history, "parse_text", counting)
    found = history.documents_at(repo, "HEAD", kinds={"Ladder", "Catalog"})
    kinds = {document.path: document.kind for document in found}
    assert "HEAD:ladders/flow.yaml" in kinds
    assert set(kinds.values()) == {"Ladder", "Catalog"}
    assert sorted(parsed) == sorted(kinds)  # nothing else was parsed
    assert len(kinds) == 1 + len(list((EXAMPLES / "ladders").glob("*.yaml"))) + 1


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        (("manager: boss", "manager: x"), "unknown-person"),  # found by the cross-file rules
        (("id: p0007", "id: p0008"), "duplicate-id"),  # also stops Department.from_documents
    ],
)
def test_a_big_invalid_repo_is_refused_as_in_process(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: tuple[str, str], rule: str
) -> None:
    # A big repo has its cross-file rules checked in a child process while the answer is worked
    # out: the answer must still be the problems, exactly as when everything runs in-process.
    from ladderctl import repository

    files = dict(MINI_REPO)
    ann = MINI_REPO["staff/ann.yaml"]
    for n in range(repository.PARALLEL_THRESHOLD):
        files[f"staff/p{n:04d}.yaml"] = ann.replace("id: ann", f"id: p{n:04d}")
    files["staff/p0007.yaml"] = files["staff/p0007.yaml"].replace(*broken)
    repo = write_tree(tmp_path / "big", files)
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", "off")
    answers = []
    for fork in (True, False):
        monkeypatch.setattr(repository, "can_fork", lambda fork=fork: fork)
        for args in (["--all"], ["p0001"], ["nobody"], ["--ladder", "nope"]):
            answers.append(run("check-advancement", *args, "--repo", repo, "--as-of", AS_OF))
    forked, in_process = answers[:4], answers[4:]
    assert [str(a) for a in forked] == [str(a) for a in in_process]
    for answer in forked:
        assert answer.exit_code == 1, str(answer)
        assert f"[{rule}]" in answer.stderr
        assert "p0007.yaml" in answer.stderr
        assert answer.stdout == ""
