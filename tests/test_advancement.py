"""Eligibility engine, pinned to the seed's Technician I-IV and Clinical Pharmacist ladders.

Seed: CPOM Module 7, section 7.4.2. Technician I -> II: state registration, national CPhT,
>= 1 year of experience, consistently meets standards, a passed Level I assessment.
Technician II -> III: 2 (typical 3) years, exceeds standards, an advanced certification
(sterile compounding or hazardous drugs), a train-the-trainer/precepting course, and the
ability to independently solve complex issues (attested).
"""

from __future__ import annotations

import copy
import json
import textwrap
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest
import yaml

from ladderctl.advancement import (
    CriterionResult,
    EligibilityReport,
    check_eligibility,
    check_team,
    compare_departments,
)
from ladderctl.department import (
    Department,
    DuplicateRecord,
    InvalidTarget,
    UnknownLadder,
    UnknownLevel,
    UnknownPerson,
    UnknownTarget,
)
from ladderctl.loading import Document
from ladderctl.staff import add_months

# --- building documents inline -----------------------------------------------------------------


class _DateAsStringLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates stay `YYYY-MM-DD` strings."""


_DateAsStringLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


Positions = dict[int, dict[Any, tuple[int, int, int, int]]]


def yaml_doc(text: str, path: str = "inline.yaml") -> Document:
    """A Document from dedented YAML, with real positions for every value.

    Positions follow `Document`: `{key or index: (key line, key column, value line, value
    column)}` per container, the root under the key None.
    """
    loader = _DateAsStringLoader(textwrap.dedent(text))
    try:
        node = loader.get_single_node()
        assert node is not None, "empty YAML"
        positions: Positions = {}
        data = _build(loader, node, positions)
    finally:
        loader.dispose()
    positions.setdefault(id(data), {})[None] = (1, 1, 1, 1)
    return Document(path, data, positions)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(loader: _DateAsStringLoader, node: yaml.Node, positions: Positions) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        marks: dict[Any, tuple[int, int, int, int]] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            mapping[key] = _build(loader, value_node, positions)
            marks[key] = (*_mark(key_node), *_mark(value_node))
        positions[id(mapping)] = marks
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = [_build(loader, item, positions) for item in node.value]
        positions[id(items)] = {
            i: (*_mark(item), *_mark(item)) for i, item in enumerate(node.value)
        }
        return items
    return loader.construct_object(node)


def record_doc(record: dict[str, Any]) -> Document:
    """A StaffRecord Document straight from a dict (no positions: locations are path:1:1)."""
    return Document(f"staff/{record['id']}.yaml", record)


# --- the seed's catalog and ladders ------------------------------------------------------------

CATALOG = """\
    apiVersion: ladderctl/v1
    kind: Catalog
    id: central-pharmacy
    title: Central Pharmacy catalog
    credentials:
      - {id: state-registration, title: State registration, type: license, expires: true}
      - {id: cpht, title: CPhT, issuer: PTCB, type: certification, expires: true}
      - {id: cspt, title: CSPT, type: certification, expires: true}
      - {id: hd-handling, title: Hazardous drug handling, type: certificate, expires: false}
      - {id: bcps, title: BCPS, type: certification, expires: true}
      - {id: bcop, title: BCOP, type: certification, expires: true}
    assessments:
      - {id: tech-1-competency, title: Level I competency assessment}
      - {id: sterile-compounding-competency, title: Sterile compounding, recurrenceMonths: 6}
    activityTags:
      - {id: train-the-trainer, title: Train-the-trainer course}
      - {id: precepting-course, title: Precepting course}
      - {id: leadership-training, title: Formal leadership training}
      - {id: project-management, title: Project management}
      - {id: departmental-initiative, title: Led a departmental initiative}
      - {id: mue, title: Medication-use evaluation}
      - {id: in-service, title: In-service presentation}
      - {id: publication, title: Publication}
      - {id: presentation, title: Regional or national presentation}
"""

TECH_LADDER = """\
    apiVersion: ladderctl/v1
    kind: Ladder
    id: pharmacy-technician
    title: Pharmacy Technician
    track: technical
    levels:
      - id: tech-1
        title: Pharmacy Technician I
        advancement:
          description: Technician I to II
          criteria:
            type: all-of
            id: tech-1-advance
            description: All Technician I advancement requirements
            criteria:
              - type: credential
                id: tech-1-registration
                description: State registration/licensure
                credentials: [state-registration]
              - type: credential
                id: tech-1-cpht
                description: National CPhT certification (e.g., PTCB)
                credentials: [cpht]
              - type: experience
                id: tech-1-experience
                description: Minimum 1 year of experience
                years: 1
              - type: rating
                id: tech-1-performance
                description: Consistently meets all performance standards for Level I
                atLeast: meets
                consecutive: 2
              - type: assessment
                id: tech-1-assessment
                description: Proficiency in all Level I competencies via formal assessment
                assessment: tech-1-competency
      - id: tech-2
        title: Pharmacy Technician II
        advancement:
          criteria:
            type: all-of
            id: tech-2-advance
            description: All Technician II advancement requirements
            criteria:
              - type: experience
                id: tech-2-experience
                description: Minimum 2-3 years of experience
                years: 2
                typicalYears: 3
              - type: rating
                id: tech-2-performance
                description: Consistently exceeds performance standards for Level II
                atLeast: exceeds
                consecutive: 2
              - type: credential
                id: tech-2-advanced-certification
                description: An advanced certification (IV sterile compounding, hazardous drugs)
                credentials: [cspt, hd-handling]
              - type: activity
                id: tech-2-train-the-trainer
                description: Completion of a train-the-trainer or precepting course
                tags: [train-the-trainer, precepting-course]
                count: 1
              - type: attestation
                id: tech-2-problem-solving
                description: Independently solves complex issues (e.g., ADC discrepancies)
                by: manager
      - id: tech-3
        title: Pharmacy Technician III
        advancement:
          criteria:
            type: all-of
            id: tech-3-advance
            description: All Technician III advancement requirements
            criteria:
              - {type: experience, id: tech-3-experience, description: Minimum 4-5 years,
                 years: 4, typicalYears: 5}
              - {type: activity, id: tech-3-project-management, count: 1,
                 description: High-level project management, tags: [project-management]}
              - {type: activity, id: tech-3-leadership-training, count: 1,
                 description: Formal leadership training, tags: [leadership-training]}
              - {type: attestation, id: tech-3-leads-team, by: manager,
                 description: Leads a team, manages schedules, coordinates workflow}
              - {type: activity, id: tech-3-initiative, count: 1,
                 description: Led a significant initiative, tags: [departmental-initiative]}
      - id: tech-4
        title: Lead Pharmacy Technician
    transitions:
      - id: tech-to-operations-manager
        from: tech-4
        to: {ladder: pharmacy-leadership, level: operations-manager}
        requirements:
          type: all-of
          id: ops-manager-ready
          description: Ready for a formal management role
          criteria:
            - {type: activity, id: ops-leadership-training, count: 1,
               description: Formal leadership training, tags: [leadership-training]}
            - {type: attestation, id: ops-committee-approval, by: committee,
               description: Approved by the promotion committee}
