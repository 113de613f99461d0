"""Cross-file rules for task catalogs, training plans and the tasks ladders list.

Called by `ladderctl.references.check_references` on records that passed their schema. Rules:

- `scope-of-practice` (error): a technician ladder level (see `ladderctl.scope.scope_of`), or a
  training plan for technicians, lists a pharmacist-only task;
- `shared-task-split` (warning): a shared task does not say what both the pharmacist and the
  technician do; `parts-not-shared` (warning): a split of duties on a task that is not shared;
- `unknown-task`, `unknown-procedure`, `unknown-competency`, `unknown-training-plan`,
  `unknown-phase` (errors): references that do not resolve;
- `task-in-two-stages` (error): one task id under two workflow stages;
- `overlapping-phases`, `phase-days` (errors): a plan's phases share days, run backwards or
  past the end of the plan;
- `training-overdue` (warning): an active person's plan has a phase past its last day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from ladderctl.diagnostics import Severity
from ladderctl.loading import Document, JsonPath
from ladderctl.scope import ROLES, scope_of

__all__ = ["Reporter", "check_scope"]


class Reporter(Protocol):
    """What the rules need from the collector in `ladderctl.references`."""

    as_of: date
    by_kind: dict[str, list[Document]]
    known_elsewhere: dict[str, set[str]]
    unsure: set[str]

    def report(
        self,
        document: Document,
        path: JsonPath,
        rule: str,
        message: str,
        hint: str = "",
        *,
        severity: Severity = "error",
        key: bool = False,
    ) -> None: ...

    def unique_ids(self, kind: str, field: str = "id") -> dict[str, Document]: ...


def _listing(ids: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:limit])
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return shown + more if ordered else "none"


# Suggesting the nearest id compares the typo with every task (milliseconds each in a catalog of
# 1,000 look-alike ids): only for the first few typos, and only close matches.
MAX_SUGGESTIONS = 20
SUGGESTION_CUTOFF = 0.75


class _Tasks:
    """Every task and procedure of the task catalogs, with where each was defined."""

    def __init__(self) -> None:
        # task id -> (task data, its stage id, the catalog, the path of the task)
        self.tasks: dict[str, tuple[dict[str, Any], str, Document, JsonPath]] = {}
        self.procedures: dict[str, tuple[Document, JsonPath]] = {}
        self.suggestions: dict[str, str] = {}
        self._listing: str | None = None

    def listing(self) -> str:
        """The known task ids for a hint, computed once."""
        if self._listing is None:
            self._listing = _listing(self.tasks)
        return self._listing

    def suggest(self, unknown: str) -> str:
        """`did you mean 'x'? ` for a task id typo (or nothing), remembered per typo."""
        if unknown not in self.suggestions:
            if len(self.suggestions) >= MAX_SUGGESTIONS:
                return ""
            import difflib

            close = difflib.get_close_matches(
                unknown, list(self.tasks), n=1, cutoff=SUGGESTION_CUTOFF
            )
            self.suggestions[unknown] = f"did you mean '{close[0]}'? " if close else ""
        return self.suggestions[unknown]


def check_scope(
    check: Reporter,
    *,
    ladders: Mapping[str, Document],
    staff: Mapping[str, Document],
    assessments: Mapping[str, Any],
    tags: Mapping[str, Any],
    rejected: Sequence[Document] = (),
) -> None:
    """Run every scope-of-practice rule; problems go to `check.report`."""
    rejected_kinds = {d.kind for d in rejected}
    # References into a task catalog or plan that failed its schema cannot be judged yet.
    tasks_unsure = "TaskCatalog" in rejected_kinds
    plans_unsure = "TrainingPlan" in rejected_kinds
    index = _check_catalogs(check)
    levels_of = {lid: [lv["id"] for lv in doc.data["levels"]] for lid, doc in ladders.items()}
    for ladder in ladders.values():
        _check_ladder_tasks(check, ladder, index, tasks_unsure)
    plans = check.unique_ids("TrainingPlan")
    for plan in check.by_kind.get("TrainingPlan", []):
        _check_plan(check, plan, index, ladders, levels_of, assessments, tags, unsure=tasks_unsure)
    for person in staff.values():
        _check_training(check, person, plans, staff, unsure=plans_unsure)


# --- task catalogs -----------------------------------------------------------------------------


def _check_catalogs(check: Reporter) -> _Tasks:
    index = _Tasks()
    catalogs = check.by_kind.get("TaskCatalog", [])
    check.unique_ids("TaskCatalog")
    for catalog in catalogs:
        for i, procedure in enumerate(catalog.data.get("procedures", [])):
            where: JsonPath = ("procedures", i, "id")
            first = index.procedures.get(procedure["id"])
            if first is not None:
                check.report(
                    catalog,
                    where,
                    "duplicate-id",
                    f"procedure '{procedure['id']}' is already defined "
                    f"({first[0].locate(first[1])})",
                    hint="each procedure id may appear once across the task catalogs",
                )
            else:
                index.procedures[procedure["id"]] = (catalog, where)
    for catalog in catalogs:
        stage_ids: dict[str, int] = {}
        for s, stage in enumerate(catalog.data["stages"]):
            if stage["id"] in stage_ids:
                check.report(
                    catalog,
                    ("stages", s, "id"),
                    "duplicate-id",
                    f"stage '{stage['id']}' appears twice in this catalog",
                    hint="list each stage once, with all its tasks",
                )
            stage_ids.setdefault(stage["id"], s)
            for t, task in enumerate(stage["tasks"]):
                path: JsonPath = ("stages", s, "tasks", t)
                _check_task(check, catalog, task, stage["id"], path, index)
    return index


def _check_task(
    check: Reporter,
    catalog: Document,
    task: dict[str, Any],
    stage: str,
    path: JsonPath,
    index: _Tasks,
) -> None:
    task_id = task["id"]
    first = index.tasks.get(task_id)
    if first is not None:
        _data, first_stage, first_doc, first_path = first
        where = first_doc.locate([*first_path, "id"])
        if first_stage != stage:
            check.report(
                catalog,
                [*path, "id"],
                "task-in-two-stages",
                f"task '{task_id}' is in stage '{stage}' and already in stage "
                f"'{first_stage}' ({where})",
                hint="a task belongs to one workflow stage: keep one, or give this one its own id",
            )
        else:
            check.report(
                catalog,
                [*path, "id"],
                "duplicate-id",
                f"task '{task_id}' is already in stage '{stage}' ({where})",
                hint="list each task once",
            )
    else:
        index.tasks[task_id] = (task, stage, catalog, path)
    for i, procedure in enumerate(task.get("procedures", [])):
        if procedure not in index.procedures:
            check.report(
                catalog,
                [*path, "procedures", i],
                "unknown-procedure",
                f"procedure '{procedure}' is not in any task catalog's procedures",
                hint=f"add it under 'procedures:', or use one of: {_listing(index.procedures)}",
            )
    roles = [part["role"] for part in task.get("parts", [])]
    if task["delegation"] == "shared":
        missing = [role for role in ROLES if role not in roles]
        if missing:
            check.report(
                catalog,
                [*path, "parts"] if roles else [*path, "delegation"],
                "shared-task-split",
                f"shared task '{task_id}' does not say what the "
                f"{' and the '.join(missing)} {'do' if len(missing) > 1 else 'does'}",
                hint="add 'parts:' with a '- role: pharmacist' and a '- role: technician' entry, "
                "each with its 'duty'",
                severity="warning",
            )
    elif roles:
        check.report(
            catalog,
            [*path, "parts"],
            "parts-not-shared",
            f"task '{task_id}' is {task['delegation']} but lists a split of duties",
            hint="set 'delegation: shared', or remove 'parts'",
            severity="warning",
        )


# --- ladders -----------------------------------------------------------------------------------


def _check_ladder_tasks(check: Reporter, ladder: Document, index: _Tasks, unsure: bool) -> None:
    data = ladder.data
    scope = scope_of(data["track"], data.get("scope"))
    why = (
        f"scope: {data['scope']}"
        if "scope" in data
        else f"track {data['track']} means technician scope"
    )
    for i, level in enumerate(data["levels"]):
        for j, task_id in enumerate(level.get("tasks", [])):
            where: JsonPath = ("levels", i, "tasks", j)
            found = index.tasks.get(task_id)
            if found is None:
                if not unsure:
                    _unknown_task(check, ladder, where, task_id, index)
                continue
            task = found[0]
            if scope == "technician" and task["delegation"] == "pharmacist-only":
                check.report(
                    ladder,
                    where,
                    "scope-of-practice",
                    f"level '{level['id']}' lists '{task_id}' ({task['title']}), a "
                    f"pharmacist-only task, on a technician ladder ({why})",
                    hint="remove it from the level; if support staff do a defined part of it, "
                    "make it a shared task with 'parts' in the task catalog",
                )


def _unknown_task(
    check: Reporter, document: Document, where: JsonPath, task_id: str, index: _Tasks
) -> None:
    check.report(
        document,
        where,
        "unknown-task",
        f"task '{task_id}' is not in any task catalog",
        hint=f"{index.suggest(task_id)}tasks: {index.listing()}",
    )


# --- training plans ----------------------------------------------------------------------------


def _check_plan(
    check: Reporter,
    plan: Document,
    index: _Tasks,
    ladders: Mapping[str, Document],
    levels_of: Mapping[str, list[str]],
    assessments: Mapping[str, Any],
    tags: Mapping[str, Any],
    *,
    unsure: bool,
) -> None:
    data = plan.data
    technician_ladders = []
    for i, audience in enumerate(data.get("appliesTo", [])):
        ladder_id = audience["ladder"]
        if ladder_id not in levels_of:
            if ladder_id not in check.known_elsewhere.get("Ladder", ()):
                check.report(
                    plan,
                    ("appliesTo", i, "ladder"),
                    "unknown-ladder",
                    f"ladder '{ladder_id}' does not exist",
                    hint=f"ladders: {_listing(levels_of)}",
                )
            continue
        if "level" in audience and audience["level"] not in levels_of[ladder_id]:
            check.report(
                plan,
                ("appliesTo", i, "level"),
                "unknown-level",
                f"level '{audience['level']}' is not on ladder '{ladder_id}'",
                hint=f"levels: {', '.join(levels_of[ladder_id])}",
            )
        ladder = ladders[ladder_id].data
        if scope_of(ladder["track"], ladder.get("scope")) == "technician":
            technician_ladders.append(ladder_id)

    duration = data["durationDays"]
    seen: dict[str, int] = {}
    spans: list[tuple[int, int, int]] = []  # (from, to, phase index) of well-formed phases
    for i, phase in enumerate(data["phases"]):
        if phase["id"] in seen:
            check.report(
                plan,
                ("phases", i, "id"),
                "duplicate-id",
                f"phase '{phase['id']}' appears twice in this plan",
                hint="give each phase its own id: staff records name it when it is completed",
            )
        seen.setdefault(phase["id"], i)
        first, last = phase["days"]["from"], phase["days"]["to"]
        if last < first:
            check.report(
                plan,
                ("phases", i, "days", "to"),
                "phase-days",
                f"phase '{phase['id']}' ends on day {last}, before it starts on day {first}",
                hint="check the two days",
            )
        elif last > duration:
            check.report(
                plan,
                ("phases", i, "days", "to"),
                "phase-days",
                f"phase '{phase['id']}' ends on day {last}, but the plan lasts {duration} days",
                hint=f"end it by day {duration}, or raise durationDays",
            )
        else:
            spans.append((first, last, i))
        _check_phase_references(
            check, plan, i, phase, index, assessments, tags, technician_ladders, unsure=unsure
        )
    _check_overlaps(check, plan, spans)


def _check_overlaps(check: Reporter, plan: Document, spans: list[tuple[int, int, int]]) -> None:
    """Each phase that shares days with one listed before it, reported once at the later one."""
    phases = plan.data["phases"]
    for position, (first, last, i) in enumerate(spans):
        for other_first, other_last, j in spans[:position]:
            if first <= other_last and other_first <= last:
                check.report(
                    plan,
                    ("phases", i, "days"),
                    "overlapping-phases",
                    f"phase '{phases[i]['id']}' (days {first}-{last}) overlaps phase "
                    f"'{phases[j]['id']}' (days {other_first}-{other_last})",
                    hint=f"start it on day {other_last + 1} or later, or shorten the other phase",
                )
                break


def _check_phase_references(
    check: Reporter,
    plan: Document,
    i: int,
    phase: dict[str, Any],
    index: _Tasks,
    assessments: Mapping[str, Any],
    tags: Mapping[str, Any],
    technician_ladders: list[str],
    *,
    unsure: bool,
) -> None:
    for j, procedure in enumerate(phase.get("read", [])):
        if procedure not in index.procedures and not unsure:
            check.report(
                plan,
                ("phases", i, "read", j),
                "unknown-procedure",
                f"procedure '{procedure}' is not in any task catalog's procedures",
                hint=f"procedures: {_listing(index.procedures)}",
            )
    for j, task_id in enumerate(phase.get("tasks", [])):
        found = index.tasks.get(task_id)
        if found is None:
            if not unsure:
                _unknown_task(check, plan, ("phases", i, "tasks", j), task_id, index)
            continue
        task = found[0]
        if technician_ladders and task["delegation"] == "pharmacist-only":
            check.report(
                plan,
                ("phases", i, "tasks", j),
                "scope-of-practice",
                f"phase '{phase['id']}' trains '{task_id}' ({task['title']}), a pharmacist-only "
                f"task, but the plan is for technicians ({', '.join(technician_ladders)})",
                hint="trainees may observe it (say so under 'activities') but not practise it",
            )
    if "unknown-assessment" in check.unsure:
        return  # the catalog failed its schema: its ids cannot be trusted either way
    for j, competency in enumerate(phase.get("competencies", [])):
        is_assessment = "assessment" in competency
        field = "assessment" if is_assessment else "activityTag"
        value = competency[field]
        known = assessments if is_assessment else tags
        what = "assessment" if is_assessment else "activity tag"
        if value not in known:
            check.report(
                plan,
                ("phases", i, "competencies", j, field),
                "unknown-competency",
                f"{what} '{value}' is not in the catalog, so no ladder criterion can use "
                "this competency",
                hint=f"add it to catalog.yaml, or use one of: {_listing(known)}",
            )


# --- staff training progress -------------------------------------------------------------------


def _check_training(
    check: Reporter,
    person: Document,
    plans: Mapping[str, Document],
    staff: Mapping[str, Document],
    *,
    unsure: bool,
) -> None:
    data = person.data
    for i, enrolment in enumerate(data.get("training", [])):
        plan_id = enrolment["plan"]
        plan = plans.get(plan_id)
        if plan is None:
            if not unsure and plan_id not in check.known_elsewhere.get("TrainingPlan", ()):
                check.report(
                    person,
                    ("training", i, "plan"),
                    "unknown-training-plan",
                    f"training plan '{plan_id}' does not exist",
                    hint=f"plans: {_listing(plans)}",
                )
            phases: dict[str, dict[str, Any]] = {}
        else:
            phases = {p["id"]: p for p in plan.data["phases"]}
        start = date.fromisoformat(enrolment["start"])
        done: set[str] = set()
        for j, entry in enumerate(enrolment.get("completed", [])):
            where: JsonPath = ("training", i, "completed", j)
            if plan is not None and entry["phase"] not in phases:
                check.report(
                    person,
                    (*where, "phase"),
                    "unknown-phase",
                    f"plan '{plan_id}' has no phase '{entry['phase']}'",
                    hint=f"phases: {', '.join(phases)}",
                )
            elif entry["phase"] in done:
                check.report(
                    person,
                    (*where, "phase"),
                    "duplicate-id",
                    f"phase '{entry['phase']}' is recorded as completed twice",
                    hint="keep one entry per phase",
                )
            done.add(entry["phase"])
            if date.fromisoformat(entry["date"]) < start:
                check.report(
                    person,
                    (*where, "date"),
                    "date-order",
                    f"phase '{entry['phase']}' is completed on {entry['date']}, before the plan "
                    f"started on {enrolment['start']}",
                    hint="check the two dates",
                )
            signer = entry.get("signedOffBy")
            if (
                signer is not None
                and signer not in staff
                and signer not in check.known_elsewhere.get("StaffRecord", ())
            ):
                check.report(
                    person,
                    (*where, "signedOffBy"),
                    "unknown-person",
                    f"staff member '{signer}' does not exist",
                    hint=f"known: {_listing(staff)}",
                )
        if plan is not None and data["status"] in ("active", "leave"):
            _warn_overdue(check, person, i, plan_id, plan, start, done)


def _warn_overdue(
    check: Reporter,
    person: Document,
    i: int,
    plan_id: str,
    plan: Document,
    start: date,
    done: set[str],
) -> None:
    overdue = [
        (phase["id"], start + timedelta(days=phase["days"]["to"] - 1))
        for phase in plan.data["phases"]
        if phase["id"] not in done and start + timedelta(days=phase["days"]["to"] - 1) < check.as_of
    ]
    if not overdue:
        return
    phase_id, due = overdue[0]
    more = f" ({len(overdue)} phases overdue)" if len(overdue) > 1 else ""
    check.report(
        person,
        ("training", i, "plan"),
        "training-overdue",
        f"phase '{phase_id}' of training plan '{plan_id}' was due on {due.isoformat()} and is "
        f"not completed{more}",
        hint="sign the phase off under 'completed', or agree a new start date",
        severity="warning",
    )
