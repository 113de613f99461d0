"""Rules that need the whole repository: unique ids, references that resolve, coherent dates.

They run on records that already passed their schema, so field types can be trusted here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from ladderctl.diagnostics import Diagnostic, Severity
from ladderctl.loading import Document, JsonPath
from ladderctl.scope_checks import check_scope

EXPIRY_WARNING_DAYS = 90
REVIEW_OVERDUE_DAYS = 90
LEAF_REFERENCES = {"credential": "credentials", "assessment": "assessment", "activity": "tags"}


def _listing(ids: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:limit])
    return shown + (f", ... ({len(ordered)} in all)" if len(ordered) > limit else "") or "none"


def walk_criteria(
    criterion: dict[str, Any], path: list[str | int]
) -> Iterator[tuple[dict[str, Any], list[str | int]]]:
    """Each criterion of a tree with its JSON path, parents before children."""
    yield criterion, path
    for index, child in enumerate(criterion.get("criteria", [])):
        yield from walk_criteria(child, [*path, "criteria", index])


def ladder_criteria(ladder: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[str | int]]]:
    """Every criterion of a ladder: level advancement trees and transition requirements."""
    for index, level in enumerate(ladder.get("levels", [])):
        advancement = level.get("advancement")
        if advancement and "criteria" in advancement:
            yield from walk_criteria(
                advancement["criteria"], ["levels", index, "advancement", "criteria"]
            )
    for index, transition in enumerate(ladder.get("transitions", [])):
        if "requirements" in transition:
            yield from walk_criteria(
                transition["requirements"], ["transitions", index, "requirements"]
            )


class _Checker:
    """Collects diagnostics while the rules walk the records."""

    def __init__(
        self, documents: Sequence[Document], rejected: Sequence[Document], as_of: date
    ) -> None:
        self.as_of = as_of
        self.problems: list[Diagnostic] = []
        self.by_kind: dict[str, list[Document]] = defaultdict(list)
        for document in documents:
            self.by_kind[document.kind or ""].append(document)
        # Ids declared by records that failed their schema still exist for reference checks.
        self.known_elsewhere: dict[str, set[str]] = defaultdict(set)
        # References into a broken catalog or ladder cannot be judged until it is fixed.
        rejected_kinds = {d.kind for d in rejected}
        self.unsure: set[str] = set()
        if "Catalog" in rejected_kinds:
            self.unsure |= {"unknown-credential", "unknown-assessment", "unknown-tag"}
        if "Ladder" in rejected_kinds:
            self.unsure |= {"unknown-criterion"}
        for document in rejected:
            if isinstance(document.data, dict) and isinstance(document.data.get("id"), str):
                self.known_elsewhere[str(document.data.get("kind"))].add(document.data["id"])
            if isinstance(document.data, dict) and isinstance(document.data.get("person"), str):
                self.known_elsewhere["person:" + str(document.data.get("kind"))].add(
                    document.data["person"]
                )

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
    ) -> None:
        self.problems.append(
            Diagnostic(document.locate(path, key=key), rule, message, severity, hint)
        )

    def unique_ids(self, kind: str, field: str = "id") -> dict[str, Document]:
        seen: dict[str, Document] = {}
        for document in self.by_kind.get(kind, []):
            value = document.data[field]
            if value in seen:
                first = seen[value].locate((field,))
                self.report(
                    document,
                    (field,),
                    "duplicate-id",
                    f"another {kind} already has the id '{value}' ({first})",
                    hint="ids must be unique: rename one of them",
                )
            else:
                seen[value] = document
        return seen

    def reference(
        self,
        document: Document,
        path: JsonPath,
        value: str,
        known: dict[str, Any] | set[str],
        *,
        rule: str,
        what: str,
        elsewhere: str = "",
    ) -> bool:
        if value in known or value in self.known_elsewhere.get(elsewhere, ()):
            return True
        if rule in self.unsure:
            return False  # the list it would be in comes from a file that failed its schema
        self.report(
            document,
            path,
            rule,
            f"{what} '{value}' does not exist",
            hint=f"known: {_listing(known)}",
        )
        return False


def check_references(
    documents: Sequence[Document], *, as_of: date, rejected: Sequence[Document] = ()
) -> list[Diagnostic]:
    """Every cross-file problem among schema-valid records, as of a date (for the warnings)."""
    check = _Checker(documents, rejected, as_of)
    catalogs = check.by_kind.get("Catalog", [])
    check.unique_ids("Catalog")
    credentials: dict[str, dict[str, Any]] = {}
    assessments: dict[str, dict[str, Any]] = {}
    tags: dict[str, dict[str, Any]] = {}
    for catalog in catalogs:
        for section, into in (
            ("credentials", credentials),
            ("assessments", assessments),
            ("activityTags", tags),
        ):
            for index, entry in enumerate(catalog.data.get(section, [])):
                if entry["id"] in into:
                    check.report(
                        catalog,
                        (section, index, "id"),
                        "duplicate-id",
                        f"'{entry['id']}' is already in the catalog's {section}",
                        hint="each id may appear once",
                    )
                into[entry["id"]] = entry

    ladders = check.unique_ids("Ladder")
    staff = check.unique_ids("StaffRecord")
    programs = check.unique_ids("MentorshipProgram")
    plans = check.unique_ids("DevelopmentPlan")
    check.unique_ids("MentorshipAgreement")
    levels_of = {lid: [lv["id"] for lv in doc.data["levels"]] for lid, doc in ladders.items()}
    criteria_of: dict[str, set[str]] = {}
    for ladder_id, ladder in ladders.items():
        criteria_of[ladder_id] = _check_ladder(
            check, ladder, ladders, levels_of, credentials, assessments, tags
        )
    all_criteria = set().union(*criteria_of.values()) if criteria_of else set()

    for person in staff.values():
        _check_staff(check, person, staff, levels_of, all_criteria, credentials, assessments, tags)
    _check_management_cycles(check, staff)
    check_scope(
        check, ladders=ladders, staff=staff, assessments=assessments, tags=tags, rejected=rejected
    )

    profiles: dict[tuple[str, str], Document] = {}
    for profile in check.by_kind.get("MentorshipProfile", []):
        data = profile.data
        check.reference(
            profile,
            ("person",),
            data["person"],
            staff,
            rule="unknown-person",
            what="staff member",
            elsewhere="StaffRecord",
        )
        check.reference(
            profile,
            ("program",),
            data["program"],
            programs,
            rule="unknown-program",
            what="mentorship program",
            elsewhere="MentorshipProgram",
        )
        identity = (data["program"], data["person"])
        if identity in profiles:
            check.report(
                profile,
                ("person",),
                "duplicate-id",
                f"'{data['person']}' already has a profile in program '{data['program']}' "
                f"({profiles[identity].locate(('person',))})",
                hint="keep one profile per person and program",
            )
        profiles[identity] = profile
        for index, other in enumerate(data.get("exclusions", [])):
            check.reference(
                profile,
                ("exclusions", index),
                other,
                staff,
                rule="unknown-person",
                what="staff member",
                elsewhere="StaffRecord",
            )
        for index, goal in enumerate(data.get("goals", [])):
            if "ladder" in goal:
                _check_level(
                    check,
                    profile,
                    ("goals", index),
                    goal.get("ladder"),
                    goal.get("level"),
                    levels_of,
                )
        if data["role"] in ("mentor", "both") and "capacity" not in data:
            check.report(
                profile,
                ("role",),
                "missing-capacity",
                "a mentor profile without 'capacity' is treated as taking no mentee",
                hint="add 'capacity: 1' (or how many mentees this mentor can take)",
                severity="warning",
            )

    for program in programs.values():
        data = program.data
        _check_period(check, program, ("cycle",), "start", "end")
        for index, member in enumerate(data.get("committee", [])):
            check.reference(
                program,
                ("committee", index),
                member,
                staff,
                rule="unknown-person",
                what="staff member",
                elsewhere="StaffRecord",
            )
        rules = data.get("matching", {}).get("rules", {})
        for section in ("locks", "blocks", "pastPairs"):
            for index, pair in enumerate(rules.get(section, [])):
                for role in ("mentor", "mentee"):
                    check.reference(
                        program,
                        ("matching", "rules", section, index, role),
                        pair[role],
                        staff,
                        rule="unknown-person",
                        what="staff member",
                        elsewhere="StaffRecord",
                    )

    for plan in plans.values():
        _check_plan(check, plan, staff, levels_of, all_criteria)

    for agreement in check.by_kind.get("MentorshipAgreement", []):
        _check_agreement(check, agreement, programs, profiles, plans)

    return check.problems


def _check_level(
    check: _Checker,
    document: Document,
    path: JsonPath,
    ladder: str | None,
    level: str | None,
    levels_of: dict[str, list[str]],
) -> bool:
    if ladder is None:
        return False
    if ladder not in levels_of:
        if ladder in check.known_elsewhere.get("Ladder", ()):
            return False
        check.report(
            document,
            [*path, "ladder"],
            "unknown-ladder",
            f"ladder '{ladder}' does not exist",
            hint=f"ladders: {_listing(levels_of)}",
        )
        return False
    if level is not None and level not in levels_of[ladder]:
        check.report(
            document,
            [*path, "level"],
            "unknown-level",
            f"level '{level}' is not on ladder '{ladder}'",
            hint=f"levels: {', '.join(levels_of[ladder])}",
        )
        return False
    return True


def _check_ladder(
    check: _Checker,
    ladder: Document,
    ladders: dict[str, Document],
    levels_of: dict[str, list[str]],
    credentials: dict[str, Any],
    assessments: dict[str, Any],
    tags: dict[str, Any],
) -> set[str]:
    data = ladder.data
    seen_levels: set[str] = set()
    for index, level in enumerate(data["levels"]):
        if level["id"] in seen_levels:
            check.report(
                ladder,
                ("levels", index, "id"),
                "duplicate-id",
                f"level '{level['id']}' appears twice on this ladder",
                hint="each level id may appear once",
            )
        seen_levels.add(level["id"])
    for index, transition in enumerate(data.get("transitions", [])):
        if transition["from"] not in seen_levels:
            check.report(
                ladder,
                ("transitions", index, "from"),
                "unknown-level",
                f"level '{transition['from']}' is not on this ladder",
                hint=f"levels: {', '.join(levels_of[data['id']])}",
            )
        target = transition["to"]
        _check_level(
            check,
            ladder,
            ("transitions", index, "to"),
            target.get("ladder"),
            target.get("level"),
            levels_of,
        )
    criterion_ids: dict[str, JsonPath] = {}
    known = {"credential": credentials, "assessment": assessments, "activity": tags}
    catalog_word = {
        "credential": "credential",
        "assessment": "assessment",
        "activity": "activity tag",
    }
    for criterion, path in ladder_criteria(data):
        cid = criterion["id"]
        if cid in criterion_ids:
            first = ladder.locate(criterion_ids[cid])
            check.report(
                ladder,
                [*path, "id"],
                "duplicate-criterion",
                f"criterion id '{cid}' is used twice on this ladder (first at {first})",
                hint="attestations and waivers name criteria by id: make each unique",
            )
        else:
            criterion_ids[cid] = [*path, "id"]
        ctype = criterion["type"]
        if ctype in LEAF_REFERENCES:
            field = LEAF_REFERENCES[ctype]
            values = criterion[field] if isinstance(criterion[field], list) else [criterion[field]]
            for index, value in enumerate(values):
                where = (
                    [*path, field, index] if isinstance(criterion[field], list) else [*path, field]
                )
                if value not in known[ctype]:
                    check.report(
                        ladder,
                        where,
                        f"unknown-{ctype}" if ctype != "activity" else "unknown-tag",
                        f"{catalog_word[ctype]} '{value}' is not in the catalog",
                        hint=f"add it to catalog.yaml, or use one of: {_listing(known[ctype])}",
                    )
    return set(criterion_ids)


# Dates repeat a lot across a department: parse each distinct string once (up to a bound).
_DATES: dict[str, date] = {}
_DATES_LIMIT = 100_000


def _parse(value: str) -> date:
    day = _DATES.get(value)
    if day is None:
        day = date.fromisoformat(value)
        if len(_DATES) < _DATES_LIMIT:
            _DATES[value] = day
    return day


def _check_period(
    check: _Checker, document: Document, path: JsonPath, start: str, end: str
) -> None:
    node = document.data
    for step in path:
        node = node[step]
    if start in node and end in node and _parse(node[end]) < _parse(node[start]):
        check.report(
            document,
            [*path, end],
            "date-order",
            f"{end} {node[end]} is before {start} {node[start]}",
            hint="check the two dates",
        )


def _check_staff(
    check: _Checker,
    person: Document,
    staff: dict[str, Document],
    levels_of: dict[str, list[str]],
    all_criteria: set[str],
    credentials: dict[str, Any],
    assessments: dict[str, Any],
    tags: dict[str, Any],
) -> None:
    data = person.data
    as_of = check.as_of
    warn_until = as_of + timedelta(days=EXPIRY_WARNING_DAYS)
    _check_level(check, person, (), data["ladder"], data["level"], levels_of)
    hired = _parse(data["hireDate"])
    if "manager" in data:
        if data["manager"] == data["id"]:
            check.report(
                person,
                ("manager",),
                "manager-cycle",
                "a person cannot be their own manager",
                hint="name their manager's staff id",
            )
        elif data["manager"] not in staff:
            check.reference(
                person,
                ("manager",),
                data["manager"],
                staff,
                rule="unknown-person",
                what="manager",
                elsewhere="StaffRecord",
            )
    if "endDate" in data and _parse(data["endDate"]) < hired:
        check.report(
            person,
            ("endDate",),
            "date-order",
            f"endDate {data['endDate']} is before hireDate {data['hireDate']}",
            hint="check the two dates",
        )
    for index, period in enumerate(data.get("priorExperience", [])):
        if _parse(period["to"]) < _parse(period["from"]):
            check.report(
                person,
                ("priorExperience", index, "to"),
                "date-order",
                f"prior experience ends ({period['to']}) before it starts ({period['from']})",
                hint="check the two dates",
            )
    history = data["levelHistory"]
    previous: date | None = None
    for index, entry in enumerate(history):
        effective = _parse(entry["effective"])
        ladder = entry.get("ladder", data["ladder"])
        known_levels = levels_of.get(ladder)  # a known level needs no path built: skip it
        if (known_levels is None or entry["level"] not in known_levels) and (
            "ladder" in entry or ladder in levels_of  # an unknown own ladder is reported once
        ):
            _check_level(check, person, ("levelHistory", index), ladder, entry["level"], levels_of)
        if effective < hired:
            check.report(
                person,
                ("levelHistory", index, "effective"),
                "date-order",
                f"level history starts {entry['effective']}, "
                f"before the hire date {data['hireDate']}",
                hint="a level cannot start before the person was hired",
            )
        if previous is not None and effective < previous:
            check.report(
                person,
                ("levelHistory", index, "effective"),
                "date-order",
                "level history is not in date order",
                hint="list the levels oldest first",
            )
        previous = effective
    last = history[-1]
    if (last.get("ladder", data["ladder"]), last["level"]) != (data["ladder"], data["level"]):
        check.report(
            person,
            ("levelHistory", len(history) - 1),
            "level-history",
            f"the latest level history entry "
            f"({last.get('ladder', data['ladder'])}/{last['level']}) "
            f"is not the current level ({data['ladder']}/{data['level']})",
            hint="add an entry for the current level with the date it took effect",
        )
    for index, cert in enumerate(data.get("certifications", [])):
        where = ("certifications", index)
        if cert["id"] not in credentials and not check.reference(
            person,
            (*where, "id"),
            cert["id"],
            credentials,
            rule="unknown-credential",
            what="credential",
        ):
            continue
        spec = credentials[cert["id"]]
        expires = _parse(cert["expires"]) if "expires" in cert else None
        if expires is not None and expires <= _parse(cert["earned"]):
            check.report(
                person,
                (*where, "expires"),
                "date-order",
                f"{cert['id']} expires ({cert['expires']}) before it was earned ({cert['earned']})",
                hint="check the two dates",
            )
        elif spec.get("expires") and "expires" not in cert:
            check.report(
                person,
                where,
                "missing-expiry",
                f"{spec.get('title', cert['id'])} must be renewed, but no expiry date is recorded",
                hint="add 'expires: YYYY-MM-DD' from the certificate",
            )
        elif not spec.get("expires") and "expires" in cert:
            check.report(
                person,
                (*where, "expires"),
                "unexpected-expiry",
                f"{spec.get('title', cert['id'])} does not expire according to the catalog",
                hint="remove 'expires', or mark the credential 'expires: true' in catalog.yaml",
                severity="warning",
            )
        elif (
            expires is not None
            and data["status"] in ("active", "leave")
            and as_of < expires <= warn_until
            and not _renewed(data, index)
        ):
            check.report(
                person,
                (*where, "expires"),
                "expiring-soon",
                f"{spec.get('title', cert['id'])} expires on {cert['expires']}, "
                f"within {EXPIRY_WARNING_DAYS} days",
                hint="plan the renewal and record the new expiry date",
                severity="warning",
            )
    # The references below almost always resolve: test that first, and only build the path and
    # call `check.reference` (which reports) for the few that do not.
    for index, assessment in enumerate(data.get("assessments", [])):
        if assessment["id"] not in assessments:
            check.reference(
                person,
                ("assessments", index, "id"),
                assessment["id"],
                assessments,
                rule="unknown-assessment",
                what="assessment",
            )
    for index, item in enumerate(data.get("accomplishments", [])):
        for tag_index, tag in enumerate(item["tags"]):
            if tag not in tags:
                check.reference(
                    person,
                    ("accomplishments", index, "tags", tag_index),
                    tag,
                    tags,
                    rule="unknown-tag",
                    what="activity tag",
                )
    person_rule = ("unknown-person", "staff member", "StaffRecord")
    references: tuple[tuple[str, str, dict[str, Any] | set[str], tuple[str, str, str]], ...] = (
        ("attestations", "criterion", all_criteria, ("unknown-criterion", "criterion", "")),
        ("waivers", "criterion", all_criteria, ("unknown-criterion", "criterion", "")),
        ("reviews", "reviewer", staff, person_rule),
        ("assessments", "assessor", staff, person_rule),
        ("waivers", "approver", staff, person_rule),
    )
    for section, field, known, (rule, what, elsewhere) in references:
        optional = known is staff  # reviewer, assessor and approver may be left out
        for index, entry in enumerate(data.get(section, [])):
            if optional and field not in entry:
                continue
            if entry[field] not in known:
                check.reference(
                    person,
                    (section, index, field),
                    entry[field],
                    known,
                    rule=rule,
                    what=what,
                    elsewhere=elsewhere,
                )
    for index, entry in enumerate(data.get("attestations", [])):
        if entry["by"] != "committee" and entry["by"] not in staff:
            check.reference(
                person,
                ("attestations", index, "by"),
                entry["by"],
                staff,
                rule="unknown-person",
                what="staff member",
                elsewhere="StaffRecord",
            )


def _renewed(data: dict[str, Any], index: int) -> bool:
    """Whether a later record of the same credential replaces the one at `index`."""
    cert = data["certifications"][index]
    return any(
        other["id"] == cert["id"] and other.get("expires", "9999-12-31") > cert["expires"]
        for other in data["certifications"]
    )


def _check_management_cycles(check: _Checker, staff: dict[str, Document]) -> None:
    reported: set[str] = set()
    walked: set[str] = set()
    for start in sorted(staff):
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in staff and current not in chain:
            if current in walked:
                # An earlier chain went on from here, so this one ends as that one did: with no
                # loop, or with one already found. Stopping keeps the whole check linear.
                current = None
                break
            chain.append(current)
            current = staff[current].data.get("manager")
        walked.update(chain)
        if (
            current is not None
            and current in chain
            and current != chain[-1]
            and current not in reported
        ):
            cycle = chain[chain.index(current) :]
            reported.update(cycle)
            check.report(
                staff[current],
                ("manager",),
                "manager-cycle",
                "the management chain loops: " + " -> ".join([*cycle, current]),
                hint="someone in this loop should report to a person outside it",
            )


def _check_plan(
    check: _Checker,
    plan: Document,
    staff: dict[str, Document],
    levels_of: dict[str, list[str]],
    all_criteria: set[str],
) -> None:
    data = plan.data
    for field in ("person", "manager"):
        check.reference(
            plan,
            (field,),
            data[field],
            staff,
            rule="unknown-person",
            what="staff member",
            elsewhere="StaffRecord",
        )
    _check_period(check, plan, ("period",), "start", "end")
    if "target" in data:
        _check_level(
            check,
            plan,
            ("target",),
            data["target"].get("ladder"),
            data["target"].get("level"),
            levels_of,
        )
    objective_ids: set[str] = set()
    for index, objective in enumerate(data["objectives"]):
        if objective["id"] in objective_ids:
            check.report(
                plan,
                ("objectives", index, "id"),
                "duplicate-id",
                f"objective '{objective['id']}' appears twice in this plan",
                hint="give each objective its own id",
            )
        objective_ids.add(objective["id"])
        if "criterion" in objective:
            check.reference(
                plan,
                ("objectives", index, "criterion"),
                objective["criterion"],
                all_criteria,
                rule="unknown-criterion",
                what="criterion",
            )
    for section, field in (("reviews", "by"), ("signatures", "person")):
        for index, entry in enumerate(data.get(section, [])):
            check.reference(
                plan,
                (section, index, field),
                entry[field],
                staff,
                rule="unknown-person",
                what="staff member",
                elsewhere="StaffRecord",
            )
    start, end = _parse(data["period"]["start"]), _parse(data["period"]["end"])
    if start <= check.as_of <= end:
        dates = [_parse(review["date"]) for review in data.get("reviews", [])]
        last = max(dates, default=start)
        if (check.as_of - last).days >= REVIEW_OVERDUE_DAYS:
            since = (
                f"was last reviewed on {last.isoformat()}"
                if dates
                else f"has not been reviewed since it started on {start.isoformat()}"
            )
            check.report(
                plan,
                ("reviews",) if dates else ("period", "start"),
                "review-overdue",
                f"the plan {since}, {(check.as_of - last).days} days ago (reviews are quarterly)",
                hint="hold the quarterly review and add it to 'reviews'",
                severity="warning",
            )


def _check_agreement(
    check: _Checker,
    agreement: Document,
    programs: dict[str, Document],
    profiles: dict[tuple[str, str], Document],
    plans: dict[str, Document],
) -> None:
    data = agreement.data
    program = data["program"]
    check.reference(
        agreement,
        ("program",),
        program,
        programs,
        rule="unknown-program",
        what="mentorship program",
        elsewhere="MentorshipProgram",
    )
    if data["mentor"] == data["mentee"]:
        check.report(
            agreement,
            ("mentee",),
            "self-pairing",
            "the mentor and the mentee are the same person",
            hint="name two different people",
        )
    for role, allowed in (("mentor", ("mentor", "both")), ("mentee", ("mentee", "both"))):
        person = data[role]
        profile = profiles.get((program, person))
        if profile is None:
            if person in check.known_elsewhere.get("person:MentorshipProfile", ()):
                continue
            check.report(
                agreement,
                (role,),
                "unknown-profile",
                f"'{person}' has no mentorship profile in program '{program}'",
                hint="add a MentorshipProfile for them, or fix the id",
            )
        elif profile.data["role"] not in allowed:
            check.report(
                agreement,
                (role,),
                "wrong-role",
                f"'{person}' is a {profile.data['role']} in program '{program}', not a {role}",
                hint=f"set role: {role} (or both) in their profile",
            )
    if "end" in data:
        _check_period(check, agreement, (), "start", "end")
    for index, goal in enumerate(data["goals"]):
        link = goal.get("idpObjective")
        if link is None:
            continue
        plan_id, _, objective = link.partition("#")
        plan = plans.get(plan_id)
        where = ("goals", index, "idpObjective")
        if plan is None:
            check.report(
                agreement,
                where,
                "unknown-plan",
                f"development plan '{plan_id}' does not exist",
                hint=f"write '<plan id>#<objective id>'; plans: {_listing(plans)}",
            )
        elif objective not in {o["id"] for o in plan.data["objectives"]}:
            ids = ", ".join(o["id"] for o in plan.data["objectives"])
            check.report(
                agreement,
                where,
                "unknown-objective",
                f"plan '{plan_id}' has no objective '{objective}'",
                hint=f"objectives: {ids}",
            )
        elif plan.data["person"] != data["mentee"]:
            check.report(
                agreement,
                where,
                "wrong-plan",
                f"plan '{plan_id}' belongs to '{plan.data['person']}', "
                f"not the mentee '{data['mentee']}'",
                hint="link to the mentee's own plan",
            )
    for section, field in (("checkIns", "by"), ("signatures", "person")):
        for index, entry in enumerate(data.get(section, [])):
            if (
                entry[field] not in (data["mentor"], data["mentee"])
                and section == "signatures"
                and entry.get("role") in ("mentor", "mentee")
            ):
                check.report(
                    agreement,
                    (section, index, field),
                    "wrong-signature",
                    f"'{entry[field]}' signs as {entry['role']} "
                    f"but the {entry['role']} is '{data[entry['role']]}'",
                    hint="the pair sign their own agreement",
                )