"""

CLINICAL_LADDER = """\
    apiVersion: ladderctl/v1
    kind: Ladder
    id: clinical-pharmacist
    title: Clinical Pharmacist
    track: clinical
    levels:
      - id: cp-1
        title: Clinical Pharmacist I
        advancement:
          criteria:
            type: all-of
            id: cp-1-advance
            description: All Clinical Pharmacist I advancement requirements
            criteria:
              - {type: rating, id: cp-1-performance, atLeast: meets, consecutive: 2,
                 description: Consistently meets all performance standards}
              - {type: attestation, id: cp-1-specialty-interest, by: manager,
                 description: Demonstrates interest in a clinical specialty area}
              - {type: activity, id: cp-1-project, count: 1, tags: [mue, in-service],
                 description: A significant project (e.g., MUE, in-service presentation)}
              - {type: credential, id: cp-1-board-certification, credentials: [bcps, bcop],
                 description: Board certification (e.g., BCPS, BCOP)}
      - id: cp-2
        title: Clinical Pharmacist II
        advancement:
          criteria:
            type: all-of
            id: cp-2-advance
            description: All Clinical Pharmacist II advancement requirements
            criteria:
              - {type: rating, id: cp-2-performance, atLeast: exceeds, consecutive: 2,
                 description: Consistently exceeds performance standards}
              - {type: attestation, id: cp-2-leadership, by: committee,
                 description: Leadership on departmental and hospital-wide initiatives}
              - {type: activity, id: cp-2-dissemination, count: 1,
                 tags: [publication, presentation],
                 description: Publication or presentation at a regional/national level}
              - {type: attestation, id: cp-2-mentoring, by: manager,
                 description: Proven ability to lead and mentor other pharmacists}
      - id: clinical-coordinator
        title: Clinical Coordinator
"""

LEADERSHIP_LADDER = """\
    apiVersion: ladderctl/v1
    kind: Ladder
    id: pharmacy-leadership
    title: Pharmacy Leadership
    track: leadership
    levels:
      - {id: operations-manager, title: Pharmacy Operations Manager}
      - {id: director, title: Director of Pharmacy}
