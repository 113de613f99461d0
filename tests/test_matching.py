"""`ladderctl match-mentors`: the seeds' example, explanations, the committee loop, bad input."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
import shutil
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, Result
from ladderctl.cli import match as match_command
from ladderctl.loading import Location, parse_text
from ladderctl.matching import (
    MatchReport,
    pair_violations,
    propose_matches,
    render_proposals,
    score_pair,
)
from ladderctl.mentorship import (
    Cohort,
    Decision,
    Decisions,
    Goal,
    LadderFacts,
    LevelFacts,
    MatchingError,
    MatchingRules,
    MentorshipProfile,
    MentorshipProgram,
    PairRef,
    StaffFacts,
    Weights,
    build_cohort,
    decisions_from_document,
    program_from_document,
)
from ladderctl.repository import find_files, load_documents

Run = Callable[..., Result]
WHERE = Location("test", 1, 1)

# --------------------------------------------------------------------------------------------
# Builders for typed records (shared with test_matching_properties.py)
# --------------------------------------------------------------------------------------------

TECH = LadderFacts(
    "tech",
    "Technician ladder",
    "technical",
    (
        LevelFacts("t1", "Technician I"),
        LevelFacts("t2", "Technician II"),
        LevelFacts("t3", "Technician III", ("Buyer", "Trainer")),
        LevelFacts("t4", "Lead Technician"),
    ),
    (("t4", "lead", "l1"),),
)
LEAD = LadderFacts(
    "lead",
    "Leadership ladder",
    "leadership",
    (LevelFacts("l1", "Manager"), LevelFacts("l2", "Director")),
)
CLIN = LadderFacts(
    "clin",
    "Clinical ladder",
    "clinical",
    (LevelFacts("c1", "Pharmacist I"), LevelFacts("c2", "Pharmacist II")),
)
LADDERS = {ladder.id: ladder for ladder in (TECH, LEAD, CLIN)}
WEIGHTS = Weights(0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05)


def person(
    pid: str,
    level: str = "t1",
    *,
    ladder: str = "tech",
    position: str | None = None,
    manager: str | None = None,
    site: str | None = "Main",
    shift: str | None = "day",
    active: bool = True,
) -> StaffFacts:
    index = LADDERS[ladder].index(level) if ladder in LADDERS else None
    return StaffFacts(
        pid, pid.title(), ladder, level, index, position, manager, site, shift, active, WHERE
    )


def mentee(pid: str, **fields: Any) -> MentorshipProfile:
    return MentorshipProfile(pid, "p", "mentee", True, location=WHERE, **fields)


def mentor(pid: str, capacity: int = 1, **fields: Any) -> MentorshipProfile:
    return MentorshipProfile(pid, "p", "mentor", True, capacity=capacity, location=WHERE, **fields)


def program(**rules: Any) -> MentorshipProgram:
    weights = rules.pop("weights", WEIGHTS)
    return MentorshipProgram("p", "Program", weights, MatchingRules(**rules), location=WHERE)


def solve(
    the_program: MentorshipProgram,
    profiles: Sequence[MentorshipProfile],
    staff: Sequence[StaffFacts],
    **options: Any,
) -> MatchReport:
    return propose_matches(
        the_program, profiles, {s.id: s for s in staff}, ladders=LADDERS, **options
    )


def pairs_of(report: MatchReport) -> dict[str, str]:
    return {p.mentee: p.mentor for p in report.pairs}


# --------------------------------------------------------------------------------------------
# The seeds' example, on examples/
# --------------------------------------------------------------------------------------------


def example_cohort() -> Cohort:
    """Ladders, staff and the mentorship program of examples/ (schema-checked as validate does)."""
    paths = [EXAMPLES / "ladders", EXAMPLES / "staff", EXAMPLES / "mentorship"]
    loaded = load_documents(find_files(paths, root=EXAMPLES))
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return build_cohort(loaded.documents)


def test_the_would_be_buyer_gets_the_buyer() -> None:
    cohort = example_cohort()
    report = propose_matches(cohort.program, cohort.profiles, cohort.staff, ladders=cohort.ladders)
    pair = next(p for p in report.pairs if p.mentee == "kayla-morrison")
    assert pair.mentor == "carmen-diaz"
    assert pair.source == "locked"
    goal = pair.score.terms[0]
    assert goal.name == "goalAlignment"
    assert "mentee's goal: Inventory/Procurement Specialist = mentor's role" in goal.reason
    assert report.proof.optimal and report.proof.primal_units == report.proof.dual_units


def test_without_the_lock_the_report_says_why_the_buyer_went_elsewhere() -> None:
    # The program locks Carmen to Kayla. Without the lock the best *total* gives Carmen to
    # Jacob Miller, whom no other mentor may take (past pair, exclusion, seniority...):
    # Kayla still gets a Technician III, and the report says what her first choice costs.
    cohort = example_cohort()
    rules = dataclasses.replace(cohort.program.rules, locks=())
    unlocked = dataclasses.replace(cohort.program, rules=rules)
    report = propose_matches(unlocked, cohort.profiles, cohort.staff, ladders=cohort.ladders)
    pairs = pairs_of(report)
    assert pairs["jacob-miller"] == "carmen-diaz"
    assert pairs["kayla-morrison"] in ("robert-nguyen", "mei-chen")
    kayla = next(p for p in report.pairs if p.mentee == "kayla-morrison")
    first = kayla.alternatives[0]
    assert (first.mentor, first.rule) == ("carmen-diaz", "mentor-full")
    assert "with jacob-miller" in first.reason
    assert report.total > report.greedy.total  # greedy gives Carmen to Kayla, leaves Jacob out


def test_every_pair_of_the_examples_is_explained_and_within_the_rules() -> None:
    cohort = example_cohort()
    report = propose_matches(cohort.program, cohort.profiles, cohort.staff, ladders=cohort.ladders)
    profiles = {p.person: p for p in cohort.profiles}
    for pair in report.pairs:
        assert pair.score.terms[0].name == "goalAlignment"
        assert pair.score.units == pair.units
        assert all(0.0 <= t.value <= 1.0 and t.reason for t in pair.score.terms)
        broken = pair_violations(
            cohort.program,
            profiles[pair.mentee],
            profiles[pair.mentor],
            staff=cohort.staff,
            ladders=cohort.ladders,
        )
        assert [v.rule for v in broken] in ([], ["below-minimum"]), (pair.mentee, broken)
    for load in report.mentors:
        assert load.load <= load.capacity
    jacob = next(u for u in report.unmatched if u.mentee == "jacob-miller")
    assert jacob.reason.startswith("no mentor passes the hard rules")
    assert "past-pair" in jacob.reason


def test_scores_match_the_scalar_scorer_on_every_example_pair() -> None:
    cohort = example_cohort()
    report = propose_matches(cohort.program, cohort.profiles, cohort.staff, ladders=cohort.ladders)
    profiles = {p.person: p for p in cohort.profiles}
    for pair in report.pairs:
        alone = score_pair(
            cohort.program,
            profiles[pair.mentee],
            profiles[pair.mentor],
            staff=cohort.staff,
            ladders=cohort.ladders,
        )
        assert alone.units == pair.units
        assert alone.to_dict() == pair.score.to_dict()


# --------------------------------------------------------------------------------------------
# Scoring and rules on small inline cohorts
# --------------------------------------------------------------------------------------------


def test_goal_alignment_prefers_the_role_holder() -> None:
    staff = [
        person("kay", "t2", manager="boss"),
        person("buyer", "t3", position="Buyer", manager="boss"),
        person("senior", "t3", position="Technician III", manager="boss"),
        person("boss", "t4"),
    ]
    profiles = [
        mentee("kay", goals=(Goal(role="Buyer"), Goal(ladder="tech", level="t3"))),
        mentor("buyer"),
        mentor("senior"),
    ]
    report = solve(program(), profiles, staff)
    assert pairs_of(report) == {"kay": "buyer"}
    goal = report.pairs[0].score.terms[0]
    assert goal.value == 1.0
    assert goal.reason == (
        "mentee's goal: Buyer = mentor's role; mentee's goal: Technician III = mentor's level"
    )
    second = report.pairs[0].alternatives[0]
    assert second.mentor == "senior" and second.rule == "lower-score"


def test_the_terms_weights_and_contributions() -> None:
    staff = [person("a", "t1"), person("b", "t3", position="Buyer")]
    profiles = [
        mentee(
            "a",
            goals=(Goal(ladder="tech", level="t2"),),
            development_areas=("inventory", "ptcb"),
            modes=("video",),
            frequency="monthly",
        ),
        mentor("b", expertise=("inventory",), modes=("video", "chat"), frequency="biweekly"),
    ]
    score = score_pair(program(), profiles[0], profiles[1], staff={s.id: s for s in staff})
    values = {t.name: t.value for t in score.terms}
    assert values == {
        "goalAlignment": 0.0,  # no ladders given: 'above the goal' needs the level order
        "developmentAreas": 0.5,
        "communication": 0.75,
        "availability": 1.0,
        "site": 1.0,
        "shift": 1.0,
        "experienceGap": 1.0,
    }
    with_ladders = score_pair(
        program(), profiles[0], profiles[1], staff={s.id: s for s in staff}, ladders=LADDERS
    )
    assert with_ladders.terms[0].value == 0.75
    assert with_ladders.terms[0].reason == (
        "mentor is above the mentee's goal Technician II (Technician III)"
    )
    assert with_ladders.total == pytest.approx(
        sum(t.weight * t.value for t in with_ladders.terms), abs=1e-5
    )


@pytest.mark.parametrize(
    ("rules", "staff_changes", "profile_changes", "rule"),
    [
        ({}, {"a": {"manager": "b"}}, {}, "manager"),
        (
            {"exclude_management_chain": True},
            {"a": {"manager": "x"}, "x": {"manager": "b"}},
            {},
            "management-chain",
        ),
        ({}, {}, {"a": {"exclusions": ("b",)}}, "exclusion"),
        ({}, {}, {"b": {"exclusions": ("a",)}}, "exclusion"),
        ({"blocks": (PairRef("b", "a", WHERE, "no"),)}, {}, {}, "blocked"),
        (
            {"new_pairs_only": True, "past_pairs": (PairRef("b", "a", WHERE, "2025"),)},
            {},
            {},
            "past-pair",
        ),
        ({"require_seniority": True}, {"b": {"level": "t1", "level_index": 0}}, {}, "not-senior"),
        ({"minimum_score": 0.99}, {}, {}, "below-minimum"),
        ({}, {}, {"b": {"capacity": 0}}, "mentor-full"),
    ],
)
def test_each_hard_rule_keeps_a_pair_apart(
    rules: dict[str, Any],
    staff_changes: dict[str, dict[str, Any]],
    profile_changes: dict[str, dict[str, Any]],
    rule: str,
) -> None:
    staff = {s.id: s for s in [person("a", "t1"), person("b", "t3"), person("x", "t4")]}
    for pid, change in staff_changes.items():
        staff[pid] = dataclasses.replace(staff[pid], **change)
    profiles = {"a": mentee("a"), "b": mentor("b")}
    for pid, change in profile_changes.items():
        profiles[pid] = dataclasses.replace(profiles[pid], **change)
    report = solve(program(**rules), list(profiles.values()), list(staff.values()))
    assert report.pairs == ()
    (unmatched,) = report.unmatched
    assert unmatched.reason == f"no mentor passes the hard rules (1 {rule})"
    assert unmatched.alternatives[0].rule == rule


def test_seniority_across_ladders_follows_transitions() -> None:
    staff = [
        person("tech", "t3"),
        person("manager", "l1", ladder="lead"),
        person("pharmacist", "c2", ladder="clin"),
    ]
    profiles = [mentee("tech"), mentor("manager"), mentor("pharmacist")]
    report = solve(program(require_seniority=True), profiles, staff)
    # t3 -> t4 -> (transition) l1: the manager is two steps ahead; no path leads to clin.
    assert pairs_of(report) == {"tech": "manager"}
    other = report.pairs[0].alternatives[0]
    assert other.rule == "not-senior"
    assert other.reason == (
        "not senior: Pharmacist II is not ahead of Technician III on the career path"
    )


def test_only_opted_in_active_people_take_part() -> None:
    staff = [person("a"), person("b", "t3"), person("c", "t3", active=False), person("d")]
    profiles = [
        mentee("a"),
        dataclasses.replace(mentee("d"), opted_in=False),
        mentor("b"),
        mentor("c", capacity=3),
    ]
    report = solve(program(), profiles, staff)
    assert pairs_of(report) == {"a": "b"}
    assert [m.mentor for m in report.mentors] == ["b"]


def test_participation_matches_more_mentees_than_score() -> None:
    # a-star scores 0.9; a-plain 0.025 and b-star 0.3 together score less, and plain will not
    # take b: the best total leaves b out, the participation strategy matches both.
    staff = [
        person("a", "t1"),
        person("b", "t1"),
        person("star", "t3", position="Buyer"),
        person("plain", "t2", site="Far", shift="weekend"),
    ]
    profiles = [
        mentee("a", goals=(Goal(role="Buyer"),), development_areas=("x",)),
        mentee("b"),
        mentor("star", expertise=("x",)),
        mentor("plain", exclusions=("b",)),
    ]
    by_score = solve(program(), profiles, staff)
    assert pairs_of(by_score) == {"a": "star"}
    assert by_score.total == pytest.approx(0.9)
    assert by_score.unmatched[0].alternatives[0].rule == "mentor-full"
    by_count = solve(program(), profiles, staff, strategy="participation")
    assert pairs_of(by_count) == {"a": "plain", "b": "star"}
    assert by_count.total == pytest.approx(0.325)
    assert by_count.proof.optimal and by_count.proof.participation_bonus > 0


def test_ties_do_not_depend_on_input_order() -> None:
    rng = random.Random(5)
    staff = [person(f"e{i}", "t1") for i in range(12)] + [person(f"r{j}", "t3") for j in range(5)]
    profiles = [mentee(f"e{i}") for i in range(12)] + [mentor(f"r{j}", 2) for j in range(5)]
    first = json.dumps(solve(program(), profiles, staff).to_dict())
    for _ in range(3):
        rng.shuffle(staff)
        rng.shuffle(profiles)
        assert json.dumps(solve(program(), profiles, staff).to_dict()) == first


def test_the_same_input_gives_the_same_bytes() -> None:
    cohort = example_cohort()
    texts = []
    for _ in range(2):
        report = propose_matches(
            cohort.program, cohort.profiles, cohort.staff, ladders=cohort.ladders
        )
        texts.append(json.dumps(report.to_dict(), indent=2) + render_proposals(report))
    assert texts[0] == texts[1]


# --------------------------------------------------------------------------------------------
# Bad input: a clear, located error, never a traceback
# --------------------------------------------------------------------------------------------


def test_capacity_below_zero_is_an_error() -> None:
    staff = [person("a"), person("b", "t3")]
    with pytest.raises(MatchingError) as caught:
        solve(program(), [mentee("a"), mentor("b", capacity=-1)], staff)
    assert caught.value.problems[0].rule == "negative-capacity"
    assert "capacity -1" in str(caught.value)


def test_a_profile_for_an_unknown_person_is_an_error() -> None:
    with pytest.raises(MatchingError) as caught:
        solve(program(), [mentee("ghost"), mentor("b")], [person("b", "t3")])
    assert caught.value.problems[0].rule == "unknown-person"
    assert "'ghost'" in str(caught.value)


@pytest.mark.parametrize(
    ("lock", "rule", "words"),
    [
        (PairRef("boss", "a", WHERE), "lock-breaks-rule", "Boss is A's manager"),
        (PairRef("b", "a", WHERE), "lock-breaks-rule", "blocked by the committee"),
        (PairRef("ghost", "a", WHERE), "lock-not-taking-part", "ghost has no staff record"),
        (PairRef("a", "b", WHERE), "lock-not-taking-part", "is not a mentee"),
    ],
)
def test_a_lock_that_breaks_a_rule_is_explained_not_dropped(
    lock: PairRef, rule: str, words: str
) -> None:
    staff = [person("a", "t1", manager="boss"), person("b", "t3"), person("boss", "t4")]
    profiles = [mentee("a"), mentor("b"), mentor("boss")]
    the_program = program(locks=(lock,), blocks=(PairRef("b", "a", WHERE),))
    with pytest.raises(MatchingError) as caught:
        solve(the_program, profiles, staff)
    problem = caught.value.problems[0]
    assert (problem.rule, problem.location.path) == (rule, "test")
    assert words in problem.message


def test_locks_over_capacity_are_an_error() -> None:
    staff = [person("a"), person("c"), person("b", "t3")]
    locks = (PairRef("b", "a", WHERE), PairRef("b", "c", WHERE))
    with pytest.raises(MatchingError) as caught:
        solve(program(locks=locks), [mentee("a"), mentee("c"), mentor("b")], staff)
    assert caught.value.problems[0].rule == "lock-over-capacity"
    assert "2 locked mentees (a, c) but capacity 1" in caught.value.problems[0].message


def test_a_program_without_weights_is_an_error() -> None:
    document = parse_text(
        textwrap.dedent(
            """
            apiVersion: ladderctl/v1
            kind: MentorshipProgram
            id: p
            title: P
            matching:
              rules: {}
            """
        ),
        "program-p.yaml",
    )
    assert not isinstance(document, type(None))
    with pytest.raises(MatchingError) as caught:
        program_from_document(document)  # type: ignore[arg-type]
    problem = caught.value.problems[0]
    assert problem.rule == "missing-weights"
    assert str(problem.location) == "program-p.yaml:7:3"
    zero = dataclasses.replace(WEIGHTS, **{f.name: 0.0 for f in dataclasses.fields(Weights)})
    with pytest.raises(MatchingError, match="every matching weight 0"):
        solve(program(weights=zero), [mentee("a")], [person("a")])


# --------------------------------------------------------------------------------------------
# The command line and the committee's review loop
# --------------------------------------------------------------------------------------------


@pytest.fixture
def run_match(monkeypatch: pytest.MonkeyPatch) -> Run:
    """`ladderctl match-mentors` through a throwaway app, plain text at a fixed width."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "dumb")
    app = typer.Typer()
    match_command.register(app)

    @app.callback()
    def _root() -> None:
        """Keep 'match-mentors' a sub-command."""

    def invoke(*args: str | Path, expect: int | None = None) -> Result:
        outcome = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
        if expect is not None:
            assert result.exit_code == expect, str(result)
        return result

    return invoke


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of examples/ to run the command on (and to write proposals into)."""
    root = tmp_path / "dept"
    shutil.copytree(EXAMPLES, root)
    # Until `validate` skips proposals files by name, the config keeps them out.
    (root / "ladderctl.yaml").write_text('ignore: ["*.proposals.yaml"]\n', encoding="utf-8")
    return root


def test_cli_text_report(run_match: Run, example_repo: Path) -> None:
    result = run_match("match-mentors", "--repo", example_repo, "--as-of", AS_OF, expect=0)
    text = result.stdout
    assert text.startswith("Mentor matches for program cycle-2026 (strategy: score)\n")
    assert "  kayla-morrison  carmen-diaz      0.93   locked" in text
    assert "Unmatched mentees:" in text and "jacob-miller" in text
    assert "proven optimal: the total equals the dual bound" in text
    assert "┃" not in text and "│" not in text  # plain when piped


def test_cli_json_and_csv(run_match: Run, example_repo: Path) -> None:
    common = ("match-mentors", "--repo", example_repo, "--as-of", AS_OF)
    data = json.loads(run_match(*common, "--format", "json", expect=0).stdout)
    assert data["summary"]["pairs"] == 13 and data["proof"]["optimal"] is True
    assert data["pairs"][0]["terms"][0]["term"] == "goalAlignment"
    rows = list(csv.DictReader(io.StringIO(run_match(*common, "-f", "csv", expect=0).stdout)))
    assert len(rows) == 14
    kayla = next(r for r in rows if r["mentee"] == "kayla-morrison")
    assert (kayla["mentor"], kayla["status"]) == ("carmen-diaz", "locked")
    assert next(r for r in rows if r["mentee"] == "jacob-miller")["status"] == "unmatched"


def edit_decisions(path: Path, changes: Mapping[tuple[str, str], tuple[str, str]]) -> None:
    """Set (decision, comment) on pairs of a proposals file, as the committee would by hand."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["pairs"]:
        change = changes.get((entry["mentor"], entry["mentee"]))
        if change:
            entry["decision"], entry["comment"] = change
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_the_committee_review_loop(run_match: Run, example_repo: Path) -> None:
    proposals = example_repo / "mentorship" / "cycle-2026.proposals.yaml"
    common = ("match-mentors", "--repo", example_repo, "--as-of", AS_OF, "--out", proposals)
    first = run_match(*common, expect=0)
    assert "cycle-2026.proposals.yaml: written" in first.stderr
    text = proposals.read_text(encoding="utf-8")
    assert text.startswith("# Mentor matches proposed by `ladderctl match-mentors`")
    assert "decision: proposed" in text
    # Running again changes nothing.
    assert "unchanged" in run_match(*common, expect=0).stderr

    edit_decisions(
        proposals,
        {
            ("robert-nguyen", "isabella-cruz"): ("reject", "Robert is her preceptor."),
            ("aisha-bello", "hannah-liu"): ("accept", "Agreed on 2026-01-10."),
        },
    )
    second = run_match(*common, "--format", "json", expect=0)
    data = json.loads(second.stdout)
    pairs = {p["mentee"]: p for p in data["pairs"]}
    assert pairs["isabella-cruz"]["mentor"] != "robert-nguyen"
    assert pairs["hannah-liu"]["source"] == "locked"
    changed = {c["mentee"]: c for c in data["changes"]}
    assert changed["isabella-cruz"]["before"] == "robert-nguyen"
    assert changed["isabella-cruz"]["note"] == "the committee chose 'reject' for robert-nguyen"
    assert "2 committee decisions kept" in second.stderr
    kept = proposals.read_text(encoding="utf-8")
    assert "comment: Robert is her preceptor." in kept
    assert "decision: reject" in kept and "decision: accept" in kept
    # The rewritten file is still a valid decisions file, for the same program.
    document = parse_text(kept, str(proposals))
    decisions = decisions_from_document(document)  # type: ignore[arg-type]
    assert decisions.program == "cycle-2026"
    assert {
        (d.mentor, d.mentee, d.decision) for d in decisions.entries if d.decision != "proposed"
    } == {
        ("robert-nguyen", "isabella-cruz", "reject"),
        ("aisha-bello", "hannah-liu", "accept"),
    }


