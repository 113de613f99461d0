"""Scope of practice: who may perform which task, and structured training plans.

A `TaskCatalog` sorts the tasks of a workflow by stage and delegation level (pharmacist-only,
delegable, shared); ladder levels list the tasks their holders perform. A `TrainingPlan` takes a
new hire through numbered days split into phases; staff records keep each person's progress.

Two pure functions sit on top, both taking typed objects and never reading files or the clock:

- `build_delegation_matrix`: tasks x ladder levels, "who may do what", for job descriptions;
- `training_status`: where a person stands in their plans as of a date (done, current, next,
  overdue).

Which ladders are technician ladders (`scope_of`): a ladder's explicit `scope` field wins;
without it the track decides: technical and specialty ladders are held by technicians and other
support staff, clinical ladders by pharmacists, and leadership ladders are mixed (not checked).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from ladderctl.ladder import Ladder
from ladderctl.loading import Document, Location
from ladderctl.staff import StaffRecord

__all__ = [
    "DELEGATION_LEVELS",
    "ROLES",
    "SCOPE_BY_TRACK",
    "CompetencyEvidence",
    "CompetencyRef",
    "DelegationMatrix",
    "DuplicateRecord",
    "MatrixCell",
    "MatrixColumn",
    "MatrixRow",
    "Phase",
    "PhaseStatus",
    "PlanAudience",
    "PlanProgress",
    "Procedure",
    "Scope",
    "ScopeError",
    "Stage",
    "Task",
    "TaskCatalog",
    "TaskPart",
    "TrainingPlan",
    "TrainingReport",
    "UnknownTask",
    "UnknownTrainingPlan",
    "build_delegation_matrix",
    "ladder_scope",
    "scope_of",
    "training_status",
]

Delegation = Literal["pharmacist-only", "delegable", "shared"]
Role = Literal["pharmacist", "technician"]
LadderScope = Literal["technician", "pharmacist", "mixed"]
CellStatus = Literal["listed", "inherited", "not-permitted", "none"]
PhaseState = Literal["done", "current", "overdue", "upcoming"]
PlanState = Literal["complete", "in-progress", "overdue", "not-started"]

DELEGATION_LEVELS: tuple[Delegation, ...] = ("pharmacist-only", "delegable", "shared")
ROLES: tuple[Role, ...] = ("pharmacist", "technician")
SCOPE_BY_TRACK: Mapping[str, LadderScope] = {
    "technical": "technician",
    "specialty": "technician",
    "clinical": "pharmacist",
    "leadership": "mixed",
}
#: The role whose part of a shared task a ladder's holders do.
ROLE_BY_SCOPE: Mapping[LadderScope, Role | None] = {
    "technician": "technician",
    "pharmacist": "pharmacist",
    "mixed": None,
}


class ScopeError(Exception):
    """Base class for scope-of-practice lookups that cannot be answered."""


class DuplicateRecord(ScopeError):
    """Raised when two task catalogs define the same task or two training plans share an id."""


class UnknownTask(ScopeError, LookupError):
    """Raised when a task id is in no task catalog."""


class UnknownTrainingPlan(ScopeError, LookupError):
    """Raised when a training plan id does not exist."""


def scope_of(track: str, scope: str | None = None) -> LadderScope:
    """A ladder's scope of practice: its explicit `scope`, else the one its track implies."""
    for known in ("technician", "pharmacist", "mixed"):
        if scope == known:
            return known
    return SCOPE_BY_TRACK.get(track, "mixed")


def ladder_scope(ladder: Ladder) -> LadderScope:
    """`scope_of` for a typed ladder."""
    return scope_of(ladder.track, ladder.scope)


# --- task catalogs -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Procedure:
    """An SOP, checklist, script or form that tasks follow and training plans assign."""

    id: str
    title: str
    type: str  # sop | checklist | script | form
    location: Location
    code: str | None = None
    description: str | None = None

    @property
    def label(self) -> str:
        """`SOP-ADM-001 Referral intake`, or the title alone when there is no document code."""
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass(frozen=True, slots=True)
class TaskPart:
    """What one role does in a shared task."""

    role: str
    duty: str
    location: Location


@dataclass(frozen=True, slots=True)
class Task:
    """One task of a workflow, in one stage, with who may perform it and why."""

    id: str
    title: str
    stage: str
    delegation: str  # pharmacist-only | delegable | shared
    reason: str
    location: Location
    procedures: tuple[str, ...] = ()
    parts: tuple[TaskPart, ...] = ()

    def part(self, role: str) -> str | None:
        """The duty of `role` in a shared task, or None when it is not given."""
        return next((p.duty for p in self.parts if p.role == role), None)