"""

AS_OF = date(2025, 6, 1)


def seed_documents() -> list[Document]:
    return [
        yaml_doc(CATALOG, "catalog.yaml"),
        yaml_doc(TECH_LADDER, "ladders/pharmacy-technician.yaml"),
        yaml_doc(CLINICAL_LADDER, "ladders/clinical-pharmacist.yaml"),
        yaml_doc(LEADERSHIP_LADDER, "ladders/pharmacy-leadership.yaml"),
    ]


def department(*records: dict[str, Any], extra: Iterable[Document] = ()) -> Department:
    return Department.from_documents([*seed_documents(), *map(record_doc, records), *extra])


def person(person_id: str = "ana", **fields: Any) -> dict[str, Any]:
    """A Technician I who meets every Technician I -> II requirement on AS_OF."""
    record: dict[str, Any] = {
        "apiVersion": "ladderctl/v1",
        "kind": "StaffRecord",
        "id": person_id,
        "name": f"{person_id.title()} Example",
        "ladder": "pharmacy-technician",
        "level": "tech-1",
        "hireDate": "2023-03-01",
        "status": "active",
        "levelHistory": [{"level": "tech-1", "effective": "2023-03-01"}],
        "certifications": [
            {"id": "state-registration", "earned": "2023-02-01", "expires": "2026-12-31"},
            {"id": "cpht", "earned": "2023-05-10", "expires": "2027-05-31"},
        ],
        "reviews": [
            {"date": "2024-03-15", "rating": "meets", "period": "FY2024"},
            {"date": "2025-03-15", "rating": "exceeds", "period": "FY2025"},
        ],
        "assessments": [{"id": "tech-1-competency", "date": "2024-09-01", "result": "pass"}],
    }
    record.update(fields)
    return record


def tech2(person_id: str = "bo", **fields: Any) -> dict[str, Any]:
    """A Technician II who meets every Technician II -> III requirement on AS_OF."""
    record = person(
        person_id,
        level="tech-2",
        hireDate="2023-01-10",
        levelHistory=[
            {"level": "tech-1", "effective": "2023-01-10"},
            {"level": "tech-2", "effective": "2023-06-01", "reason": "promotion"},
        ],
        reviews=[
            {"date": "2024-03-15", "rating": "exceeds"},
            {"date": "2025-03-15", "rating": "outstanding"},
        ],
        accomplishments=[
            {"title": "ASHP train-the-trainer", "date": "2024-10-01", "tags": ["train-the-trainer"]}
        ],
        attestations=[{"criterion": "tech-2-problem-solving", "by": "mgr", "date": "2025-01-20"}],
    )
    record["certifications"] = [
        *record["certifications"],
        {"id": "cspt", "earned": "2024-04-01", "expires": "2026-04-30"},
    ]
    record.update(fields)
    return record


def check(
    record: dict[str, Any], *, as_of: date = AS_OF, target: str | None = None
) -> EligibilityReport:
    return check_eligibility(record["id"], department(record), as_of=as_of, target=target)


def row(report: EligibilityReport, criterion_id: str) -> CriterionResult:
    return report.row(criterion_id)


def without(record: dict[str, Any], key: str, **match: str) -> dict[str, Any]:
    """`record` with the items of list `key` matching all of `match` removed."""
    out = copy.deepcopy(record)
    out[key] = [i for i in out[key] if not all(i.get(k) == v for k, v in match.items())]
    return out


# --- Technician I -> II ------------------------------------------------------------------------


def test_technician_1_meeting_everything_is_eligible_now() -> None:
    report = check(person())
    assert report.verdict == "eligible-now"
    assert report.target is not None
    assert (report.target.ladder, report.target.level, report.target.kind) == (
        "pharmacy-technician",
        "tech-2",
        "next-level",
    )
    assert [r.id for r in report.criteria] == [
        "tech-1-advance",
        "tech-1-registration",
        "tech-1-cpht",
        "tech-1-experience",
        "tech-1-performance",
        "tech-1-assessment",
    ]
    assert {r.status for r in report.criteria} == {"met"}
    assert report.gaps == ()
    assert (
        row(report, "tech-1-cpht").evidence[0].text == "CPhT earned 2023-05-10, expires 2027-05-31"
    )


def test_technician_1_without_state_registration() -> None:
    report = check(without(person(), "certifications", id="state-registration"))
    assert report.verdict == "not-eligible"
    assert [g.id for g in report.gaps] == ["tech-1-registration"]
    assert report.gaps[0].needed == "hold State registration"


def test_technician_1_without_cpht() -> None:
    report = check(without(person(), "certifications", id="cpht"))
    assert report.verdict == "not-eligible"
    assert [(g.id, g.needed) for g in report.gaps] == [("tech-1-cpht", "hold CPhT")]


def test_technician_1_with_less_than_a_year_is_eligible_on_the_anniversary() -> None:
    report = check(person(hireDate="2024-09-15"))
    experience = row(report, "tech-1-experience")
    assert experience.status == "met-on"
    assert experience.met_on == date(2025, 9, 15)
    days = (AS_OF - date(2024, 9, 15)).days
    assert experience.needed == (
        f"1 year of experience: has {days} days; reached on 2025-09-15 with continued employment"
    )
    assert report.verdict == "eligible-on"
    assert report.eligible_on == date(2025, 9, 15)
    assert report.gaps == ()
    assert [p.id for p in report.pending] == ["tech-1-experience"]


def test_technician_1_who_left_cannot_reach_a_year() -> None:
    record = person(hireDate="2024-09-15", status="terminated", endDate="2025-01-31")
    report = check(record)
    assert report.verdict == "not-eligible"
    assert [g.id for g in report.gaps] == ["tech-1-experience"]
    assert report.gaps[0].needed is not None
    assert report.gaps[0].needed.endswith("not reachable: not currently employed")
    assert "ana is terminated on 2025-01-31" in report.warnings


def test_technician_1_below_meets_standards() -> None:
    record = person(
        reviews=[
            {"date": "2024-03-15", "rating": "meets"},
            {"date": "2025-03-15", "rating": "needs-improvement"},
        ]
    )
    report = check(record)
    assert report.verdict == "not-eligible"
    assert [(g.id, g.needed) for g in report.gaps] == [
        (
            "tech-1-performance",
            "2 consecutive reviews at meets or above (latest: needs-improvement on 2025-03-15)",
        )
    ]


def test_rating_needs_enough_reviews_and_names_the_low_one() -> None:
    one = check(person(reviews=[{"date": "2025-03-15", "rating": "outstanding"}]))
    assert one.gaps[0].needed == (
        "2 consecutive reviews at meets or above "
        "(only 1 review on record; latest: outstanding on 2025-03-15)"
    )
    earlier_low = check(
        person(
            reviews=[
                {"date": "2024-03-15", "rating": "unsatisfactory"},
                {"date": "2025-03-15", "rating": "meets"},
            ]
        )
    )
    assert earlier_low.gaps[0].needed == (
        "2 consecutive reviews at meets or above "
        "(latest: meets on 2025-03-15, but unsatisfactory on 2024-03-15)"
    )
    # Only the most recent reviews count: an old low rating no longer matters.
    recovered = check(
        person(
            reviews=[
                {"date": "2023-03-15", "rating": "unsatisfactory"},
                {"date": "2024-03-15", "rating": "meets"},
                {"date": "2025-03-15", "rating": "meets"},
            ]
        )
    )
    assert row(recovered, "tech-1-performance").status == "met"
    # A review signed after the as-of date does not count yet.
    future = check(
        person(
            reviews=[
                {"date": "2024-03-15", "rating": "meets"},
                {"date": "2025-07-01", "rating": "meets"},
            ]
        )
    )
    assert row(future, "tech-1-performance").status == "not-met"


def test_technician_1_without_the_level_1_assessment() -> None:
    report = check(person(assessments=[]))
    assert [(g.id, g.needed) for g in report.gaps] == [
        ("tech-1-assessment", "a pass in tech-1-competency (no attempt on record)")
    ]
    failed = check(
        person(assessments=[{"id": "tech-1-competency", "date": "2025-02-01", "result": "fail"}])
    )
    assert failed.gaps[0].needed == (
        "a pass in tech-1-competency (no pass on record; last attempt: fail on 2025-02-01)"
    )


def test_every_missing_piece_is_a_gap_in_tree_order() -> None:
    record = person(certifications=[], reviews=[], assessments=[], hireDate="2025-01-01")
    report = check(record)
    assert report.verdict == "not-eligible"
    assert [g.id for g in report.gaps] == [
        "tech-1-registration",
        "tech-1-cpht",
        "tech-1-performance",
        "tech-1-assessment",
    ]
    assert row(report, "tech-1-experience").status == "met-on"
    assert row(report, "tech-1-advance").needed == (
        "all of: tech-1-registration, tech-1-cpht, tech-1-experience, "
        "tech-1-performance, tech-1-assessment"
    )


# --- Technician II -> III ----------------------------------------------------------------------


def test_technician_2_meeting_everything_is_eligible_now() -> None:
    report = check(tech2())
    assert report.verdict == "eligible-now", [r.to_dict() for r in report.criteria]
    assert report.target is not None and report.target.level == "tech-3"
    # 2 years met but below the typical 3: a note, not a gap.
    assert row(report, "tech-2-experience").notes == ("typical: 3 years",)


def test_technician_2_needs_two_years() -> None:
    report = check(tech2(hireDate="2023-09-01"))
    experience = row(report, "tech-2-experience")
    assert (experience.status, experience.met_on) == ("met-on", date(2025, 9, 1))
    assert experience.needed is not None
    assert experience.needed.startswith("2 years of experience (typical 3 years): has ")
    assert report.verdict == "eligible-on"
    assert report.eligible_on == date(2025, 9, 1)


def test_technician_2_needs_to_exceed_standards() -> None:
    record = tech2(
        reviews=[
            {"date": "2024-03-15", "rating": "exceeds"},
            {"date": "2025-03-15", "rating": "meets"},
        ]
    )
    report = check(record)
    assert [(g.id, g.needed) for g in report.gaps] == [
        (
            "tech-2-performance",
            "2 consecutive reviews at exceeds or above (latest: meets on 2025-03-15)",
        )
    ]


@pytest.mark.parametrize(
    ("credential", "label"),
    [("cspt", "CSPT"), ("hd-handling", "Hazardous drug handling")],
)
def test_technician_2_advanced_certification_either_one(credential: str, label: str) -> None:
    record = tech2()
    record["certifications"] = [
        c for c in record["certifications"] if c["id"] not in ("cspt", "hd-handling")
    ]
    record["certifications"].append(
        {"id": credential, "earned": "2024-04-01", "expires": "2026-04-30"}
    )
    report = check(record)
    advanced = row(report, "tech-2-advanced-certification")
    assert advanced.status == "met"
    assert advanced.evidence[0].text.startswith(f"{label} earned 2024-04-01")
    if credential == "hd-handling":  # the catalog says it never expires
        assert advanced.evidence[0].text == f"{label} earned 2024-04-01, does not expire"
        assert advanced.lapses_on is None


def test_technician_2_without_an_advanced_certification() -> None:
    report = check(without(tech2(), "certifications", id="cspt"))
    assert [(g.id, g.needed) for g in report.gaps] == [
        ("tech-2-advanced-certification", "hold CSPT or Hazardous drug handling")
    ]


def test_technician_2_without_train_the_trainer() -> None:
    report = check(tech2(accomplishments=[]))
    assert [(g.id, g.needed) for g in report.gaps] == [
        (
            "tech-2-train-the-trainer",
            "1 more accomplishment tagged train-the-trainer or precepting-course",
        )
    ]
    precepting = check(
        tech2(
            accomplishments=[
                {"title": "Preceptor course", "date": "2025-02-01", "tags": ["precepting-course"]}
            ]
        )
    )
    assert row(precepting, "tech-2-train-the-trainer").status == "met"


def test_technician_2_without_the_problem_solving_attestation() -> None:
    report = check(tech2(attestations=[]))
    assert report.verdict == "not-eligible"
    attestation = row(report, "tech-2-problem-solving")
    assert attestation.status == "needs-evidence"
    assert [(g.id, g.needed) for g in report.gaps] == [
        ("tech-2-problem-solving", "a manager attestation for 'tech-2-problem-solving'")
    ]


# --- credentials: expiry -----------------------------------------------------------------------


def test_expired_certification_is_not_counted() -> None:
    record = person()
    record["certifications"][1]["expires"] = "2025-05-31"
    report = check(record)
    cpht = row(report, "tech-1-cpht")
    assert cpht.status == "not-met"
    assert cpht.needed == "CPhT expired 2025-05-31: renew"
    assert cpht.evidence[0].text == "CPhT earned 2023-05-10, expired 2025-05-31"
    # The expiry date itself is the first day it no longer counts.
    record["certifications"][1]["expires"] = "2025-06-01"
    assert row(check(record), "tech-1-cpht").status == "not-met"
    record["certifications"][1]["expires"] = "2025-06-02"
    assert row(check(record), "tech-1-cpht").status == "met"


def test_a_renewed_certification_replaces_the_expired_one() -> None:
    record = person()
    record["certifications"][1]["expires"] = "2025-05-31"
    record["certifications"].append({"id": "cpht", "earned": "2025-05-20", "expires": "2027-05-31"})
    cpht = row(check(record), "tech-1-cpht")
    assert cpht.status == "met"
    assert cpht.evidence[0].text == "CPhT earned 2025-05-20, expires 2027-05-31"


def test_certification_expiring_within_90_days_is_flagged() -> None:
    record = person()
    record["certifications"][1]["expires"] = (AS_OF + timedelta(days=90)).isoformat()
    report = check(record)
    assert report.verdict == "eligible-now"
    assert report.warnings == ("CPhT expires 2025-08-30, within 90 days of 2025-06-01: renew",)
    record["certifications"][1]["expires"] = (AS_OF + timedelta(days=91)).isoformat()
    assert check(record).warnings == ()


def test_eligible_on_date_warns_when_a_credential_lapses_first() -> None:
    record = person(hireDate="2024-09-15")
    record["certifications"][1]["expires"] = "2025-09-01"
    report = check(record)
    assert report.verdict == "eligible-on"
    assert report.eligible_on == date(2025, 9, 15)
    assert "eligible on 2025-09-15, but CPhT expires 2025-09-01: renew first" in report.warnings


# --- experience arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hired", "as_of", "expected"),
    [
        # Hired on a leap day: one year is reached on 2025-03-01 (Feb 28 counts back to
        # 2024-02-28, before the hire date).
        ("2024-02-29", date(2024, 12, 1), date(2025, 3, 1)),
        # A year containing Feb 29 2024 is 366 days: still exactly the anniversary.
        ("2023-03-01", date(2023, 12, 1), date(2024, 3, 1)),
        ("2023-06-15", date(2024, 1, 1), date(2024, 6, 15)),
        ("2024-12-31", date(2025, 6, 1), date(2025, 12, 31)),
    ],
)
def test_eligible_on_is_the_anniversary(hired: str, as_of: date, expected: date) -> None:
    report = check(person(hireDate=hired, levelHistory=[]), as_of=as_of)
    assert row(report, "tech-1-experience").met_on == expected
    assert check(person(hireDate=hired), as_of=expected - timedelta(days=1)).row(
        "tech-1-experience"
    ).status == ("met-on")
    assert check(person(hireDate=hired), as_of=expected).row("tech-1-experience").status == "met"


def test_prior_experience_adds_up_to_the_day() -> None:
    # 181 days at a previous employer (2022-01-01..2022-06-30), hired 2024-07-01. On 2025-01-01
    # that is 181 + 184 = 365 days, but the year before 2025-01-01 has 366 days (2024 is a leap
    # year), so one year is reached on 2025-01-02 (181 + 185 = 366).
    record = person(
        hireDate="2024-07-01",
        priorExperience=[
            {
                "employer": "Corner Drug",
                "role": "Technician",
                "from": "2022-01-01",
                "to": "2022-06-30",
            }
        ],
    )
    report = check(record, as_of=date(2024, 10, 1))
    experience = row(report, "tech-1-experience")
    assert experience.met_on == date(2025, 1, 2)
    assert [e.text for e in experience.evidence[1:]] == [
        "employed since 2024-07-01",
        "prior: Corner Drug (Technician), 2022-01-01 to 2022-06-30",
    ]
    assert check(record, as_of=date(2025, 1, 1)).row("tech-1-experience").status == "met-on"
    assert check(record, as_of=date(2025, 1, 2)).row("tech-1-experience").status == "met"


def test_overlapping_periods_count_each_day_once() -> None:
    record = person(
        hireDate="2024-07-01",
        priorExperience=[
            {"employer": "Locum agency", "from": "2023-09-01", "to": "2024-12-31"},
            {"employer": "Weekend job", "from": "2023-10-01", "to": "2023-12-31"},
        ],
    )
    report = check(record, as_of=date(2024, 8, 1))
    assert row(report, "tech-1-experience").met_on == date(2024, 9, 1)


def test_years_within_the_last_m_years() -> None:
    criterion = {
        "type": "experience",
        "id": "recent-experience",
        "description": "2 years of experience within the last 3 years",
        "years": 2,
        "withinYears": 3,
    }
    # Four years long ago do not count; only employment since 2024-01-01 does.
    old = person(
        hireDate="2024-01-01",
        priorExperience=[{"employer": "Old job", "from": "2015-01-01", "to": "2018-12-31"}],
    )
    report = mini_check(criterion, old, as_of=AS_OF)
    recent = row(report, "recent-experience")
    assert recent.status == "met-on"
    assert recent.met_on == date(2026, 1, 1)
    assert recent.evidence[0].text == (
        "517 days counted within the last 3 years (731 days needed on 2025-06-01)"
    )
    # Without the window the same four old years are plenty.
    plain = {**criterion, "withinYears": None}
    del plain["withinYears"]
    assert mini_check(plain, old, as_of=AS_OF).verdict == "eligible-now"

    # 365 days (2021-06-01..2022-05-31) + 366 days since 2023-06-01 = 731 = two years before
    # 2024-06-01; on 2024-05-31 the window holds only 730 of the 731 needed.
    mixed = person(
        hireDate="2023-06-01",
        priorExperience=[{"employer": "Clinic", "from": "2021-06-01", "to": "2022-05-31"}],
    )
    before = mini_check(criterion, mixed, as_of=date(2024, 5, 31))
    assert (before.verdict, before.eligible_on) == ("eligible-on", date(2024, 6, 1))
    assert mini_check(criterion, mixed, as_of=date(2024, 6, 1)).verdict == "eligible-now"


def test_time_in_level_counts_calendar_months_clamped_to_month_end() -> None:
    criterion = {
        "type": "time-in-level",
        "id": "one-month-in-level",
        "description": "One month in level",
        "months": 1,
    }
    record = person(
        levelHistory=[
            {"level": "tech-1", "effective": "2023-03-01"},
            {"level": "tech-2", "effective": "2023-09-01"},
            {"level": "tech-1", "effective": "2024-01-31", "reason": "returned"},
        ]
    )
    report = mini_check(criterion, record, as_of=date(2024, 2, 15), level="tech-1")
    result = row(report, "one-month-in-level")
    assert (result.status, result.met_on) == ("met-on", date(2024, 2, 29))
    assert result.needed == "1 month in tech-1 (since 2024-01-31): reached on 2024-02-29"
    assert mini_check(criterion, record, as_of=date(2024, 2, 29)).verdict == "eligible-now"


def mini_check(
    criterion: dict[str, Any],
    record: dict[str, Any],
    *,
    as_of: date,
    level: str = "tech-1",
    catalog: str = CATALOG,
) -> EligibilityReport:
    """Evaluate `record` against a two-level ladder whose only requirement is `criterion`."""
    ladder = {
        "apiVersion": "ladderctl/v1",
        "kind": "Ladder",
        "id": "mini",
        "title": "Mini",
        "track": "technical",
        "levels": [
            {"id": level, "title": "From", "advancement": {"criteria": criterion}},
            {"id": "next", "title": "To"},
        ],
    }
    record = {**record, "ladder": "mini", "level": level}
    for entry in record.get("levelHistory", []):
        entry.setdefault("ladder", "mini")
    dept = Department.from_documents(
        [
            yaml_doc(catalog, "catalog.yaml"),
            Document("ladders/mini.yaml", ladder),
            record_doc(record),
        ]
    )
    return check_eligibility(record["id"], dept, as_of=as_of)


# --- assessments, activities, attestations -----------------------------------------------------


def test_assessment_pass_lapses_after_the_catalog_recurrence() -> None:
    criterion = {
        "type": "assessment",
        "id": "sterile-compounding",
        "description": "Current sterile compounding competency",
        "assessment": "sterile-compounding-competency",
    }
    record = person(
        assessments=[
            {"id": "sterile-compounding-competency", "date": "2025-01-10", "result": "pass"}
        ]
    )
    valid = mini_check(criterion, record, as_of=date(2025, 7, 9))
    result = row(valid, "sterile-compounding")
    assert (result.status, result.lapses_on) == ("met", date(2025, 7, 10))
    assert result.evidence[0].text == (
        "sterile-compounding-competency passed 2025-01-10, lapses on 2025-07-10"
    )
    lapsed = mini_check(criterion, record, as_of=date(2025, 7, 10))
    assert [g.needed for g in lapsed.gaps] == [
        "a pass in sterile-compounding-competency (last pass 2025-01-10 lapsed on 2025-07-10)"
    ]
    # validForMonths on the criterion overrides the catalog.
    longer = {**criterion, "validForMonths": 12}
    assert mini_check(longer, record, as_of=date(2025, 7, 10)).verdict == "eligible-now"


def test_activity_counts_only_within_the_window() -> None:
    criterion = {
        "type": "activity",
        "id": "recent-presentations",
        "description": "Two presentations in the last 2 years",
        "tags": ["presentation", "in-service"],
        "count": 2,
        "withinYears": 2,
    }
    record = person(
        accomplishments=[
            {"title": "Old talk", "date": "2023-05-31", "tags": ["presentation"]},
            {"title": "Boundary talk", "date": "2023-06-01", "tags": ["presentation"]},
            {"title": "In-service", "date": "2025-01-15", "tags": ["in-service", "presentation"]},
            {"title": "Future talk", "date": "2025-07-01", "tags": ["presentation"]},
        ]
    )
    report = mini_check(criterion, record, as_of=AS_OF)
    # Window (2023-06-01, 2025-06-01]: only the in-service counts (once, despite two tags).
    assert [g.needed for g in report.gaps] == [
        "1 more accomplishment tagged presentation or in-service in the last 2 years"
    ]
    assert [e.text for e in row(report, "recent-presentations").evidence] == [
        "In-service (2025-01-15; in-service, presentation)"
    ]


def test_attestation_lapses_after_valid_for_months() -> None:
    criterion = {
        "type": "attestation",
        "id": "annual-signoff",
        "description": "Annual manager sign-off",
        "by": "manager",
        "validForMonths": 12,
    }
    record = person(
        attestations=[{"criterion": "annual-signoff", "by": "mgr", "date": "2024-06-01"}]
    )
    assert mini_check(criterion, record, as_of=date(2025, 5, 31)).verdict == "eligible-now"
    lapsed = mini_check(criterion, record, as_of=AS_OF)
    assert lapsed.gaps[0].status == "needs-evidence"
    assert lapsed.gaps[0].needed == (
        "a manager attestation for 'annual-signoff' "
        "(last attested 2024-06-01, lapsed on 2025-06-01)"
    )


# --- combinators -------------------------------------------------------------------------------


def _experience(cid: str, years: float) -> dict[str, Any]:
    return {"type": "experience", "id": cid, "description": f"{years} years", "years": years}


def test_any_of_and_at_least_become_met_on_the_earliest_sufficient_date() -> None:
    record = person(hireDate="2025-01-01")
    any_of = {
        "type": "any-of",
        "id": "either",
        "description": "One or two years",
        "criteria": [_experience("two", 2), _experience("one", 1)],
    }
    report = mini_check(any_of, record, as_of=AS_OF)
    assert (report.verdict, report.eligible_on) == ("eligible-on", date(2026, 1, 1))
    at_least = {
        "type": "at-least",
        "id": "two-of-three",
        "description": "Two of three",
        "count": 2,
        "criteria": [_experience("three", 3), _experience("one", 1), _experience("two", 2)],
    }
    report = mini_check(at_least, record, as_of=AS_OF)
    assert (report.verdict, report.eligible_on) == ("eligible-on", date(2027, 1, 1))
    assert [r.required for r in report.criteria] == [True, False, False, False]
    all_of = {**at_least, "type": "all-of", "id": "all-three"}
    del all_of["count"]
    report = mini_check(all_of, record, as_of=AS_OF)
    assert (report.verdict, report.eligible_on) == ("eligible-on", date(2028, 1, 1))


def test_at_least_lists_only_the_missing_leaves_as_gaps() -> None:
    at_least = {
        "type": "at-least",
        "id": "two-of-three",
        "description": "Two of three",
        "count": 2,
        "criteria": [
            {"type": "credential", "id": "board", "description": "BCPS", "credentials": ["bcps"]},
            _experience("one", 1),
            {"type": "attestation", "id": "mentor", "description": "Mentors", "by": "manager"},
        ],
    }
    report = mini_check(at_least, person(), as_of=AS_OF)
    assert report.verdict == "not-eligible"
    assert [g.id for g in report.gaps] == ["board", "mentor"]
    assert row(report, "two-of-three").needed == "1 more of: board, mentor"


# --- waivers -----------------------------------------------------------------------------------


def test_waiver_is_honoured_until_it_expires() -> None:
    waiver = {
        "criterion": "tech-1-assessment",
        "approver": "director",
        "reason": "Assessment program paused during the EHR migration",
        "date": "2025-02-01",
        "expires": "2025-09-01",
    }
    record = person(assessments=[], waivers=[waiver])
    report = check(record)
    assert report.verdict == "eligible-now"
    waived = row(report, "tech-1-assessment")
    assert waived.status == "waived"
    assert waived.waiver is not None and waived.waiver.approver == "director"
    data = waived.to_dict()
    assert data["waiver"] == {
        "criterion": "tech-1-assessment",
        "approver": "director",
        "reason": "Assessment program paused during the EHR migration",
        "date": "2025-02-01",
        "expires": "2025-09-01",
        "location": "staff/ana.yaml:1:1",
    }
    assert waived.evidence[0].text == (
        "waived by director on 2025-02-01: Assessment program paused during the EHR migration, "
        "expires 2025-09-01"
    )
    expired = check(record, as_of=date(2025, 9, 1))
    assert expired.verdict == "not-eligible"
    assert [g.id for g in expired.gaps] == ["tech-1-assessment"]


def test_waiver_of_a_combinator_covers_its_subtree() -> None:
    waiver = {
        "criterion": "tech-1-advance",
        "approver": "committee",
        "reason": "Hired under the previous ladder",
        "date": "2025-01-01",
    }
    report = check(person(certifications=[], reviews=[], assessments=[], waivers=[waiver]))
    assert report.verdict == "eligible-now"
    assert {r.status for r in report.criteria} == {"waived"}
    assert row(report, "tech-1-cpht").notes == ("covered by the waiver of 'tech-1-advance'",)
    assert not any(r.required for r in report.criteria)


def test_waiver_expiring_before_the_projected_date_is_warned() -> None:
    waiver = {
        "criterion": "tech-1-assessment",
        "approver": "director",
        "reason": "Paused",
        "date": "2025-02-01",
        "expires": "2025-08-01",
    }
    report = check(person(hireDate="2024-09-15", assessments=[], waivers=[waiver]))
    assert report.verdict == "eligible-on"
    assert report.warnings == (
        "eligible on 2025-09-15, but the waiver of 'tech-1-assessment' expires 2025-08-01",
    )


# --- targets -----------------------------------------------------------------------------------


def test_to_a_level_two_rungs_up_combines_both_advancement_blocks() -> None:
    report = check(person(), target="tech-3")
    assert report.target is not None
    assert (report.target.kind, report.target.level, report.target.levels) == (
        "level",
        "tech-3",
        ("tech-1", "tech-2"),
    )
    root = report.criteria[0]
    assert (root.id, root.type) == ("tech-1->tech-3", "all-of")
    assert [r.id for r in report.criteria if r.depth == 1] == ["tech-1-advance", "tech-2-advance"]
    assert row(report, "tech-1-advance").status == "met"
    assert [g.id for g in report.gaps] == [
        "tech-2-performance",
        "tech-2-advanced-certification",
        "tech-2-train-the-trainer",
        "tech-2-problem-solving",
    ]


def test_to_a_level_at_or_below_the_current_one_is_rejected() -> None:
    with pytest.raises(InvalidTarget, match="level 'tech-1' is not above ana's current level"):
        check(person(level="tech-2"), target="tech-1")
    with pytest.raises(UnknownLevel) as error:
        check(person(), target="pharmacy-technician/tech-5")
    assert str(error.value) == (
        "level 'tech-5' is not on ladder 'pharmacy-technician' "
        "(levels: tech-1, tech-2, tech-3, tech-4)"
    )


def lead_tech(**fields: Any) -> dict[str, Any]:
    record = person(
        "dana",
        level="tech-4",
        hireDate="2015-01-05",
        accomplishments=[
            {"title": "Leadership academy", "date": "2024-11-01", "tags": ["leadership-training"]}
        ],
        attestations=[
            {"criterion": "ops-committee-approval", "by": "committee", "date": "2025-04-01"}
        ],
    )
    record.update(fields)
    return record


def test_transition_target_uses_only_the_transition_requirements() -> None:
    for to in ("pharmacy-leadership/operations-manager", "tech-to-operations-manager"):
        report = check(lead_tech(), target=to)
        assert report.verdict == "eligible-now"
        assert report.target is not None
        assert (report.target.kind, report.target.transition) == (
            "transition",
            "tech-to-operations-manager",
        )
        assert (report.target.ladder, report.target.level) == (
            "pharmacy-leadership",
            "operations-manager",
        )
        assert [r.id for r in report.criteria] == [
            "ops-manager-ready",
            "ops-leadership-training",
            "ops-committee-approval",
        ]
    missing = check(lead_tech(attestations=[]), target="tech-to-operations-manager")
    assert [(g.id, g.status) for g in missing.gaps] == [
        ("ops-committee-approval", "needs-evidence")
    ]


def test_transition_from_another_level_or_to_nowhere_is_rejected() -> None:
    with pytest.raises(InvalidTarget) as wrong_level:
        check(person(), target="tech-to-operations-manager")
    assert str(wrong_level.value) == (
        "transition 'tech-to-operations-manager' starts at level tech-4, "
        "but ana is at 'tech-1' on ladder 'pharmacy-technician'"
    )
    with pytest.raises(UnknownTarget) as nowhere:
        check(lead_tech(), target="pharmacy-leadership/director")
    assert str(nowhere.value) == (
        "ladder 'pharmacy-technician' has no transition to 'pharmacy-leadership/director' "
        "(transitions: tech-to-operations-manager "
        "(tech-4 -> pharmacy-leadership/operations-manager))"
    )
    with pytest.raises(UnknownTarget, match="'pharmacist' is neither a level on ladder"):
        check(lead_tech(), target="pharmacist")


def coordinator(person_id: str = "cy") -> dict[str, Any]:
    return person(
        person_id,
        ladder="clinical-pharmacist",
        level="clinical-coordinator",
        levelHistory=[{"level": "clinical-coordinator", "effective": "2020-01-01"}],
    )


def test_top_of_ladder_is_an_answer_not_an_error() -> None:
    report = check(coordinator())
    assert report.verdict == "top-of-ladder"
    assert report.target is None and report.criteria == () and report.warnings == ()
    assert report.to_dict()["verdict"] == "top-of-ladder"


def test_top_of_ladder_with_transitions_still_answers_top_of_ladder() -> None:
    # A move to another ladder is asked for by name (--to); see the transition tests.
    dept = department(lead_tech())
    report = check_eligibility("dana", dept, as_of=AS_OF)
    assert (report.verdict, report.target, report.warnings) == ("top-of-ladder", None, ())
    assert [t.id for t in dept.transitions_from(dept.person("dana"))] == [
        "tech-to-operations-manager"
    ]


def test_transition_without_requirements_is_reached_on_the_from_level_alone() -> None:
    ladder = yaml_doc(TECH_LADDER, "ladders/pharmacy-technician.yaml").data
    ladder["transitions"].append(
        {
            "id": "tech-to-informatics",
            "from": "tech-4",
            "to": {"ladder": "pharmacy-informatics", "level": "analyst"},
        }
    )
    docs = [
        yaml_doc(CATALOG, "catalog.yaml"),
        Document("ladders/pharmacy-technician.yaml", ladder),
        record_doc(lead_tech()),
    ]
    dept = Department.from_documents(docs)
    direct = check_eligibility("dana", dept, as_of=AS_OF, target="tech-to-informatics")
    assert (direct.verdict, direct.criteria) == ("eligible-now", ())
    assert direct.warnings == (
        "no requirements recorded for pharmacy-informatics/analyst: "
        "reached on the terms of tech-4 alone",
    )


def test_clinical_pharmacist_1_to_2() -> None:
    record = person(
        "pat",
        ladder="clinical-pharmacist",
        level="cp-1",
        levelHistory=[{"level": "cp-1", "effective": "2021-07-01"}],
        certifications=[{"id": "bcop", "earned": "2024-11-01", "expires": "2031-12-31"}],
        accomplishments=[{"title": "Vancomycin MUE", "date": "2024-05-01", "tags": ["mue"]}],
        attestations=[],
    )
    report = check(record)
    assert [(g.id, g.needed) for g in report.gaps] == [
        ("cp-1-specialty-interest", "a manager attestation for 'cp-1-specialty-interest'")
    ]


# --- errors ------------------------------------------------------------------------------------


def test_unknown_person_and_level_messages() -> None:
    dept = department(person(), person("bo"))
    with pytest.raises(UnknownPerson) as unknown:
        check_eligibility("anna", dept, as_of=AS_OF)
    assert str(unknown.value) == "no staff record 'anna'; did you mean ana? (staff: ana, bo)"
    with pytest.raises(UnknownLevel) as level:
        check(person(level="tech-5"))
    assert str(level.value) == (
        "level 'tech-5' is not on ladder 'pharmacy-technician' "
        "(levels: tech-1, tech-2, tech-3, tech-4)"
    )
    with pytest.raises(UnknownLadder) as ladder:
        check(person(ladder="pharmacy-tech"))
    assert str(ladder.value) == (
        "no ladder 'pharmacy-tech'; did you mean pharmacy-technician, pharmacy-leadership? "
        "(ladders: clinical-pharmacist, pharmacy-leadership, pharmacy-technician)"
    )
    assert dept.level("pharmacy-technician", "tech-2").title == "Pharmacy Technician II"


def test_department_rejects_duplicates_and_ignores_other_kinds() -> None:
    other = Document("plans/x.yaml", {"apiVersion": "ladderctl/v1", "kind": "DevelopmentPlan"})
    dept = department(person(), extra=[other])
    assert sorted(dept.staff) == ["ana"]
    with pytest.raises(DuplicateRecord, match="staff id 'ana' is used twice"):
        Department.from_documents([*seed_documents(), record_doc(person()), record_doc(person())])
    with pytest.raises(DuplicateRecord, match="two Catalog records"):
        Department.from_documents([*seed_documents(), yaml_doc(CATALOG, "other.yaml")])


# --- reports -----------------------------------------------------------------------------------


def test_report_to_dict_is_json_ready_with_locations() -> None:
    staff = yaml_doc(
        """\
        apiVersion: ladderctl/v1
        kind: StaffRecord
        id: ana
        name: Ana Example
        ladder: pharmacy-technician
        level: tech-1
        hireDate: 2023-03-01
        status: active
        levelHistory:
          - {level: tech-1, effective: 2023-03-01}
        certifications:
          - id: state-registration
            earned: 2023-02-01
            expires: 2026-12-31
          - id: cpht
            earned: 2023-05-10
            expires: 2027-05-31
        reviews:
          - {date: 2024-03-15, rating: meets}
          - {date: 2025-03-15, rating: exceeds}
        """,
        "staff/ana.yaml",
    )
    dept = Department.from_documents([*seed_documents(), staff])
    report = check_eligibility("ana", dept, as_of=AS_OF)
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["verdict"] == "not-eligible"
    assert data["asOf"] == "2025-06-01"
    assert data["gaps"] == [
        {"id": "tech-1-assessment", "needed": "a pass in tech-1-competency (no attempt on record)"}
    ]
    rows = {r["id"]: r for r in data["criteria"]}  # type: ignore[attr-defined]
    assert rows["tech-1-cpht"]["evidence"] == [
        {"text": "CPhT earned 2023-05-10, expires 2027-05-31", "location": "staff/ana.yaml:15:5"}
    ]
    assert rows["tech-1-cpht"]["location"] == "ladders/pharmacy-technician.yaml:20:13"
    assert rows["tech-1-cpht"]["lapsesOn"] == "2027-05-31"
    assert rows["tech-1-experience"]["evidence"][1] == {
        "text": "employed since 2023-03-01",
        "location": "staff/ana.yaml:7:11",
    }
    assert report.to_dict() == data  # deterministic


def test_team_report_order_and_counts() -> None:
    people = [
        person("zed"),  # eligible now
        person("amy"),  # eligible now
        person("late", hireDate="2024-12-01"),  # eligible on 2025-12-01
        person("soon", hireDate="2024-07-01"),  # eligible on 2025-07-01
        person("three-gaps", certifications=[], assessments=[]),
        person("one-gap", assessments=[]),
        coordinator("cy"),  # top of ladder
    ]
    dept = department(*people)
    team = check_team(None, dept, as_of=AS_OF)
    assert [r.person for r in team.reports] == [
        "amy",
        "zed",
        "soon",
        "late",
        "one-gap",
        "three-gaps",
        "cy",
    ]
    assert dict(team.counts) == {
        "eligible-now": 2,
        "eligible-on": 2,
        "not-eligible": 2,
        "top-of-ladder": 1,
    }
    data = team.to_dict()
    assert data["counts"] == dict(team.counts)
    assert data["people"][2] == {  # type: ignore[index]
        "person": "soon",
        "name": "Soon Example",
        "ladder": "pharmacy-technician",
        "level": "tech-1",
        "target": "pharmacy-technician/tech-2",
        "verdict": "eligible-on",
        "eligibleOn": "2025-07-01",
        "gaps": [],
        "warnings": [],
    }
    subset = check_team(["three-gaps", "amy"], dept, as_of=AS_OF)
    assert [r.person for r in subset.reports] == ["amy", "three-gaps"]


def test_compare_departments_finds_gainers_losers_and_moved_dates() -> None:
    people = [
        person("same"),  # hired 2023-03-01: two years already on AS_OF
        person("gainer", certifications=person()["certifications"][:1]),  # no CPhT
        person("loser", hireDate="2024-03-01"),  # 1 year on 2025-03-01, 2 years in 2026
        person("mover", hireDate="2024-09-15"),
    ]
    old = department(*people)
    changed = yaml_doc(TECH_LADDER, "ladders/pharmacy-technician.yaml").data
    block = changed["levels"][0]["advancement"]["criteria"]
    block["criteria"] = [c for c in block["criteria"] if c["id"] != "tech-1-cpht"]
    next(c for c in block["criteria"] if c["id"] == "tech-1-experience")["years"] = 2
    new = Department.from_documents(
        [
            yaml_doc(CATALOG, "catalog.yaml"),
            Document("ladders/pharmacy-technician.yaml", changed),
            *map(record_doc, people),
        ]
    )
    impact = compare_departments(old, new, None, as_of=AS_OF)
    by_person = {e.person: e for e in impact.entries}
    assert [e.person for e in impact.entries] == ["gainer", "loser", "mover"]
    assert impact.unchanged == ("same",)
    assert dict(impact.counts) == {
        "gains": 1,
        "loses": 1,
        "date-moved": 1,
        "changed": 0,
        "error": 0,
        "unchanged": 1,
    }
    gainer = by_person["gainer"]
    assert gainer.change == "gains"
    assert [(c.id, c.kind, c.old_status, c.new_status) for c in gainer.responsible] == [
        ("tech-1-cpht", "removed", "not-met", None)
    ]
    loser = by_person["loser"]
    assert loser.change == "loses"
    assert [(c.id, c.old_status, c.new_status, c.new_met_on) for c in loser.responsible] == [
        ("tech-1-experience", "met", "met-on", date(2026, 3, 1))
    ]
    mover = by_person["mover"]
    assert mover.change == "date-moved"
    assert mover.old is not None and mover.new is not None
    assert (mover.old.eligible_on, mover.new.eligible_on) == (date(2025, 9, 15), date(2026, 9, 15))
    assert [c.id for c in mover.responsible] == ["tech-1-experience"]
    data = impact.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["changes"][0]["responsible"][0]["id"] == "tech-1-cpht"  # type: ignore[index]


def test_compare_reports_errors_when_a_level_disappears() -> None:
    old = department(person())
    renamed = yaml_doc(TECH_LADDER, "ladders/pharmacy-technician.yaml").data
    renamed["levels"][0]["id"] = "tech-i"
    new = Department.from_documents(
        [yaml_doc(CATALOG, "c.yaml"), Document("l.yaml", renamed), record_doc(person())]
    )
    impact = compare_departments(old, new, ["ana"], as_of=AS_OF)
    assert impact.entries[0].change == "error"
    assert impact.entries[0].new_error == (
        "level 'tech-1' is not on ladder 'pharmacy-technician' "
        "(levels: tech-i, tech-2, tech-3, tech-4)"
    )


# --- performance -------------------------------------------------------------------------------


def test_check_team_scales_to_ten_thousand_staff() -> None:
    templates = [
        person(),
        person(hireDate="2024-09-15"),
        person(assessments=[], certifications=[]),
        tech2(),
        tech2(hireDate="2023-09-01", attestations=[]),
        lead_tech(),
        coordinator(),
    ]
    records = []
    for i in range(10_000):
        record = copy.deepcopy(templates[i % len(templates)])
        record["id"] = f"p{i:05d}"
        records.append(record)
    dept = department(*records)
    start = time.perf_counter()
    team = check_team(None, dept, as_of=AS_OF)
    elapsed = time.perf_counter() - start
    assert sum(team.counts.values()) == 10_000
    # The target is well under a second; the bound leaves room for slow CI machines.
    assert elapsed < 3.0, f"check_team took {elapsed:.2f}s"


def test_add_months_clamps() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert add_months(date(2023, 12, 15), 2) == date(2024, 2, 15)