def test_a_proposals_file_validate_would_read_is_flagged(
    run_match: Run, example_repo: Path
) -> None:
    (example_repo / "ladderctl.yaml").write_text("ignore: []\n", encoding="utf-8")
    proposals = example_repo / "mentorship" / "cycle-2026.proposals.yaml"
    result = run_match(
        "match-mentors", "--repo", example_repo, "--as-of", AS_OF, "--out", proposals, expect=0
    )
    # Until `validate` skips *.proposals.yaml by name, the command says how to keep it out.
    walked = {f.resolve() for f in find_files([example_repo], root=example_repo)}
    if proposals.resolve() in walked:
        assert "warning: 'ladderctl validate' would read" in result.stderr
        assert 'ignore: ["*.proposals.yaml"]' in result.stderr
    else:
        assert "warning" not in result.stderr


def test_an_edited_file_is_never_overwritten_unread(
    run_match: Run, example_repo: Path, tmp_path: Path
) -> None:
    proposals = tmp_path / "review.proposals.yaml"
    common = ("match-mentors", "--repo", example_repo, "--as-of", AS_OF)
    run_match(*common, "--out", proposals, expect=0)
    edit_decisions(proposals, {("carmen-diaz", "kayla-morrison"): ("accept", "yes")})
    other = tmp_path / "other.proposals.yaml"
    other.write_text("program: cycle-2026\npairs: []\n", encoding="utf-8")
    before = proposals.read_text(encoding="utf-8")
    # Decisions from another file: the edited --out would lose its edits, so it is kept.
    refused = run_match(*common, "--decisions", other, "--out", proposals)
    assert refused.exit_code == 1, str(refused)
    assert "was not replaced" in refused.stderr and "--force" in refused.stderr
    assert proposals.read_text(encoding="utf-8") == before
    run_match(*common, "--decisions", other, "--out", proposals, "--force", expect=0)
    assert "decision: accept" not in proposals.read_text(encoding="utf-8")