@dataclass(frozen=True, slots=True)
class Stage:
    """A workflow stage and its tasks, in order."""

    id: str
    title: str
    tasks: tuple[Task, ...]
    location: Location
    description: str | None = None


@dataclass(frozen=True, slots=True)
class TaskCatalog:
    """Tasks grouped by workflow stage (the delegation matrix), and the procedures they follow."""

    id: str
    title: str
    stages: tuple[Stage, ...]
    location: Location
    procedures: tuple[Procedure, ...] = ()
    description: str | None = None
    source: str | None = None

    @property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(task for stage in self.stages for task in stage.tasks)

    @classmethod
    def from_document(cls, doc: Document) -> TaskCatalog:
        """Build from a validated `TaskCatalog` document."""
        data: Mapping[str, Any] = doc.data
        stages = []
        for s, stage in enumerate(_items(data, "stages")):
            tasks = tuple(
                Task(
                    id=str(t["id"]),
                    title=str(t["title"]),
                    stage=str(stage["id"]),
                    delegation=str(t["delegation"]),
                    reason=str(t["reason"]),
                    procedures=_strs(t, "procedures"),
                    parts=tuple(
                        TaskPart(
                            role=str(p["role"]),
                            duty=str(p["duty"]),
                            location=doc.locate(("stages", s, "tasks", i, "parts", j)),
                        )
                        for j, p in enumerate(_items(t, "parts"))
                    ),
                    location=doc.locate(("stages", s, "tasks", i)),
                )
                for i, t in enumerate(_items(stage, "tasks"))
            )
            stages.append(
                Stage(
                    id=str(stage["id"]),
                    title=str(stage["title"]),
                    description=_opt_str(stage, "description"),
                    tasks=tasks,
                    location=doc.locate(("stages", s)),
                )
            )
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            description=_opt_str(data, "description"),
            source=_opt_str(data, "source"),
            stages=tuple(stages),
            procedures=tuple(
                Procedure(
                    id=str(p["id"]),
                    title=str(p["title"]),
                    type=str(p["type"]),
                    code=_opt_str(p, "code"),
                    description=_opt_str(p, "description"),
                    location=doc.locate(("procedures", i)),
                )
                for i, p in enumerate(_items(data, "procedures"))
            ),
            location=doc.locate(()),
        )


# --- training plans ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompetencyRef:
    """A competency a phase establishes: a catalog assessment or activity tag."""

    kind: Literal["assessment", "activity"]
    id: str
    location: Location
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """One week or phase: days `first_day`..`last_day` (day 1 = the trainee's start date)."""

    id: str
    title: str
    first_day: int
    last_day: int
    goal: str
    location: Location
    supervision: str | None = None
    activities: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    competencies: tuple[CompetencyRef, ...] = ()

    def starts_on(self, start: date) -> date:
        return start + timedelta(days=self.first_day - 1)

    def due_on(self, start: date) -> date:
        """The phase's last day: not completed by the end of it, the phase is overdue."""
        return start + timedelta(days=self.last_day - 1)


@dataclass(frozen=True, slots=True)
class PlanAudience:
    """Who a plan is for: a ladder, or one level of it."""

    ladder: str
    level: str | None = None


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """A structured plan of numbered days split into phases."""

    id: str
    title: str
    duration_days: int
    phases: tuple[Phase, ...]
    location: Location
    applies_to: tuple[PlanAudience, ...] = ()
    description: str | None = None
    source: str | None = None
    _phase_by_id: Mapping[str, Phase] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_phase_by_id", {p.id: p for p in self.phases})

    def phase(self, phase_id: str) -> Phase | None:
        return self._phase_by_id.get(phase_id)

    @classmethod
    def from_document(cls, doc: Document) -> TrainingPlan:
        """Build from a validated `TrainingPlan` document."""
        data: Mapping[str, Any] = doc.data
        phases = []
        for i, p in enumerate(_items(data, "phases")):
            competencies = []
            for j, c in enumerate(_items(p, "competencies")):
                kind: Literal["assessment", "activity"] = (
                    "assessment" if "assessment" in c else "activity"
                )
                competencies.append(
                    CompetencyRef(
                        kind=kind,
                        id=str(c["assessment"] if kind == "assessment" else c["activityTag"]),
                        description=_opt_str(c, "description"),
                        location=doc.locate(("phases", i, "competencies", j)),
                    )
                )
            phases.append(
                Phase(
                    id=str(p["id"]),
                    title=str(p["title"]),
                    first_day=int(p["days"]["from"]),
                    last_day=int(p["days"]["to"]),
                    goal=str(p["goal"]),
                    supervision=_opt_str(p, "supervision"),
                    activities=_strs(p, "activities"),
                    read=_strs(p, "read"),
                    tasks=_strs(p, "tasks"),
                    competencies=tuple(competencies),
                    location=doc.locate(("phases", i)),
                )
            )
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            duration_days=int(data["durationDays"]),
            description=_opt_str(data, "description"),
            source=_opt_str(data, "source"),
            applies_to=tuple(
                PlanAudience(ladder=str(a["ladder"]), level=_opt_str(a, "level"))
                for a in _items(data, "appliesTo")
            ),
            phases=tuple(phases),
            location=doc.locate(()),
        )


