"""Scope of practice: task catalogs, training plans, their `validate` rules, the pure functions."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, EXAMPLES, MINI_REPO, Result, write_tree
from ladderctl.department import Department
from ladderctl.loading import Document, load_file
from ladderctl.repository import find_files, load_documents
from ladderctl.scope import (
    Scope,
    UnknownTrainingPlan,
    build_delegation_matrix,
    scope_of,
    training_status,
)
from ladderctl.staff import StaffRecord

Run = Callable[..., Result]

TASKS = """
    apiVersion: ladderctl/v1
    kind: TaskCatalog
    id: cmm
    title: CMM
    procedures:
      - id: sop-adm-001
        title: Referral intake
        type: sop
    stages:
      - id: pre-visit
        title: Pre-visit
        tasks:
          - id: referral-intake
            title: Log a new referral
            delegation: delegable
            reason: Administrative.
            procedures: [sop-adm-001]
          - id: clinical-triage
            title: Clinical triage
            delegation: pharmacist-only
            reason: Clinical judgement.
          - id: chart-prep
            title: Chart prep
            delegation: shared
            reason: Both roles.
            parts:
              - role: technician
                duty: Collates the data.
              - role: pharmacist
                duty: Synthesises it.
      - id: post-visit
        title: Post-visit
        tasks:
          - id: prior-auth
            title: Prior authorizations
            delegation: delegable
            reason: Forms.
"""

PLAN = """
    apiVersion: ladderctl/v1
    kind: TrainingPlan
    id: t30
    title: 30-day plan
    durationDays: 30
    appliesTo:
      - ladder: tech
        level: tech-1
    phases:
      - id: week-1
        title: Orientation
        days: {from: 1, to: 7}
        goal: Understand the service.
        read: [sop-adm-001]
      - id: week-2
        title: Intake
        days: {from: 8, to: 14}
        goal: Intake proficiency.
        tasks: [referral-intake]
        competencies:
          - assessment: level-1
      - id: week-3
        title: Post-visit
        days: {from: 15, to: 30}
        goal: Prior authorizations.
        tasks: [prior-auth]
        competencies:
          - activityTag: precepting
"""

RPH = """
    apiVersion: ladderctl/v1
    kind: Ladder
    id: rph
    title: Pharmacist ladder
    track: clinical
    levels:
      - id: rph-1
        title: Pharmacist I
        tasks: [clinical-triage, chart-prep]
      - id: rph-2
        title: Pharmacist II