def test_a_lock_that_breaks_a_rule_fails_the_cli_with_its_location(
    run_match: Run, example_repo: Path, tmp_path: Path
) -> None:
    decisions = tmp_path / "d.proposals.yaml"
    decisions.write_text(
        "program: cycle-2026\npairs:\n"
        "  - {mentee: jacob-miller, mentor: robert-nguyen, decision: lock}\n",
        encoding="utf-8",
    )
    result = run_match(
        "match-mentors", "--repo", example_repo, "--as-of", AS_OF, "--decisions", decisions
    )
    assert result.exit_code == 1, str(result)
    assert "d.proposals.yaml:3:5: error [lock-breaks-rule]" in result.stderr
    assert "Robert Nguyen's profile excludes Jacob Miller" in result.stderr
    assert "1 problem in the mentorship data: no pairs were proposed" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("file", "change", "words"),
    [
        (
            "mentorship/profiles/carmen-diaz.yaml",
            ("capacity: 1", "capacity: -1"),
            "capacity",
        ),
        (
            "mentorship/profiles/kayla-morrison.yaml",
            ("person: kayla-morrison", "person: kayla-moris"),
            "kayla-moris",
        ),
        (
            "mentorship/program-cycle-2026.yaml",
            ("  weights:\n", "  weightz:\n"),
            "weight",
        ),
    ],
)
def test_bad_records_are_reported_not_crashed(
    run_match: Run, example_repo: Path, file: str, change: tuple[str, str], words: str
) -> None:
    path = example_repo / file
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(*change), encoding="utf-8")
    result = run_match("match-mentors", "--repo", example_repo, "--as-of", AS_OF)
    assert result.exit_code == 1, str(result)
    assert words in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_usage_errors(run_match: Run, example_repo: Path, tmp_path: Path) -> None:
    common = ("match-mentors", "--repo", example_repo, "--as-of", AS_OF)
    wrong = run_match(*common, "--program", "nope")
    assert wrong.exit_code == 1 and "no mentorship program 'nope'" in wrong.stderr
    named = run_match(*common, "--out", example_repo / "mentorship" / "pairs.yaml")
    assert named.exit_code == 2 and ".proposals.yaml" in named.stderr
    missing = run_match(*common, "--decisions", tmp_path / "none.proposals.yaml")
    assert missing.exit_code == 2 and "no such decisions file" in missing.stderr
    help_text = run_match("match-mentors", "--help", expect=0).stdout
    assert "ladderctl match-mentors" in help_text and "Examples" in help_text