# --- the department's scope data ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Every task catalog and training plan of a department. Build it with `from_documents`."""

    catalogs: tuple[TaskCatalog, ...] = ()
    plans: Mapping[str, TrainingPlan] = field(default_factory=dict)
    _task_by_id: Mapping[str, Task] = field(init=False, repr=False, compare=False)
    _procedure_by_id: Mapping[str, Procedure] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tasks: dict[str, Task] = {}
        for catalog in self.catalogs:
            for task in catalog.tasks:
                if task.id in tasks:
                    raise DuplicateRecord(
                        f"task '{task.id}' is defined twice: {tasks[task.id].location} "
                        f"and {task.location}"
                    )
                tasks[task.id] = task
        object.__setattr__(self, "_task_by_id", tasks)
        object.__setattr__(
            self,
            "_procedure_by_id",
            {p.id: p for catalog in self.catalogs for p in catalog.procedures},
        )

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> Scope:
        """Index TaskCatalog and TrainingPlan documents; other kinds are ignored.

        Raises `DuplicateRecord` for a task defined twice or a repeated training plan id.
        """
        catalogs: list[TaskCatalog] = []
        plans: dict[str, TrainingPlan] = {}
        for doc in docs:
            if doc.kind == "TaskCatalog":
                catalogs.append(TaskCatalog.from_document(doc))
            elif doc.kind == "TrainingPlan":
                plan = TrainingPlan.from_document(doc)
                if plan.id in plans:
                    raise DuplicateRecord(
                        f"training plan '{plan.id}' is defined twice: "
                        f"{plans[plan.id].location.path} and {doc.path}"
                    )
                plans[plan.id] = plan
        return cls(catalogs=tuple(catalogs), plans=plans)

    @property
    def tasks(self) -> Mapping[str, Task]:
        return self._task_by_id

    def task(self, task_id: str) -> Task:
        """The task `task_id`; raises `UnknownTask`."""
        try:
            return self._task_by_id[task_id]
        except KeyError:
            raise UnknownTask(f"no task '{task_id}' in the task catalogs") from None

    def procedure(self, procedure_id: str) -> Procedure | None:
        return self._procedure_by_id.get(procedure_id)

    def plan(self, plan_id: str) -> TrainingPlan:
        """The training plan `plan_id`; raises `UnknownTrainingPlan`."""
        try:
            return self.plans[plan_id]
        except KeyError:
            known = ", ".join(sorted(self.plans)) or "none"
            raise UnknownTrainingPlan(f"no training plan '{plan_id}' (plans: {known})") from None


# --- the delegation matrix ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    """One ladder level of the matrix."""

    ladder: str
    ladder_title: str
    level: str
    level_title: str
    scope: LadderScope

    @property
    def key(self) -> str:
        return f"{self.ladder}/{self.level}"

    def to_dict(self) -> dict[str, object]:
        return {
            "ladder": self.ladder,
            "ladderTitle": self.ladder_title,
            "level": self.level,
            "levelTitle": self.level_title,
            "scope": self.scope,
        }


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """Whether a level performs a task.

    `listed`: the level lists it; `inherited`: a lower level of the same ladder lists it
    (`from_level`); `not-permitted`: a pharmacist-only task on a technician ladder; `none`:
    not part of the level's work. For a shared task `part` names the role whose part the level
    does.
    """

    status: CellStatus
    part: Role | None = None
    from_level: str | None = None

    @property
    def performs(self) -> bool:
        return self.status in ("listed", "inherited")

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "part": self.part, "fromLevel": self.from_level}


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """A task and one cell per column."""

    task: Task
    stage_title: str
    cells: tuple[MatrixCell, ...]

    def to_dict(self, columns: Sequence[MatrixColumn]) -> dict[str, object]:
        task = self.task
        return {
            "task": task.id,
            "title": task.title,
            "stage": task.stage,
            "stageTitle": self.stage_title,
            "delegation": task.delegation,
            "reason": task.reason,
            "procedures": list(task.procedures),
            "parts": {p.role: p.duty for p in task.parts},
            "levels": {
                column.key: cell.to_dict() for column, cell in zip(columns, self.cells, strict=True)
            },
        }