"""

TECH = (
    MINI_REPO["ladders/tech.yaml"]
    .replace(
        "    title: Technician I\n",
        "    title: Technician I\n    tasks: [referral-intake, chart-prep]\n",
    )
    .replace("    title: Technician II\n", "    title: Technician II\n    tasks: [prior-auth]\n")
)

ANN = MINI_REPO["staff/ann.yaml"] + textwrap.dedent(
    """\
    training:
      - plan: t30
        start: 2026-11-10
        completed:
          - phase: week-1
            date: 2026-11-14
            signedOffBy: boss
    """
)

SCOPE_REPO = {
    "tasks/cmm.yaml": TASKS,
    "training/t30.yaml": PLAN,
    "ladders/rph.yaml": RPH,
    "ladders/tech.yaml": TECH,
    "staff/ann.yaml": ANN,
}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def scope_repo(tmp_path: Path) -> Callable[..., Path]:
    """The mini repo plus a task catalog, a plan, a pharmacist ladder and Ann in training."""

    def build(**changes: str | None) -> Path:
        files = {**MINI_REPO, **{k: dedent(v) for k, v in SCOPE_REPO.items()}}
        for name, text in changes.items():
            key = name.replace("__", "/") + ("" if name.endswith(".yaml") else ".yaml")
            if text is None:
                files.pop(key, None)
            else:
                files[key] = dedent(text)
        return write_tree(tmp_path / "repo", files)

    return build


Repo = Callable[..., Path]


def problems(run: Run, repo: Path, *extra: str) -> list[dict[str, object]]:
    result = run("validate", repo, "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code in (0, 1), str(result)
    found: list[dict[str, object]] = json.loads(result.stdout)["problems"]
    return found


def found_rules(run: Run, repo: Path) -> set[tuple[str, str, str, int]]:
    """(rule, severity, file name, line) of every problem."""
    return {
        (str(p["rule"]), str(p["severity"]), Path(str(p["path"])).name, int(str(p["line"])))
        for p in problems(run, repo)
    }


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle` in dedented `text`."""
    hits = [n for n, line in enumerate(dedent(text).splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def column_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based column where `needle` starts on the line `line_of` finds."""
    line = dedent(text).splitlines()[line_of(text, needle, occurrence) - 1]
    return line.index(needle) + 1


# --- a clean department ------------------------------------------------------------------------


def test_the_scope_repo_is_clean(run: Run, scope_repo: Repo) -> None:
    result = run("validate", scope_repo(), "--as-of", AS_OF, expect=0)
    assert "checked 7 files: no problems" in result.stdout, str(result)


def test_the_examples_have_no_scope_errors(run: Run) -> None:
    found = problems(run, EXAMPLES)
    assert [p for p in found if p["severity"] == "error"] == []
    scope_rules = {p["rule"] for p in found} - {"expiring-soon", "review-overdue"}
    assert scope_rules == {"training-overdue"}  # zoe-campbell's week 4 was never signed off


# --- scope of practice -------------------------------------------------------------------------


def test_a_technician_level_listing_a_pharmacist_only_task_is_an_error(
    run: Run, scope_repo: Repo
) -> None:
    tech = TECH.replace("tasks: [prior-auth]", "tasks: [prior-auth, clinical-triage]")
    found = problems(run, scope_repo(ladders__tech=tech))
    assert [(p["rule"], p["severity"]) for p in found] == [("scope-of-practice", "error")]
    (problem,) = found
    assert problem["path"].endswith("ladders/tech.yaml")  # type: ignore[union-attr]
    assert (problem["line"], problem["column"]) == (
        line_of(tech, "clinical-triage"),
        column_of(tech, "clinical-triage"),
    )
    assert problem["message"] == (
        "level 'tech-2' lists 'clinical-triage' (Clinical triage), a pharmacist-only task, "
        "on a technician ladder (track technical means technician scope)"
    )
    assert "shared task" in str(problem["hint"])


@pytest.mark.parametrize(
    ("track", "scope", "error"),
    [
        ("technical", None, True),
        ("specialty", None, True),
        ("clinical", None, False),
        ("leadership", None, False),  # mixed: managers may or may not be pharmacists
        ("technical", "pharmacist", False),  # the explicit field wins over the track
        ("clinical", "technician", True),
        ("specialty", "mixed", False),
    ],
)
def test_which_ladders_are_technician_ladders(
    run: Run, scope_repo: Repo, track: str, scope: str | None, error: bool
) -> None:
    extra = f"\n    scope: {scope}" if scope else ""
    rph = RPH.replace("track: clinical", f"track: {track}{extra}")
    found = found_rules(run, scope_repo(ladders__rph=rph))
    expected = {("scope-of-practice", "error", "rph.yaml", line_of(rph, "clinical-triage"))}
    assert found == (expected if error else set())
    assert (scope_of(track, scope) == "technician") is error


def test_scope_rule_in_the_library() -> None:
    assert [scope_of(t) for t in ("technical", "specialty", "clinical", "leadership")] == [
        "technician",
        "technician",
        "pharmacist",
        "mixed",
    ]
    assert scope_of("clinical", "technician") == "technician"
    assert scope_of("unheard-of") == "mixed"


def test_a_training_plan_for_technicians_may_not_practise_a_pharmacist_only_task(
    run: Run, scope_repo: Repo
) -> None:
    plan = PLAN.replace("tasks: [prior-auth]", "tasks: [prior-auth, clinical-triage]")
    found = problems(run, scope_repo(training__t30=plan))
    assert [(p["rule"], p["line"]) for p in found] == [
        ("scope-of-practice", line_of(plan, "clinical-triage"))
    ]
    assert "the plan is for technicians (tech)" in str(found[0]["message"])
    # The same plan for pharmacists only is fine.
    for_rph = dedent(plan).replace("ladder: tech\n    level: tech-1", "ladder: rph")
    assert found_rules(run, scope_repo(training__t30=for_rph)) == set()


# --- shared tasks ------------------------------------------------------------------------------


def test_a_shared_task_without_a_split_of_duties_is_a_warning(run: Run, scope_repo: Repo) -> None:
    tasks = dedent(TASKS).replace(
        """        parts:
          - role: technician
            duty: Collates the data.
          - role: pharmacist
            duty: Synthesises it.
""",
        "",
    )
    result = run("validate", scope_repo(tasks__cmm=tasks), "--as-of", AS_OF, expect=0)
    line = line_of(tasks, "delegation: shared")
    assert (
        f"tasks/cmm.yaml:{line}:21: warning [shared-task-split] shared task 'chart-prep' does "
        "not say what the pharmacist and the technician do" in result.stdout
    ), str(result)


def test_a_shared_task_missing_one_role_names_it(run: Run, scope_repo: Repo) -> None:
    tasks = dedent(TASKS).replace(
        "          - role: pharmacist\n            duty: Synthesises it.\n", ""
    )
    found = problems(run, scope_repo(tasks__cmm=tasks))
    assert [(p["rule"], p["severity"], p["line"]) for p in found] == [
        ("shared-task-split", "warning", line_of(tasks, "role: technician"))
    ]
    assert str(found[0]["message"]).endswith("does not say what the pharmacist does")


def test_a_split_of_duties_on_a_task_that_is_not_shared(run: Run, scope_repo: Repo) -> None:
    tasks = TASKS.replace("delegation: shared", "delegation: delegable")
    assert found_rules(run, scope_repo(tasks__cmm=tasks)) == {
        ("parts-not-shared", "warning", "cmm.yaml", line_of(tasks, "role: technician"))
    }


# --- references --------------------------------------------------------------------------------


def test_an_unknown_task_on_a_ladder_suggests_the_nearest(run: Run, scope_repo: Repo) -> None:
    tech = TECH.replace("tasks: [prior-auth]", "tasks: [prior-auths]")
    (problem,) = problems(run, scope_repo(ladders__tech=tech))
    assert (problem["rule"], problem["line"]) == ("unknown-task", line_of(tech, "prior-auths"))
    assert problem["message"] == "task 'prior-auths' is not in any task catalog"
    assert str(problem["hint"]).startswith("did you mean 'prior-auth'? tasks: ")


def test_an_unknown_task_in_a_training_plan(run: Run, scope_repo: Repo) -> None:
    plan = PLAN.replace("tasks: [referral-intake]", "tasks: [referal-intake]")
    assert found_rules(run, scope_repo(training__t30=plan)) == {
        ("unknown-task", "error", "t30.yaml", line_of(plan, "referal-intake"))
    }


@pytest.mark.parametrize(
    ("name", "old", "new", "needle"),
    [
        ("tasks__cmm", "procedures: [sop-adm-001]", "procedures: [sop-adm-009]", "sop-adm-009"),
        ("training__t30", "read: [sop-adm-001]", "read: [sop-adm-002]", "sop-adm-002"),
    ],
)
def test_unknown_procedures(
    run: Run, scope_repo: Repo, name: str, old: str, new: str, needle: str
) -> None:
    text = (TASKS if name == "tasks__cmm" else PLAN).replace(old, new)
    file = name.split("__")[1] + ".yaml"
    assert found_rules(run, scope_repo(**{name: text})) == {
        ("unknown-procedure", "error", file, line_of(text, needle))
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("- assessment: level-1", "- assessment: level-one"),
        ("- activityTag: precepting", "- activityTag: preceptor"),
    ],
)
def test_a_competency_must_be_one_ladder_criteria_can_use(
    run: Run, scope_repo: Repo, old: str, new: str
) -> None:
    plan = PLAN.replace(old, new)
    (problem,) = problems(run, scope_repo(training__t30=plan))
    value = new.split(": ")[1]
    assert (problem["rule"], problem["line"], problem["column"]) == (
        "unknown-competency",
        line_of(plan, new),
        column_of(plan, value),
    )
    assert "no ladder criterion can use this competency" in str(problem["message"])
    assert "add it to catalog.yaml" in str(problem["hint"])


def test_who_a_plan_applies_to_must_exist(run: Run, scope_repo: Repo) -> None:
    plan = PLAN.replace("level: tech-1", "level: tech-9")
    assert found_rules(run, scope_repo(training__t30=plan)) == {
        ("unknown-level", "error", "t30.yaml", line_of(plan, "tech-9"))
    }
    plan = PLAN.replace("ladder: tech", "ladder: techs")
    assert found_rules(run, scope_repo(training__t30=plan)) == {
        ("unknown-ladder", "error", "t30.yaml", line_of(plan, "ladder: techs"))
    }


def test_a_broken_task_catalog_does_not_make_every_task_reference_dangle(
    run: Run, scope_repo: Repo
) -> None:
    tasks = TASKS.replace("delegation: delegable\n", "delegation: delegatable\n", 1)
    found = found_rules(run, scope_repo(tasks__cmm=tasks))
    assert {rule for rule, *_ in found} == {"invalid-value"}, found


# --- stages and ids ----------------------------------------------------------------------------


def test_a_task_in_two_stages_is_an_error(run: Run, scope_repo: Repo) -> None:
    tasks = TASKS.replace("- id: prior-auth", "- id: chart-prep")
    tech = TECH.replace("tasks: [prior-auth]", "tasks: []")
    plan = PLAN.replace("tasks: [prior-auth]", "tasks: []")
    found = problems(run, scope_repo(tasks__cmm=tasks, ladders__tech=tech, training__t30=plan))
    assert [(p["rule"], p["line"]) for p in found] == [
        ("task-in-two-stages", line_of(tasks, "- id: chart-prep", 2))
    ]
    first = f"{line_of(tasks, '- id: chart-prep')}:{column_of(tasks, 'chart-prep')}"
    assert found[0]["message"] == (
        "task 'chart-prep' is in stage 'post-visit' and already in stage 'pre-visit' "
        f"({found[0]['path']}:{first})"
    )


def test_a_task_in_two_catalogs(run: Run, scope_repo: Repo) -> None:
    other = dedent(
        """
        apiVersion: ladderctl/v1
        kind: TaskCatalog
        id: other
        title: Other
        stages:
          - id: dispensing
            title: Dispensing
            tasks:
              - id: prior-auth
                title: Prior authorizations
                delegation: delegable
                reason: Forms.
          - id: post-visit
            title: Post-visit
            tasks:
              - id: clinical-triage
                title: Clinical triage
                delegation: pharmacist-only
                reason: Clinical judgement.
        """
    )
    found = found_rules(run, scope_repo(tasks__other=other))
    # Files are read in path order: tasks/cmm.yaml defines them first.
    assert found == {
        ("task-in-two-stages", "error", "other.yaml", line_of(other, "- id: prior-auth")),
        ("task-in-two-stages", "error", "other.yaml", line_of(other, "- id: clinical-triage")),
    }
    same_stage = other.replace("id: dispensing", "id: post-visit", 1)
    found = found_rules(run, scope_repo(tasks__other=same_stage))
    assert {rule for rule, *_ in found} == {"duplicate-id", "task-in-two-stages"}


def test_the_same_task_twice_in_one_stage_is_a_duplicate(run: Run, scope_repo: Repo) -> None:
    tasks = TASKS.replace("- id: clinical-triage", "- id: referral-intake")
    tech = TECH  # references to clinical-triage disappear with it
    rph = RPH.replace("clinical-triage, ", "")
    found = found_rules(run, scope_repo(tasks__cmm=tasks, ladders__tech=tech, ladders__rph=rph))
    assert found == {("duplicate-id", "error", "cmm.yaml", line_of(tasks, "- id: referral", 2))}


def test_repeated_stage_and_procedure_ids(run: Run, scope_repo: Repo) -> None:
    tasks = dedent(TASKS).replace("  - id: post-visit", "  - id: pre-visit")
    tasks = tasks.replace(
        "    type: sop\n", "    type: sop\n  - id: sop-adm-001\n    title: Again\n    type: form\n"
    )
    found = found_rules(run, scope_repo(tasks__cmm=tasks))
    assert found == {
        ("duplicate-id", "error", "cmm.yaml", line_of(tasks, "- id: sop-adm-001", 2)),
        ("duplicate-id", "error", "cmm.yaml", line_of(tasks, "- id: pre-visit", 2)),
    }


def test_repeated_catalog_and_plan_ids(run: Run, scope_repo: Repo) -> None:
    other_tasks = dedent(TASKS).replace(
        "procedures:\n  - id: sop-adm-001", "procedures:\n  - id: x"
    )
    other_tasks = other_tasks.replace("[sop-adm-001]", "[x]")
    for old in ("referral-intake", "clinical-triage", "chart-prep", "prior-auth"):
        other_tasks = other_tasks.replace(f"id: {old}", f"id: {old}-2")
    other_plan = dedent(PLAN).replace("title: 30-day plan", "title: Copy")
    found = found_rules(run, scope_repo(tasks__copy=other_tasks, training__copy=other_plan))
    assert found == {
        # The second file in path order is the one reported: tasks/copy.yaml, training/t30.yaml.
        ("duplicate-id", "error", "copy.yaml", line_of(other_tasks, "id: cmm")),
        ("duplicate-id", "error", "t30.yaml", line_of(PLAN, "id: t30")),
    }


# --- phases ------------------------------------------------------------------------------------


def test_overlapping_weeks_are_an_error(run: Run, scope_repo: Repo) -> None:
    plan = PLAN.replace("days: {from: 8, to: 14}", "days: {from: 6, to: 14}")
    (problem,) = problems(run, scope_repo(training__t30=plan))
    assert (problem["rule"], problem["line"], problem["column"]) == (
        "overlapping-phases",
        line_of(plan, "from: 6"),
        column_of(plan, "{from: 6"),
    )
    assert problem["message"] == "phase 'week-2' (days 6-14) overlaps phase 'week-1' (days 1-7)"
    assert problem["hint"] == "start it on day 8 or later, or shorten the other phase"


def test_a_phase_inside_another_one_overlaps_too(run: Run, scope_repo: Repo) -> None:
    plan = PLAN.replace("days: {from: 15, to: 30}", "days: {from: 10, to: 12}")
    found = found_rules(run, scope_repo(training__t30=plan))
    assert found == {("overlapping-phases", "error", "t30.yaml", line_of(plan, "from: 10"))}


@pytest.mark.parametrize(
    ("days", "words"),
    [
        ("{from: 15, to: 12}", "ends on day 12, before it starts on day 15"),
        ("{from: 15, to: 31}", "ends on day 31, but the plan lasts 30 days"),
    ],
)
def test_phase_days_must_make_sense(run: Run, scope_repo: Repo, days: str, words: str) -> None:
    plan = PLAN.replace("{from: 15, to: 30}", days)
    (problem,) = problems(run, scope_repo(training__t30=plan))
    assert (problem["rule"], problem["line"]) == ("phase-days", line_of(plan, days))
    assert words in str(problem["message"])


def test_a_repeated_phase_id(run: Run, scope_repo: Repo) -> None:
    plan = PLAN.replace("- id: week-3", "- id: week-2")
    assert found_rules(run, scope_repo(training__t30=plan)) == {
        ("duplicate-id", "error", "t30.yaml", line_of(plan, "- id: week-2", 2))
    }


# --- training progress on staff records --------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "rule", "needle"),
    [
        ("- plan: t30", "- plan: t31", "unknown-training-plan", "t31"),
        ("- phase: week-1", "- phase: week-7", "unknown-phase", "week-7"),
        ("date: 2026-11-14", "date: 2026-11-01", "date-order", "2026-11-01"),
        ("signedOffBy: boss", "signedOffBy: bos", "unknown-person", "signedOffBy: bos"),
    ],
)
def test_training_progress_references(
    run: Run, scope_repo: Repo, old: str, new: str, rule: str, needle: str
) -> None:
    ann = ANN.replace(old, new)
    expected = {(rule, "error", "ann.yaml", line_of(ann, needle))}
    if rule == "unknown-phase":  # week-1 is then not done, and it was due on 2026-11-16
        expected.add(("training-overdue", "warning", "ann.yaml", line_of(ann, "- plan:")))
    assert found_rules(run, scope_repo(staff__ann=ann)) == expected


def test_a_phase_completed_twice(run: Run, scope_repo: Repo) -> None:
    ann = ANN + "      - phase: week-1\n        date: 2026-11-15\n"
    assert found_rules(run, scope_repo(staff__ann=ann)) == {
        ("duplicate-id", "error", "ann.yaml", line_of(ann, "- phase: week-1", 2))
    }


def test_an_overdue_phase_is_a_warning(run: Run, scope_repo: Repo) -> None:
    repo = scope_repo()
    result = run("validate", repo, "--as-of", "2026-12-01", "--format", "json", expect=0)
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["rule"], problem["severity"], problem["line"]) == (
        "training-overdue",
        "warning",
        line_of(ANN, "- plan: t30"),
    )
    assert problem["message"] == (
        "phase 'week-2' of training plan 't30' was due on 2026-11-23 and is not completed"
    )
    run("validate", repo, "--as-of", "2026-12-01", "--strict", expect=1)


def test_people_who_left_are_not_chased(run: Run, scope_repo: Repo) -> None:
    ann = ANN.replace("status: active", "status: terminated\nendDate: 2026-11-20")
    result = run("validate", scope_repo(staff__ann=ann), "--as-of", "2026-12-01", expect=0)
    assert "training-overdue" not in result.stdout


# --- the library -------------------------------------------------------------------------------


def _documents(root: Path) -> list[Document]:
    loaded = load_documents(find_files([root], root=root))
    assert not loaded.diagnostics, loaded.diagnostics
    return loaded.documents


def _examples() -> tuple[Department, Scope]:
    documents = _documents(EXAMPLES)
    return Department.from_documents(documents), Scope.from_documents(documents)


def test_the_example_catalog_encodes_the_seed_matrix() -> None:
    _department, scope = _examples()
    (catalog,) = scope.catalogs
    assert [s.id for s in catalog.stages] == ["pre-visit", "visit", "post-visit"]
    by_level: dict[str, list[str]] = {}
    for task in catalog.tasks:
        by_level.setdefault(task.delegation, []).append(task.id)
    assert by_level == {
        "delegable": [
            "referral-intake",
            "records-gathering",
            "patient-outreach-scheduling",
            "rooming-vitals",
            "prior-authorizations",
            "follow-up-scheduling",
        ],
        "pharmacist-only": [
            "clinical-triage",
            "med-rec-interview",
            "clinical-assessment-plan",
            "clinical-note",
            "provider-recommendations",
        ],
        "shared": ["chart-prep", "patient-education", "emr-med-list-update"],
    }
    for task in catalog.tasks:
        if task.delegation == "shared":
            assert task.part("pharmacist") and task.part("technician"), task.id
    assert scope.task("referral-intake").procedures == ("sop-adm-001",)
    assert scope.procedure("sop-adm-001") is not None
    assert scope.procedure("sop-adm-001").label == "SOP-ADM-001 Referral intake"  # type: ignore[union-attr]


def test_the_example_plan_is_the_seed_30_day_plan() -> None:
    _department, scope = _examples()
    plan = scope.plan("cmm-technician-30-day")
    assert plan.duration_days == 30
    assert [(p.id, p.first_day, p.last_day) for p in plan.phases] == [
        ("week-1", 1, 7),
        ("week-2", 8, 14),
        ("week-3", 15, 21),
        ("week-4", 22, 30),
    ]
    assert [p.supervision for p in plan.phases] == [
        "observation",
        "direct-supervision",
        "direct-supervision",
        "independent-with-review",
    ]
    assert plan.phases[0].goal == 'Understand the "what" and "why" before learning the "how".'
    assert plan.phases[2].read == ("sop-fin-001", "pa-initiation-checklist")


def test_the_delegation_matrix_of_the_examples() -> None:
    department, scope = _examples()
    spt = department.ladder("specialty-pharmacy-technician")
    matrix = build_delegation_matrix(scope.catalogs, [spt])
    assert [c.key for c in matrix.columns] == [
        "specialty-pharmacy-technician/spt-1",
        "specialty-pharmacy-technician/spt-2",
        "specialty-pharmacy-technician/spt-3",
    ]
    rows = {row.task.id: row for row in matrix.rows}
    intake = [(c.status, c.from_level) for c in rows["referral-intake"].cells]
    assert intake == [("listed", None), ("inherited", "spt-1"), ("inherited", "spt-1")]
    assert [c.status for c in rows["clinical-triage"].cells] == ["not-permitted"] * 3
    chart = rows["chart-prep"].cells
    assert [(c.status, c.part) for c in chart] == [
        ("none", None),
        ("listed", "technician"),
        ("inherited", "technician"),
    ]
    payload = matrix.to_dict()
    assert payload["catalogs"] == ["cmm-delegation-matrix"]
    first = payload["tasks"][0]  # type: ignore[index]
    assert first["levels"]["specialty-pharmacy-technician/spt-1"] == {
        "status": "listed",
        "part": None,
        "fromLevel": None,
    }


def test_a_pharmacist_ladder_does_its_part_of_shared_tasks() -> None:
    department, scope = _examples()
    matrix = build_delegation_matrix(scope.catalogs, [department.ladder("clinical-pharmacist")])
    rows = {row.task.id: row for row in matrix.rows}
    assert [c.part for c in rows["patient-education"].cells] == ["pharmacist"] * 3
    assert [c.status for c in rows["referral-intake"].cells] == ["none"] * 3


TRAINING_DATES = [
    # as of, done, current, next, overdue, plan state
    ("2026-05-31", [], [], "week-1", [], "not-started"),
    ("2026-06-01", [], ["week-1"], "week-2", [], "in-progress"),
    ("2026-06-12", ["week-1", "week-2"], [], "week-3", [], "in-progress"),
    ("2026-06-20", ["week-1", "week-2"], ["week-3"], "week-4", [], "in-progress"),
    ("2026-06-22", ["week-1", "week-2"], ["week-4"], None, ["week-3"], "overdue"),
    (AS_OF, ["week-1", "week-2", "week-3"], [], None, ["week-4"], "overdue"),
]


@pytest.mark.parametrize(("as_of", "done", "current", "nxt", "overdue", "state"), TRAINING_DATES)
def test_training_status_as_time_passes(
    as_of: str,
    done: list[str],
    current: list[str],
    nxt: str | None,
    overdue: list[str],
    state: str,
) -> None:
    department, scope = _examples()
    report = training_status(
        department.person("zoe-campbell"), scope, as_of=date.fromisoformat(as_of)
    )
    (progress,) = report.plans
    assert [p.phase.id for p in progress.done] == done
    assert [p.phase.id for p in progress.current] == current
    assert (progress.next.phase.id if progress.next else None) == nxt
    assert [p.phase.id for p in progress.overdue] == overdue
    assert progress.state == state


def test_training_status_details() -> None:
    department, scope = _examples()
    report = training_status(
        department.person("zoe-campbell"), scope, as_of=date.fromisoformat(AS_OF)
    )
    (progress,) = report.plans
    week3 = progress.phases[2]
    assert (week3.completed, week3.due, week3.late) == (
        date(2026, 6, 26),
        date(2026, 6, 21),
        True,
    )
    assert week3.signed_off_by == "hannah-liu"
    assert progress.end == date(2026, 6, 30)
    (evidence,) = week3.competencies
    assert (evidence.competency.id, evidence.on_file, evidence.detail) == (
        "benefits-investigation-competency",
        False,
        "no pass on file",
    )
    payload = report.to_dict()
    assert payload["person"] == "zoe-campbell"
    assert payload["plans"][0]["overdue"] == ["week-4"]  # type: ignore[index]


def test_omar_completed_the_plan() -> None:
    department, scope = _examples()
    report = training_status(
        department.person("omar-farouk"), scope, as_of=date.fromisoformat(AS_OF)
    )
    (progress,) = report.plans
    assert progress.state == "complete"
    assert progress.phases[-1].signed_off_by == "james-thornton"


def test_a_person_without_training() -> None:
    department, scope = _examples()
    report = training_status(department.person("carmen-diaz"), scope, as_of=date(2026, 11, 21))
    assert report.plans == ()


def test_an_unknown_plan_raises() -> None:
    department, _scope = _examples()
    with pytest.raises(UnknownTrainingPlan, match="no training plan 'cmm-technician-30-day'"):
        training_status(department.person("zoe-campbell"), Scope(), as_of=date(2026, 11, 21))


def test_evidence_from_the_record(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "r",
        {
            **MINI_REPO,
            **SCOPE_REPO,
            "staff/ann.yaml": ANN.replace(
                "    result: pass\n",
                "    result: pass\naccomplishments:\n  - title: Precepted Bo\n"
                "    date: 2026-11-12\n    tags: [precepting]\n",
            ),
        },
    )
    documents = _documents(repo)
    department, scope = Department.from_documents(documents), Scope.from_documents(documents)
    report = training_status(department.person("ann"), scope, as_of=date(2026, 11, 21))
    evidence = [
        (e.competency.id, e.on_file, e.detail)
        for p in report.plans[0].phases
        for e in p.competencies
    ]
    assert evidence == [
        ("level-1", True, "passed 2024-06-01"),
        ("precepting", True, "1 accomplishment on file"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    offsets=st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=2),
)
def test_phases_never_move_backwards_as_time_passes(start: date, offsets: list[int]) -> None:
    """done stays done; upcoming -> current -> overdue -> (done) only, with nothing changed."""
    plan_doc = _plan_document()
    scope = Scope.from_documents([plan_doc])
    person = _person_in_training(start)
    order = {"upcoming": 0, "current": 1, "overdue": 2, "done": 3}
    early, late = sorted(start + timedelta(days=o) for o in offsets)
    before = training_status(person, scope, as_of=early).plans[0].phases
    after = training_status(person, scope, as_of=late).plans[0].phases
    for old, new in zip(before, after, strict=True):
        if old.state == "done":
            assert new.state == "done"
        else:
            assert order[new.state] >= order[old.state] or new.state == "done"


def _plan_document() -> Document:
    from ladderctl.loading import parse_text

    parsed = parse_text(dedent(PLAN), "training/t30.yaml")
    assert isinstance(parsed, Document)
    return parsed


def _person_in_training(start: date) -> StaffRecord:
    from ladderctl.loading import parse_text

    text = dedent(MINI_REPO["staff/boss.yaml"]) + (
        f"training:\n  - plan: t30\n    start: {start.isoformat()}\n    completed:\n"
        f"      - phase: week-2\n        date: {(start + timedelta(days=12)).isoformat()}\n"
    )
    parsed = parse_text(text, "staff/boss.yaml")
    assert isinstance(parsed, Document)
    return StaffRecord.from_document(parsed)


def test_examples_load_with_the_typed_model() -> None:
    for path in sorted((EXAMPLES / "tasks").glob("*.yaml")) + sorted(
        (EXAMPLES / "training").glob("*.yaml")
    ):
        loaded = load_file(path)
        assert isinstance(loaded, Document), loaded


def test_a_thousand_tasks_across_twenty_ladders_check_well_under_a_second(tmp_path: Path) -> None:
    """The benchmark's department (see benchmarks/README-scope.md), with an error of each kind."""
    import importlib.util
    import time

    from ladderctl.references import check_references

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scope.py"
    spec = importlib.util.spec_from_file_location("bench_scope", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path / "dept"
    bench.generate(root, tasks=1000, ladders=20, staff=2, broken=True, seed=1)
    documents = _documents(root)
    start = time.perf_counter()
    found = check_references(documents, as_of=date.fromisoformat(AS_OF))
    elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    for problem in found:
        counts[problem.rule] = counts.get(problem.rule, 0) + 1
    assert counts == {"overlapping-phases": 20, "scope-of-practice": 10, "unknown-task": 20}
    assert elapsed < 0.5, f"{elapsed:.3f} s"