def test_decisions_files_are_checked() -> None:
    document = parse_text(
        "program: p\npairs:\n  - {mentee: a, mentor: b, decision: maybe}\n", "d.proposals.yaml"
    )
    with pytest.raises(MatchingError) as caught:
        decisions_from_document(document)  # type: ignore[arg-type]
    assert caught.value.problems[0].rule == "invalid-decision"
    record = parse_text("apiVersion: ladderctl/v1\nkind: Ladder\npairs: []\n", "x.yaml")
    with pytest.raises(MatchingError, match="not a proposals file"):
        decisions_from_document(record)  # type: ignore[arg-type]


def test_decisions_accept_and_reject_in_the_library() -> None:
    staff = [person("a"), person("b", "t3"), person("c", "t3", site="Far")]
    profiles = [mentee("a"), mentor("b"), mentor("c")]
    assert pairs_of(solve(program(), profiles, staff)) == {"a": "b"}
    reject = Decisions((Decision("b", "a", "reject", "no", WHERE),), "p", "d.proposals.yaml")
    report = solve(program(), profiles, staff, decisions=reject)
    assert pairs_of(report) == {"a": "c"}
    assert [(c.before, c.after) for c in report.changes] == [("b", "c")]
    lock = Decisions((Decision("c", "a", "lock", "", WHERE),), "p", None)
    assert solve(program(), profiles, staff, decisions=lock).pairs[0].source == "locked"


def test_as_of_is_only_used_for_validation(run_match: Run, example_repo: Path) -> None:
    common = ("match-mentors", "--repo", example_repo, "--format", "json")
    a = run_match(*common, "--as-of", AS_OF, expect=0).stdout
    b = run_match(*common, "--as-of", str(date(2026, 12, 31)), expect=0).stdout
    assert a == b