@dataclass(frozen=True, slots=True)
class DelegationMatrix:
    """Tasks (rows, by stage) x ladder levels (columns): who may do what."""

    columns: tuple[MatrixColumn, ...]
    rows: tuple[MatrixRow, ...]
    catalogs: tuple[str, ...] = ()
    procedures: Mapping[str, Procedure] = field(default_factory=dict)

    def procedure_code(self, procedure_id: str) -> str:
        """The code printed on the document (`SOP-ADM-001`), else its title, else the id."""
        procedure = self.procedures.get(procedure_id)
        if procedure is None:
            return procedure_id
        return procedure.code or procedure.title

    def to_dict(self) -> dict[str, object]:
        return {
            "catalogs": list(self.catalogs),
            "columns": [c.to_dict() for c in self.columns],
            "tasks": [r.to_dict(self.columns) for r in self.rows],
        }


def build_delegation_matrix(
    catalogs: Sequence[TaskCatalog], ladders: Sequence[Ladder]
) -> DelegationMatrix:
    """The matrix of every catalog task against every level of `ladders`, in their order.

    A level performs the tasks it lists and those of the levels below it on its ladder (a
    Technician II does "all Level I responsibilities").
    """
    columns: list[MatrixColumn] = []
    performed: list[dict[str, tuple[CellStatus, str | None]]] = []
    for ladder in ladders:
        scope = ladder_scope(ladder)
        below: dict[str, str] = {}  # task id -> the lowest level that lists it
        for level in ladder.levels:
            columns.append(MatrixColumn(ladder.id, ladder.title, level.id, level.title, scope))
            here: dict[str, tuple[CellStatus, str | None]] = {
                task: ("inherited", origin) for task, origin in below.items()
            }
            for task_id in level.tasks:
                here[task_id] = ("listed", None)
                below.setdefault(task_id, level.id)
            performed.append(here)
    # Cells are immutable and few distinct ones exist: share them (a 1,000-task x 100-level
    # matrix would otherwise allocate 100,000 objects).
    shared_cells: dict[tuple[CellStatus, Role | None, str | None], MatrixCell] = {}

    def cell(status: CellStatus, part: Role | None = None, origin: str | None = None) -> MatrixCell:
        key = (status, part, origin)
        found = shared_cells.get(key)
        if found is None:
            found = shared_cells[key] = MatrixCell(status, part, origin)
        return found

    layout = [
        (ROLE_BY_SCOPE[c.scope], c.scope == "technician", here)
        for c, here in zip(columns, performed, strict=True)
    ]
    rows = []
    for catalog in catalogs:
        for stage in catalog.stages:
            for task in stage.tasks:
                shared = task.delegation == "shared"
                pharmacist_only = task.delegation == "pharmacist-only"
                cells = []
                for role, technician, here in layout:
                    done = here.get(task.id)
                    if done is not None:
                        cells.append(cell(done[0], role if shared else None, done[1]))
                    elif pharmacist_only and technician:
                        cells.append(cell("not-permitted"))
                    else:
                        cells.append(cell("none"))
                rows.append(MatrixRow(task, stage.title, tuple(cells)))
    return DelegationMatrix(
        tuple(columns),
        tuple(rows),
        tuple(c.id for c in catalogs),
        {p.id: p for c in catalogs for p in c.procedures},
    )


# --- training status ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompetencyEvidence:
    """A competency a phase establishes, and what the staff record shows for it."""

    competency: CompetencyRef
    on_file: bool
    detail: str  # "passed 2026-03-02", "no pass on file", "2 accomplishments" ...

    def to_dict(self) -> dict[str, object]:
        c = self.competency
        return {
            "kind": c.kind,
            "id": c.id,
            "description": c.description,
            "onFile": self.on_file,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class PhaseStatus:
    """One phase for one person as of a date."""

    phase: Phase
    state: PhaseState
    starts: date
    due: date
    completed: date | None = None
    signed_off_by: str | None = None
    competencies: tuple[CompetencyEvidence, ...] = ()

    @property
    def late(self) -> bool:
        """Completed after its last day."""
        return self.completed is not None and self.completed > self.due

    def to_dict(self) -> dict[str, object]:
        return {
            "phase": self.phase.id,
            "title": self.phase.title,
            "days": [self.phase.first_day, self.phase.last_day],
            "state": self.state,
            "starts": self.starts.isoformat(),
            "due": self.due.isoformat(),
            "completed": self.completed.isoformat() if self.completed else None,
            "late": self.late,
            "signedOffBy": self.signed_off_by,
            "goal": self.phase.goal,
            "competencies": [c.to_dict() for c in self.competencies],
        }


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """Where a person stands in one plan."""

    plan: TrainingPlan
    start: date
    phases: tuple[PhaseStatus, ...]
    location: Location

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.plan.duration_days - 1)

    def _in(self, state: PhaseState) -> tuple[PhaseStatus, ...]:
        return tuple(p for p in self.phases if p.state == state)

    @property
    def done(self) -> tuple[PhaseStatus, ...]:
        return self._in("done")

    @property
    def current(self) -> tuple[PhaseStatus, ...]:
        return self._in("current")

    @property
    def overdue(self) -> tuple[PhaseStatus, ...]:
        return self._in("overdue")

    @property
    def next(self) -> PhaseStatus | None:
        """The first phase that has not started yet."""
        upcoming = self._in("upcoming")
        return upcoming[0] if upcoming else None

    @property
    def state(self) -> PlanState:
        if len(self.done) == len(self.phases):
            return "complete"
        if self.overdue:
            return "overdue"
        if self.current or self.done:
            return "in-progress"
        return "not-started"

    def to_dict(self) -> dict[str, object]:
        return {
            "plan": self.plan.id,
            "title": self.plan.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "state": self.state,
            "done": [p.phase.id for p in self.done],
            "current": [p.phase.id for p in self.current],
            "next": self.next.phase.id if self.next else None,
            "overdue": [p.phase.id for p in self.overdue],
            "phases": [p.to_dict() for p in self.phases],
            "location": str(self.location),
        }


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """Every training plan a person has started, as of a date."""

    person: str
    name: str
    as_of: date
    plans: tuple[PlanProgress, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "name": self.name,
            "asOf": self.as_of.isoformat(),
            "plans": [p.to_dict() for p in self.plans],
        }


def training_status(person: StaffRecord, scope: Scope, *, as_of: date) -> TrainingReport:
    """Where `person` stands in each plan they started on or before `as_of`.

    A phase is `done` once completed on or before `as_of`; otherwise `overdue` after its last
    day, `current` within its days and `upcoming` before them. Raises `UnknownTrainingPlan`
    for a plan that does not exist (validation reports it first).
    """
    plans = []
    for enrolment in person.training:
        plan = scope.plan(enrolment.plan)
        completions = {c.phase: c for c in enrolment.completed if c.date <= as_of}
        phases = []
        for phase in plan.phases:
            starts, due = phase.starts_on(enrolment.start), phase.due_on(enrolment.start)
            done = completions.get(phase.id)
            state: PhaseState
            if done is not None:
                state = "done"
            elif as_of > due:
                state = "overdue"
            elif as_of >= starts:
                state = "current"
            else:
                state = "upcoming"
            phases.append(
                PhaseStatus(
                    phase=phase,
                    state=state,
                    starts=starts,
                    due=due,
                    completed=done.date if done else None,
                    signed_off_by=done.signed_off_by if done else None,
                    competencies=tuple(_evidence(person, c, as_of) for c in phase.competencies),
                )
            )
        plans.append(PlanProgress(plan, enrolment.start, tuple(phases), enrolment.location))
    return TrainingReport(person.id, person.name, as_of, tuple(plans))


def _evidence(person: StaffRecord, competency: CompetencyRef, as_of: date) -> CompetencyEvidence:
    if competency.kind == "assessment":
        passes = [
            a.date
            for a in person.assessments
            if a.id == competency.id and a.passed and a.date <= as_of
        ]
        if passes:
            return CompetencyEvidence(competency, True, f"passed {max(passes).isoformat()}")
        return CompetencyEvidence(competency, False, "no pass on file")
    count = sum(1 for a in person.accomplishments if competency.id in a.tags and a.date <= as_of)
    if count:
        return CompetencyEvidence(
            competency, True, f"{count} accomplishment{'s' if count != 1 else ''} on file"
        )
    return CompetencyEvidence(competency, False, "no accomplishment on file")


# --- parsing helpers ---------------------------------------------------------------------------


def _items(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else ()


def _strs(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in _items(data, key))


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)
