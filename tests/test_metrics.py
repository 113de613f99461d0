"""`ladderctl.metrics`: every figure on a small hand-built department, answers worked out below.

The department ("HAND"), as of 2026-06-30; the default period is 2025-07-01 .. 2026-06-30.

Ladders: tech (tech-1 -> tech-2 -> tech-3) and pharm (ph-1 -> ph-2).
  tech-1 -> tech-2: a current cpht AND 12 months in level.
  tech-2 -> tech-3: a manager attestation `tech2-judgement`.
  ph-1 -> ph-2:     2 years of experience.

People (site, manager; level history; what they are there for):
  boss  A  -     ph-1 2010-01-04, ph-2 2013-01-07 (promotion in 2013); top of ladder
  ana   A  boss  tech-1 2023-01-09, tech-2 2025-09-01 (promotion in the period, 31 months in
                 level: 2023-01-09 + 31 months = 2025-08-09 <= 2025-09-01 < 2025-09-09);
                 attestation 2026-04-10 -> eligible for tech-3 since 2026-04-10 (81 days);
                 mentee of agr-boss-ana; IDP idp-ana; cpht renewed (old 2024-02-01, new 2026-09-15)
  ben   B  boss  tech-1 2024-03-04, tech-1 again 2024-09-01 (a transfer: not a promotion, time
                 in level goes on), tech-2 2026-03-02 (promotion, 23 months); cpht expired
                 2026-05-31; no attestation -> not eligible
  cy    B  boss  tech/tech-3 2018-05-07, pharm/ph-1 2025-11-03 "Promotion" (a move to another
                 ladder counted as a promotion by its reason, 89 months in tech-3); 2 years of
                 experience long met, so eligible since the day he reached ph-1: 2025-11-03 (239
                 days); mentor of agr-cy-eve
  dee   A  boss  tech-1, hired 2025-01-06, terminated 2025-10-31: a new hire who left before her
                 first anniversary (2026-01-06)
  eve   A  boss  tech-1, hired 2025-03-03 (anniversary 2026-03-03, still here); cpht earned
                 2025-04-01 expiring 2026-07-15 (15 days), bls expiring 2026-08-20 (51 days); 12
                 months in level on 2026-03-03 -> eligible since 2026-03-03 (119 days); IDP idp-eve
                 (no review yet); mentee of agr-cy-eve
  fay   B  ana   tech-1, hired 2025-08-04 (after the period start); cpht earned 2025-09-01 expiring
                 2026-09-29 (91 days: not listed), bls expiring 2026-09-28 (exactly 90 days)
                 -> eligible on 2026-08-04 (12 months in level)
  gus   A  boss  tech-1, hired 2020-02-03, terminated 2026-01-30: on staff at the period start,
                 gone by its end; IDP idp-gus (2025); mentee of agr-boss-gus (ended 2025-06-30,
                 before the period)
  hal   A  boss  tech-3, retired 2024-12-31: not on staff in the period at all
  ivy   B  boss  tech-1, hired 2023-01-02; cpht 2023-02-01 .. 2025-10-01, renewed 2025-11-15 ..
                 2027-11-15: eligible from 2024-01-02, NOT eligible 2025-10-01 .. 2025-11-14,
                 eligible again from 2025-11-15 -> eligible since 2025-11-15 (227 days)

Engagement: ana 2025: 70, 2026: 80; ben 2026: 90; gus 2025: 60; boss 2027: 50 (after the period).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, EXAMPLES, write_tree
from ladderctl.advancement import check_eligibility
from ladderctl.department import Department
from ladderctl.loading import Document
from ladderctl.metrics import (
    DevelopmentPlan,
    MentorshipAgreement,
    Period,
    Program,
    ProgramGoal,
    Rate,
    Records,
    Scope,
    _run_start,
    advancement,
    build_report,
    credentials,
    default_period,
    development,
    due_items,
    eligible_since,
    engagement_trend,
    program_goals,
    promotions_of,
    retention,
    waiting_for_promotion,
    whole_months,
)
from ladderctl.repository import load_valid_repository
from ladderctl.staff import StaffRecord, add_months
from test_advancement_properties import (
    ASSESSMENTS,
    CREDENTIALS,
    RATINGS,
    TAGS,
    criterion_ids,
    tree,
)
from test_advancement_properties import department as property_department

DAY = date(2026, 6, 30)
START, END = date(2025, 7, 1), DAY


def _staff(
    pid: str,
    *,
    ladder: str,
    level: str,
    hired: str,
    history: str,
    site: str = "A",
    manager: str | None = "boss",
    status: str = "active",
    end: str | None = None,
    extra: str = "",
) -> str:
    lines = [
        "apiVersion: ladderctl/v1",
        "kind: StaffRecord",
        f"id: {pid}",
        f"name: {pid.capitalize()} Test",
        f"ladder: {ladder}",
        f"level: {level}",
        f"hireDate: {hired}",
        f"status: {status}",
        f"site: {site}",
    ]
    if manager:
        lines.append(f"manager: {manager}")
    if end:
        lines.append(f"endDate: {end}")
    lines.append("levelHistory:")
    lines.extend("  " + line for line in history.strip().splitlines())
    text = "\n".join(lines) + "\n"
    return text + (extra.strip("\n") + "\n" if extra else "")


def _cert(cid: str, earned: str, expires: str) -> str:
    return f"  - id: {cid}\n    earned: {earned}\n    expires: {expires}\n"


HAND: dict[str, str] = {
    "catalog.yaml": """
        apiVersion: ladderctl/v1
        kind: Catalog
        id: hand
        title: Hand-built catalog
        credentials:
          - id: cpht
            title: CPhT
            type: certification
            expires: true
          - id: bls
            title: BLS
            type: certificate
            expires: true
    """,
    "ladders/tech.yaml": """
        apiVersion: ladderctl/v1
        kind: Ladder
        id: tech
        title: Technician ladder
        track: technical
        levels:
          - id: tech-1
            title: Technician I
            advancement:
              criteria:
                type: all-of
                id: tech1-all
                description: Everything for Technician II
                criteria:
                  - type: credential
                    id: tech1-cpht
                    description: Holds a current CPhT
                    credentials: [cpht]
                  - type: time-in-level
                    id: tech1-til
                    description: 12 months as a Technician I
                    months: 12
          - id: tech-2
            title: Technician II
            advancement:
              criteria:
                type: attestation
                id: tech2-judgement
                description: Solves complex problems alone
                by: manager
          - id: tech-3
            title: Technician III
    """,
    "ladders/pharm.yaml": """
        apiVersion: ladderctl/v1
        kind: Ladder
        id: pharm
        title: Pharmacist ladder
        track: clinical
        levels:
          - id: ph-1
            title: Pharmacist I
            advancement:
              criteria:
                type: experience
                id: ph1-exp
                description: Two years of experience
                years: 2
          - id: ph-2
            title: Pharmacist II
    """,
    "staff/boss.yaml": _staff(
        "boss",
        ladder="pharm",
        level="ph-2",
        hired="2010-01-04",
        manager=None,
        history="""
- level: ph-1
  effective: 2010-01-04
- level: ph-2
  effective: 2013-01-07
""",
        extra="certifications:\n"
        + _cert("bls", "2025-06-30", "2027-06-30")
        + "engagement:\n  - year: 2027\n    score: 50\n",
    ),
    "staff/ana.yaml": _staff(
        "ana",
        ladder="tech",
        level="tech-2",
        hired="2023-01-09",
        history="""
- level: tech-1
  effective: 2023-01-09
- level: tech-2
  effective: 2025-09-01
  reason: Promotion
""",
        extra="certifications:\n"
        + _cert("cpht", "2022-02-01", "2024-02-01")
        + _cert("cpht", "2024-01-15", "2026-09-15")
        + "attestations:\n  - criterion: tech2-judgement\n    by: boss\n    date: 2026-04-10\n"
        + "engagement:\n  - year: 2025\n    score: 70\n  - year: 2026\n    score: 80\n",
    ),
    "staff/ben.yaml": _staff(
        "ben",
        ladder="tech",
        level="tech-2",
        hired="2024-03-04",
        site="B",
        history="""
- level: tech-1
  effective: 2024-03-04
- level: tech-1
  effective: 2024-09-01
  reason: Transfer to site B
- level: tech-2
  effective: 2026-03-02
""",
        extra="certifications:\n"
        + _cert("cpht", "2024-05-31", "2026-05-31")
        + "engagement:\n  - year: 2026\n    score: 90\n",
    ),
    "staff/cy.yaml": _staff(
        "cy",
        ladder="pharm",
        level="ph-1",
        hired="2018-05-07",
        site="B",
        history="""
- ladder: tech
  level: tech-3
  effective: 2018-05-07
- level: ph-1
  effective: 2025-11-03
  reason: Promotion to pharmacist
""",
    ),
    "staff/dee.yaml": _staff(
        "dee",
        ladder="tech",
        level="tech-1",
        hired="2025-01-06",
        status="terminated",
        end="2025-10-31",
        history="- level: tech-1\n  effective: 2025-01-06\n",
        extra="certifications:\n" + _cert("cpht", "2025-02-01", "2026-02-01"),
    ),
    "staff/eve.yaml": _staff(
        "eve",
        ladder="tech",
        level="tech-1",
        hired="2025-03-03",
        history="- level: tech-1\n  effective: 2025-03-03\n",
        extra="certifications:\n"
        + _cert("cpht", "2025-04-01", "2026-07-15")
        + _cert("bls", "2025-04-01", "2026-08-20"),
    ),
    "staff/fay.yaml": _staff(
        "fay",
        ladder="tech",
        level="tech-1",
        hired="2025-08-04",
        site="B",
        manager="ana",
        history="- level: tech-1\n  effective: 2025-08-04\n",
        extra="certifications:\n"
        + _cert("cpht", "2025-09-01", "2026-09-29")
        + _cert("bls", "2025-09-01", "2026-09-28"),
    ),
    "staff/gus.yaml": _staff(
        "gus",
        ladder="tech",
        level="tech-1",
        hired="2020-02-03",
        status="terminated",
        end="2026-01-30",
        history="- level: tech-1\n  effective: 2020-02-03\n",
        extra="engagement:\n  - year: 2025\n    score: 60\n",
    ),
    "staff/hal.yaml": _staff(
        "hal",
        ladder="tech",
        level="tech-3",
        hired="2001-03-05",
        status="retired",
        end="2024-12-31",
        history="- level: tech-3\n  effective: 2001-03-05\n",
    ),
    "staff/ivy.yaml": _staff(
        "ivy",
        ladder="tech",
        level="tech-1",
        hired="2023-01-02",
        site="B",
        history="- level: tech-1\n  effective: 2023-01-02\n",
        extra="certifications:\n"
        + _cert("cpht", "2023-02-01", "2025-10-01")
        + _cert("cpht", "2025-11-15", "2027-11-15"),
    ),
    "mentorship/program.yaml": """
        apiVersion: ladderctl/v1
        kind: MentorshipProgram
        id: p1
        title: Hand-built program
        cycle:
          start: 2026-01-01
          end: 2026-12-31
        goals:
          - id: g-new-hires
            description: 1-year retention of new technicians from 75% to 90%
            metric: new-hire-retention-1y
            population: tech
            baseline: 75
            target: 90
            unit: percent
            deadline: 2026-12-31
          - id: g-promotions
            description: Two technician promotions a year
            metric: promotions
            population: tech
            baseline: 0
            target: 2
            unit: count
          - id: g-engagement
            description: Site A engagement 70 -> 83
            metric: engagement
            population: A
            baseline: 70
            target: 83
            unit: score
          - id: g-custom
            description: Something only people can judge
            metric: custom
            target: 1
          - id: g-retention
            description: Keep 80% of everyone
            metric: retention
            population: nowhere
            target: 80
            unit: percent
        meetings:
          frequency: monthly
          minutes: 60
          checkInMonths: 2
        committee: [boss]
        matching:
          weights:
            goalAlignment: 1
    """,
    **{
        f"mentorship/profiles/{person}.yaml": f"""
            apiVersion: ladderctl/v1
            kind: MentorshipProfile
            person: {person}
            program: p1
            role: {role}
            optedIn: true
        """
        for person, role in (
            ("boss", "mentor"),
            ("cy", "mentor"),
            ("ana", "mentee"),
            ("eve", "mentee"),
            ("gus", "mentee"),
        )
    },
    **{
        f"agreements/agr-{mentor}-{mentee}.yaml": f"""
            apiVersion: ladderctl/v1
            kind: MentorshipAgreement
            id: agr-{mentor}-{mentee}
            program: p1
            mentor: {mentor}
            mentee: {mentee}
            start: {start}
            end: {end}
            confidentiality:
              agreed: true
              exceptions: [patient-safety]
            meetings:
              frequency: monthly
              minutes: 60
              mode: video
            goals:
              - description: Grow
            terminationNoticeDays: 14
            {checkins}
        """
        for mentor, mentee, start, end, checkins in (
            (
                "boss",
                "ana",
                "2026-01-05",
                "2026-12-31",
                "checkIns: [{date: 2026-03-02, by: boss, status: on-track}]",
            ),
            ("cy", "eve", "2026-05-04", "2027-05-03", "checkIns: []"),
            ("boss", "gus", "2025-01-06", "2025-06-30", "checkIns: []"),
        )
    },
    **{
        f"plans/idp-{person}.yaml": f"""
            apiVersion: ladderctl/v1
            kind: DevelopmentPlan
            id: idp-{person}
            person: {person}
            manager: boss
            period:
              start: {start}
              end: {end}
            aspirations: [Grow]
            strengths: []
            developmentAreas: []
            objectives:
            {objectives}
            actions:
              employee: []
              manager: []
            {reviews}
        """
        for person, start, end, objectives, reviews in (
            (
                "ana",
                "2026-01-01",
                "2026-12-31",
                "  - {id: o1, description: D1, measure: M, due: 2026-05-31, status: in-progress}\n"
                "              - {id: o2, description: D2, measure: M, due: 2026-12-31,"
                " status: not-started}\n"
                "              - {id: o3, description: D3, measure: M, due: 2026-04-30,"
                " status: done}",
                "reviews: [{date: 2026-03-31, by: boss}]",
            ),
            (
                "eve",
                "2026-04-01",
                "2027-03-31",
                "  - {id: o1, description: D1, measure: M, due: 2026-06-30, status: in-progress}",
                "reviews: []",
            ),
            (
                "gus",
                "2025-01-01",
                "2025-12-31",
                "  - {id: o1, description: D1, measure: M, due: 2025-03-31, status: not-started}",
                "reviews: []",
            ),
        )
    },
}


@pytest.fixture(scope="module")
def hand_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("hand"), HAND)


@pytest.fixture(scope="module")
def hand(hand_repo: Path) -> Records:
    report = load_valid_repository(hand_repo, as_of=DAY)
    assert report.errors == 0, [str(d) for d in report.diagnostics]
    return Records.from_documents(report.documents)


@pytest.fixture(scope="module")
def examples() -> Records:
    return Records.from_documents(
        load_valid_repository(EXAMPLES, as_of=date.fromisoformat(AS_OF)).documents
    )


# --- building blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "text", "percent"),
    [
        (8, 10, "8/10 (80%)", 80.0),
        (2, 3, "2/3 (67%)", 66.7),
        (1, 8, "1/8 (13%)", 12.5),  # half up, as people round (not banker's 12)
        (0, 5, "0/5 (0%)", 0.0),
        (0, 0, "no data", None),  # never 0% and never a division error
    ],
)
def test_rate_renders_counts_and_no_data(
    numerator: int, denominator: int, text: str, percent: float | None
) -> None:
    rate = Rate(numerator, denominator)
    assert str(rate) == text
    assert rate.to_dict() == {
        "numerator": numerator,
        "denominator": denominator,
        "percent": percent,
        "text": text,
    }


def test_rate_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        Rate(3, 2)


def test_default_period_is_the_twelve_months_up_to_as_of() -> None:
    assert default_period(date(2026, 11, 21)) == Period(date(2025, 11, 22), date(2026, 11, 21))
    assert default_period(DAY) == Period(START, END)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2023-01-09", "2025-09-01", 31),
        ("2024-03-04", "2026-03-02", 23),
        ("2026-01-31", "2026-02-28", 1),  # month ends clamp
        ("2026-03-05", "2026-03-01", 0),
    ],
)
def test_whole_months(start: str, end: str, months: int) -> None:
    assert whole_months(date.fromisoformat(start), date.fromisoformat(end)) == months


def test_the_hand_repo_types_plans_agreements_and_programs(hand: Records) -> None:
    assert [p.id for p in hand.plans] == ["idp-ana", "idp-eve", "idp-gus"]
    assert [a.id for a in hand.agreements] == ["agr-boss-ana", "agr-boss-gus", "agr-cy-eve"]
    (program,) = hand.programs
    assert program.check_in_months == 2
    assert [g.metric for g in program.goals] == [
        "new-hire-retention-1y",
        "promotions",
        "engagement",
        "custom",
        "retention",
    ]


# --- advancement -------------------------------------------------------------------------------


def test_promotions_skip_repeated_levels_and_count_moves_by_reason(hand: Records) -> None:
    department = hand.department
    (ben,) = promotions_of(department.staff["ben"], department)
    # The 2024-09-01 transfer at tech-1 neither counts nor restarts the time in level.
    assert (ben.step, ben.effective, ben.months_in_level) == (
        "tech-1 -> tech-2",
        date(2026, 3, 2),
        23,
    )
    (cy,) = promotions_of(department.staff["cy"], department)
    assert cy.step == "tech/tech-3 -> pharm/ph-1"
    assert (cy.ladder, cy.months_in_level) == ("pharm", 89)


def test_advancement_per_step_and_year_with_median_months(hand: Records) -> None:
    # In the period: ana tech-1 -> tech-2 on 2025-09-01 (31 months), cy tech-3 -> ph-1 on
    # 2025-11-03 (89), ben tech-1 -> tech-2 on 2026-03-02 (23). boss's 2013 promotion is outside.
    figure = advancement(hand.department, start=START, end=END, as_of=DAY)
    assert figure.total == 3
    assert [(p.person, p.effective.isoformat()) for p in figure.promotions] == [
        ("ana", "2025-09-01"),
        ("cy", "2025-11-03"),
        ("ben", "2026-03-02"),
    ]
    assert [(s.ladder, s.step, s.year, s.count) for s in figure.by_step_year] == [
        ("pharm", "tech/tech-3 -> pharm/ph-1", 2025, 1),
        ("tech", "tech-1 -> tech-2", 2025, 1),
        ("tech", "tech-1 -> tech-2", 2026, 1),
    ]
    # tech-1 -> tech-2: median of 31 and 23 = 27; overall: median of 23, 31, 89 = 31.
    assert [(s.step, s.count, s.median_months) for s in figure.by_step] == [
        ("tech/tech-3 -> pharm/ph-1", 1, 89.0),
        ("tech-1 -> tech-2", 2, 27.0),
    ]
    assert figure.median_months == 31.0
    # The trend covers every recorded year: 2013 (boss) .. 2026, zeros in between.
    assert figure.by_year[0] == (2013, 1)
    assert figure.by_year[-2:] == ((2025, 2), (2026, 1))
    assert sum(n for _, n in figure.by_year) == 4


def test_advancement_filters_and_empty_groups(hand: Records) -> None:
    site_b = advancement(hand.department, start=START, end=END, as_of=DAY, scope=Scope(site="B"))
    assert [p.person for p in site_b.promotions] == ["cy", "ben"]
    out_of_tech_1 = advancement(
        hand.department, start=START, end=END, as_of=DAY, scope=Scope(level="tech-1")
    )
    assert [p.person for p in out_of_tech_1.promotions] == ["ana", "ben"]
    none = advancement(
        hand.department, start=START, end=END, as_of=DAY, scope=Scope(ladder="pharm", site="A")
    )
    assert (none.total, none.median_months, none.by_step) == (0, None, ())


# --- eligible now, since when ------------------------------------------------------------------


def test_waiting_for_promotion_lists_since_when(hand: Records) -> None:
    # Below the top of their ladder and on staff: ana, ben, cy, eve, fay, ivy (6); eligible now:
    # cy (since reaching ph-1), ivy (since the renewed cpht), eve (12 months in level), ana
    # (attestation). ben lacks the attestation; fay reaches 12 months only on 2026-08-04.
    figure = waiting_for_promotion(hand.department, as_of=DAY)
    assert [(w.person, w.since.isoformat(), w.days) for w in figure.people] == [
        ("cy", "2025-11-03", 239),
        ("ivy", "2025-11-15", 227),
        ("eve", "2026-03-03", 119),
        ("ana", "2026-04-10", 81),
    ]
    assert str(figure.rate) == "4/6 (67%)"
    assert figure.median_days == 173.0  # (227 + 119) / 2
    assert figure.people[0].target == "pharm/ph-2"


def test_waiting_for_promotion_empty_group_says_no_data(hand: Records) -> None:
    figure = waiting_for_promotion(
        hand.department, as_of=DAY, scope=Scope(ladder="pharm", site="A")
    )
    assert str(figure.rate) == "no data"
    assert figure.median_days is None


def _brute_force_since(person_id: str, records: Records, as_of: date) -> date:
    """Walk back one day at a time while the person stays eligible (slow, obviously right)."""
    department = records.department
    person = department.staff[person_id]
    day = as_of
    floor = max(
        e.effective
        for e in person.level_history
        if (e.ladder, e.level) == (person.ladder, person.level)
    )
    while day > floor:
        before = day - timedelta(days=1)
        if check_eligibility(person, department, as_of=before).verdict != "eligible-now":
            break
        day = before
    return day


@pytest.mark.parametrize("person", ["ana", "cy", "eve", "ivy"])
def test_eligible_since_matches_a_day_by_day_walk(hand: Records, person: str) -> None:
    expected = _brute_force_since(person, hand, DAY)
    assert eligible_since(person, hand.department, as_of=DAY) == expected


def test_eligible_since_sees_a_gap_in_a_credential(hand: Records) -> None:
    # ivy was eligible from 2024-01-02, lost it when her first cpht lapsed on 2025-10-01 and got
    # it back with the renewal on 2025-11-15: the unbroken run starts on 2025-11-15.
    assert eligible_since("ivy", hand.department, as_of=date(2025, 9, 30)) == date(2024, 1, 2)
    assert eligible_since("ivy", hand.department, as_of=date(2025, 10, 15)) is None
    assert eligible_since("ivy", hand.department, as_of=DAY) == date(2025, 11, 15)


def test_eligible_since_is_none_when_not_eligible(hand: Records) -> None:
    assert eligible_since("ben", hand.department, as_of=DAY) is None
    assert eligible_since("fay", hand.department, as_of=DAY) is None
    assert eligible_since("boss", hand.department, as_of=DAY) is None  # top of ladder


def test_eligible_since_matches_the_walk_on_every_example_person(examples: Records) -> None:
    as_of = date.fromisoformat(AS_OF)
    checked = 0
    for person in sorted(examples.department.staff.values(), key=lambda p: p.id):
        if person.status not in ("active", "leave"):
            continue
        since = eligible_since(person, examples.department, as_of=as_of)
        if since is None:
            continue
        checked += 1
        assert since == _brute_force_since(person.id, examples, as_of), person.id
    assert checked == 10  # the ten "eligible now" people of examples/README.md


# Hypothesis: the interval search (with its shortcut for the last interval) against the walk, on
# generated records whose evidence lies within three years of the as-of date (so that the walk
# stays short): expiring credentials, lapsing passes and attestations, rolling windows, waivers
# that expire, prior experience, repeated level entries. Requirements come from the strategies of
# test_advancement_properties.py. The people are still employed, as the report's are: for someone
# who has left, experience is not projected and can even shrink as calendar months change length,
# so the interval method does not apply (see `_change_days`).
QUERY = date(2024, 3, 1)  # a leap year: month ends clamp around the window edges


@st.composite
def _recent_person(draw: st.DrawFn, *, ids: list[str]) -> dict[str, Any]:
    span = 1100

    def day(low: int = -span, high: int = 120) -> str:
        return (QUERY + timedelta(days=draw(st.integers(low, high)))).isoformat()

    hire = draw(st.integers(-span, -1))
    entered = sorted(draw(st.lists(st.integers(hire, 0), min_size=1, max_size=2)))
    history = [
        {"level": "from", "effective": (QUERY + timedelta(days=d)).isoformat()} for d in entered
    ]
    priors = []
    for start, length in draw(
        st.lists(st.tuples(st.integers(-3000, -1), st.integers(0, 1500)), max_size=2)
    ):
        end = min(start + length, -1)
        priors.append(
            {
                "employer": "Elsewhere",
                "from": (QUERY + timedelta(days=start)).isoformat(),
                "to": (QUERY + timedelta(days=end)).isoformat(),
            }
        )

    def expiring(item: dict[str, Any], key: str = "expires") -> dict[str, Any]:
        if draw(st.booleans()):
            item[key] = day(-span + 200, 600)
        return item

    # Employed through the as-of date, as the method requires (see `_change_days`): active or on
    # leave, perhaps with a planned end date after it.
    status = draw(st.sampled_from(["active", "leave"]))
    leaving = {"endDate": day(91, 700)} if draw(st.booleans()) else {}
    return {
        "apiVersion": "ladderctl/v1",
        "kind": "StaffRecord",
        "id": "pat",
        "name": "Pat",
        "ladder": "prop",
        "level": "from",
        "hireDate": (QUERY + timedelta(days=hire)).isoformat(),
        "status": status,
        **leaving,
        "levelHistory": history,
        "priorExperience": priors,
        "certifications": [
            expiring({"id": c, "earned": day()})
            for c in draw(st.lists(st.sampled_from(CREDENTIALS), max_size=5))
        ],
        "reviews": [
            {"date": day(), "rating": draw(st.sampled_from(RATINGS))}
            for _ in range(draw(st.integers(0, 4)))
        ],
        "assessments": [
            {
                "id": draw(st.sampled_from(ASSESSMENTS)),
                "date": day(),
                "result": draw(st.sampled_from(["pass", "pass", "fail"])),
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
        "accomplishments": [
            {
                "title": "Work",
                "date": day(),
                "tags": draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True)),
            }
            for _ in range(draw(st.integers(0, 5)))
        ],
        "attestations": [
            {"criterion": c, "by": "mgr", "date": day()}
            for c in draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        ],
        "waivers": [
            expiring({"criterion": c, "approver": "dir", "reason": "because", "date": day()})
            for c in draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        ],
    }


@st.composite
def _since_case(draw: st.DrawFn) -> tuple[Department, date]:
    root = draw(tree(expiring=True))
    person = draw(_recent_person(ids=criterion_ids(root)))
    as_of = QUERY + timedelta(days=draw(st.integers(0, 90)))
    return property_department(root, person, expiring=True), as_of


def _walk_since(department: Department, as_of: date) -> date | None:
    """Day by day: None if not eligible on as_of, else back while eligible, never before the
    first day of the current stay at the current level (or the hire date)."""
    person = department.staff["pat"]
    if check_eligibility(person, department, as_of=as_of).verdict != "eligible-now":
        return None
    stay = sorted(person.level_history, key=lambda h: h.effective)
    while len(stay) > 1 and (stay[-2].ladder, stay[-2].level) == (person.ladder, person.level):
        stay.pop()  # keep walking back through repeated entries of the current level
    floor = min(max(stay[-1].effective, person.hire_date), as_of)
    day = as_of
    while day > floor:
        before = day - timedelta(days=1)
        if check_eligibility(person, department, as_of=before).verdict != "eligible-now":
            break
        day = before
    return day


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_since_case(), stop_back=st.integers(0, 400))
def test_eligible_since_matches_the_walk_on_generated_records(
    case: tuple[Department, date], stop_back: int
) -> None:
    department, as_of = case
    expected = _walk_since(department, as_of)
    assert eligible_since("pat", department, as_of=as_of) == expected
    if expected is not None:  # `due` stops the search at a cutoff
        report = check_eligibility("pat", department, as_of=as_of)
        stop = as_of - timedelta(days=stop_back)
        found = _run_start(department.staff["pat"], department, as_of, report, stop)
        assert found == (expected if expected > stop else None)


def test_eligible_since_on_a_credential_that_lapses_and_is_renewed() -> None:
    """Eligible from the hire date on (nothing timed), broken while a credential had lapsed,
    eligible again from its renewal: the run starts on the renewal; before the lapse it reached
    back to the first day at the level."""
    root = {"id": "c0", "type": "credential", "description": "c", "credentials": ["cred-a"]}
    person = {
        "apiVersion": "ladderctl/v1",
        "kind": "StaffRecord",
        "id": "pat",
        "name": "Pat",
        "ladder": "prop",
        "level": "from",
        "hireDate": "2022-01-03",
        "status": "active",
        "levelHistory": [{"level": "from", "effective": "2022-01-03"}],
        "certifications": [
            {"id": "cred-a", "earned": "2022-02-01", "expires": "2023-06-30"},
            {"id": "cred-a", "earned": "2023-08-15", "expires": "2025-08-15"},
        ],
    }
    department = property_department(root, person, expiring=True)
    assert eligible_since("pat", department, as_of=date(2023, 6, 29)) == date(2022, 2, 1)
    assert eligible_since("pat", department, as_of=date(2023, 7, 1)) is None
    assert eligible_since("pat", department, as_of=date(2024, 3, 1)) == date(2023, 8, 15)
    for as_of in (date(2023, 6, 29), date(2023, 7, 1), date(2024, 3, 1)):
        assert eligible_since("pat", department, as_of=as_of) == _walk_since(department, as_of)


@pytest.mark.parametrize(
    ("timed", "entered", "since"),
    [
        # 1 year of experience from the hire date 2022-02-28: met on 2023-02-28, the day after
        # the credential was earned (the last change day), not on that day.
        ({"type": "experience", "years": 1}, ["2022-02-28"], date(2023, 2, 28)),
        # 12 months in level from the latest entry (a transfer on 2022-02-28), not the first.
        ({"type": "time-in-level", "months": 12}, ["2022-01-10", "2022-02-28"], date(2023, 2, 28)),
        # Long met by the time the credential is earned: the run starts with it.
        ({"type": "time-in-level", "months": 1}, ["2022-01-10", "2022-02-28"], date(2023, 2, 27)),
    ],
)
def test_eligible_since_when_time_completes_the_last_interval(
    timed: dict[str, Any], entered: list[str], since: date
) -> None:
    root = {
        "id": "c0",
        "type": "all-of",
        "description": "both",
        "criteria": [
            {"id": "c1", "description": "timed", **timed},
            {"id": "c2", "type": "credential", "description": "c", "credentials": ["cred-a"]},
        ],
    }
    person = {
        "apiVersion": "ladderctl/v1",
        "kind": "StaffRecord",
        "id": "pat",
        "name": "Pat",
        "ladder": "prop",
        "level": "from",
        "hireDate": entered[0],
        "status": "active",
        "levelHistory": [{"level": "from", "effective": day} for day in entered],
        "certifications": [{"id": "cred-a", "earned": "2023-02-27"}],
    }
    department = property_department(root, person, expiring=False)
    as_of = date(2023, 6, 1)
    assert eligible_since("pat", department, as_of=as_of) == since
    assert _walk_since(department, as_of) == since


# --- retention ---------------------------------------------------------------------------------


def test_retention_new_hires_and_groups(hand: Records) -> None:
    figure = retention(
        hand.department, hand.plans, hand.agreements, start=START, end=END, as_of=DAY
    )
    # First anniversaries in the period: dee 2026-01-06 (left 2025-10-31), eve 2026-03-03 (here).
    assert str(figure.new_hires) == "1/2 (50%)"
    assert figure.new_hires_left == ("dee",)
    # On staff on 2025-07-01: boss, ana, ben, cy, dee, eve, gus, ivy (8; fay came later, hal
    # retired); still there on 2026-06-30: all but dee and gus.
    assert str(figure.overall) == "6/8 (75%)"
    # Mentored in the period: ana and eve (her agreement starts 2026-05-04, inside the period);
    # gus's agreement ended 2025-06-30, the day before the period starts.
    assert str(figure.mentored) == "2/2 (100%)"
    assert str(figure.not_mentored) == "4/6 (67%)"  # boss, ben, cy, ivy stay; dee, gus leave
    # Plans overlapping the period: ana, eve (2026) and gus (2025).
    assert str(figure.with_idp) == "2/3 (67%)"
    assert str(figure.without_idp) == "4/5 (80%)"  # boss, ben, cy, ivy stay; dee leaves


def test_retention_curves_end_on_the_table_rates(hand: Records) -> None:
    figure = retention(
        hand.department, hand.plans, hand.agreements, start=START, end=END, as_of=DAY
    )
    mentored, not_mentored = figure.curves
    assert (mentored.label, not_mentored.label) == ("mentored", "not mentored")
    # Month 0 is the period start; month m is the last day of the m-th month; month 12 is the
    # period end. dee leaves on 2025-10-31 (still employed that day: gone from month 5 on,
    # 2025-11-30); gus leaves on 2026-01-30 (gone from month 7 on, 2026-01-31).
    points = {m: str(r) for m, r in not_mentored.points}
    assert [m for m, _ in not_mentored.points] == list(range(13))
    assert points[0] == "6/6 (100%)"
    assert points[4] == "6/6 (100%)"
    assert points[5] == "5/6 (83%)"
    assert points[6] == "5/6 (83%)"
    assert points[7] == "4/6 (67%)"
    assert points[12] == str(figure.not_mentored)
    assert str(mentored.points[-1][1]) == str(figure.mentored)


@st.composite
def _staffing(draw: st.DrawFn) -> tuple[Records, date, date, date, Scope]:
    """People hired and leaving around a period, many on 28 February - 1 March and month ends
    (where "12 months later" clamps), on two ladders and sites; mentees and IDPs among them."""
    base = date(2023, 1, 1)
    edges = [
        date(y, m, d)
        for y in (2022, 2023, 2024, 2025)
        for m, d in ((2, 28), (2, 29), (3, 1))
        if (m, d) != (2, 29) or y % 4 == 0
    ]
    day = st.sampled_from(edges) | st.integers(-800, 1100).map(lambda n: base + timedelta(n))
    people = []
    for i in range(draw(st.integers(0, 12))):
        hired = draw(day)
        end = draw(st.none() | day.filter(lambda d, h=hired: d >= h))
        ladder = draw(st.sampled_from(["tech", "pharm"]))
        later = draw(st.sampled_from([ladder, "tech", "pharm"]))
        people.append(
            Document(
                f"staff/p{i}.yaml",
                {
                    "apiVersion": "ladderctl/v1",
                    "kind": "StaffRecord",
                    "id": f"p{i}",
                    "name": f"P{i}",
                    "ladder": later,
                    "level": "l1",
                    "hireDate": hired.isoformat(),
                    "status": draw(st.sampled_from(["active", "leave", "terminated", "retired"])),
                    **({} if end is None else {"endDate": end.isoformat()}),
                    "site": draw(st.sampled_from(["A", "B"])),
                    "levelHistory": [
                        {"ladder": ladder, "level": "l1", "effective": hired.isoformat()}
                    ],
                },
            )
        )
    ids = [f"p{i}" for i in range(len(people))]
    department = Department.from_documents(people)
    mentees = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    with_plans = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    start = draw(day)
    end = start + timedelta(days=draw(st.integers(0, 500)))
    as_of = end + timedelta(days=draw(st.integers(0, 60)))
    agreements = tuple(
        MentorshipAgreement(f"a{i}", "prog", "boss", pid, start, None)
        for i, pid in enumerate(mentees)
    )
    plans = tuple(DevelopmentPlan(f"idp-{pid}", pid, "boss", start, end) for pid in with_plans)
    scope = draw(
        st.sampled_from([Scope(), Scope(ladder="tech"), Scope(site="B"), Scope(level="l1")])
    )
    records = Records(department=department, plans=plans, agreements=agreements)
    return records, start, end, as_of, scope


@settings(max_examples=150, deadline=None)
@given(case=_staffing())
def test_retention_matches_a_count_of_each_group_on_each_day(
    case: tuple[Records, date, date, date, Scope],
) -> None:
    """Retention counted straight from the definitions (every person, every day asked)."""
    records, start, end, as_of, scope = case
    staff = [records.department.staff[k] for k in sorted(records.department.staff)]

    def employed(p: StaffRecord, day: date) -> bool:
        return p.hire_date <= day and (p.end_date is None or p.end_date >= day)

    def rate(group: list[StaffRecord], day: date) -> Rate:
        return Rate(sum(1 for p in group if employed(p, day)), len(group))

    figure = retention(
        records.department,
        records.plans,
        records.agreements,
        start=start,
        end=end,
        as_of=as_of,
        scope=scope,
    )
    period = figure.period
    cohort = [
        p
        for p in staff
        if start <= add_months(p.hire_date, 12) <= min(end, as_of)
        and (scope.ladder is None or p.level_history[0].ladder == scope.ladder)
        and Scope(None, scope.level, scope.site).matches(p)
    ]
    kept = [p for p in cohort if p.end_date is None or p.end_date >= add_months(p.hire_date, 12)]
    assert figure.new_hires == Rate(len(kept), len(cohort))
    assert figure.new_hires_left == tuple(p.id for p in cohort if p not in kept)
    population = [p for p in staff if employed(p, period.start) and scope.matches(p)]
    mentored = [p for p in population if p.id in {a.mentee for a in records.agreements}]
    others = [p for p in population if p not in mentored]
    assert figure.overall == rate(population, period.end)
    assert figure.mentored == rate(mentored, period.end)
    assert figure.not_mentored == rate(others, period.end)
    planned = {p.person for p in records.plans}
    assert figure.with_idp == rate([p for p in population if p.id in planned], period.end)
    assert figure.without_idp == rate([p for p in population if p.id not in planned], period.end)
    for curve, group in zip(figure.curves, (mentored, others), strict=True):
        for month, point in curve.points:
            day = period.start if month == 0 else add_months(period.start, month) - timedelta(1)
            assert point == rate(group, min(day, period.end)), (curve.label, month)
    # The goals' values are the figures' own.
    assert _goal_retention(records, start, end, as_of, scope) == figure.overall


def test_new_hires_whose_anniversary_is_on_a_period_edge() -> None:
    """The anniversary is 366 days after the hire date over a 29 February, 365 otherwise (and
    from 29 February itself, on 28 February)."""
    hires = {
        "leap-year-before": "2023-03-01",  # 2024-03-01, 366 days later: the first day
        "day-before": "2023-02-28",  # 2024-02-28: the day before the period
        "on-the-29th": "2024-02-29",  # 2025-02-28: the last day
        "day-after": "2024-03-01",  # 2025-03-01: after the period
    }
    department = Department.from_documents(
        Document(
            f"staff/{pid}.yaml",
            {
                "apiVersion": "ladderctl/v1",
                "kind": "StaffRecord",
                "id": pid,
                "name": pid,
                "ladder": "tech",
                "level": "l1",
                "hireDate": hired,
                "status": "active",
                "levelHistory": [{"level": "l1", "effective": hired}],
            },
        )
        for pid, hired in hires.items()
    )
    records = Records(department=department)
    figure = retention(
        department,
        (),
        (),
        start=date(2024, 3, 1),
        end=date(2025, 2, 28),
        as_of=date(2025, 3, 31),
    )
    assert figure.new_hires == Rate(2, 2)
    goal = ProgramGoal("g", "g", "new-hire-retention-1y", 1)
    program = Program("prog", "Program", date(2024, 3, 1), date(2025, 2, 28), goals=(goal,))
    goals = program_goals(
        replace(records, programs=(program,)),
        start=date(2024, 3, 1),
        end=date(2025, 2, 28),
        as_of=date(2025, 3, 31),
    )
    assert goals.goals[0].rate == Rate(2, 2)


def _goal_retention(records: Records, start: date, end: date, as_of: date, scope: Scope) -> Rate:
    program = Program("prog", "Program", start, end, goals=(ProgramGoal("g", "g", "retention", 1),))
    goals = program_goals(
        replace(records, programs=(program,)), start=start, end=end, as_of=as_of, scope=scope
    )
    rate = goals.goals[0].rate
    assert rate is not None
    return rate


def test_retention_empty_groups_say_no_data(hand: Records) -> None:
    figure = retention(
        hand.department,
        hand.plans,
        hand.agreements,
        start=START,
        end=END,
        as_of=DAY,
        scope=Scope(ladder="pharm"),
    )
    assert str(figure.new_hires) == "no data"  # nobody hired onto pharm had an anniversary
    assert str(figure.mentored) == "no data"
    assert str(figure.overall) == "2/2 (100%)"  # boss and cy
    assert all(str(r) == "no data" for _, r in figure.curves[0].points)


def test_new_hires_use_the_ladder_they_were_hired_onto(hand: Records) -> None:
    # Over 2019: cy's first anniversary (2019-05-07) was on the tech ladder, where he was hired.
    figure = retention(
        hand.department,
        hand.plans,
        hand.agreements,
        start=date(2019, 1, 1),
        end=date(2019, 12, 31),
        as_of=DAY,
        scope=Scope(ladder="tech"),
    )
    assert str(figure.new_hires) == "1/1 (100%)"


# --- program goals -----------------------------------------------------------------------------


def test_program_goals_current_values(hand: Records) -> None:
    figure = program_goals(hand, start=START, end=END, as_of=DAY)
    by_id = {g.goal.id: g for g in figure.goals}
    # New technicians (hired onto tech) with an anniversary in the period: dee left, eve stayed.
    new_hires = by_id["g-new-hires"]
    assert (str(new_hires.rate), new_hires.met, new_hires.goal.baseline) == ("1/2 (50%)", False, 75)
    # Technician promotions in the period: ana and ben (cy moved onto pharm).
    promotions = by_id["g-promotions"]
    assert (promotions.current, promotions.n, promotions.met) == (2.0, 2, True)
    assert promotions.current_text == "2"
    # Site A scores in the latest survey year up to 2026: ana's 80 (boss's 2027 is later).
    engagement = by_id["g-engagement"]
    assert (engagement.current, engagement.n, engagement.met) == (80.0, 1, False)
    assert engagement.current_text == "80.0 (n=1)"
    assert engagement.note == "survey year 2026"
    custom = by_id["g-custom"]
    assert (custom.computed, custom.current_text, custom.met) == (False, "not computed", None)
    # An unknown population is said out loud, and everyone is counted: 6/8 as in retention.
    everyone = by_id["g-retention"]
    assert str(everyone.rate) == "6/8 (75%)"
    assert "population 'nowhere' is not a ladder, level or site" in everyone.note


def test_program_goals_with_filters_that_exclude_the_population(hand: Records) -> None:
    figure = program_goals(hand, start=START, end=END, as_of=DAY, scope=Scope(ladder="pharm"))
    new_hires = next(g for g in figure.goals if g.goal.id == "g-new-hires")
    assert (new_hires.current_text, new_hires.met) == ("no data", None)
    assert "leave out" in new_hires.note


# --- development -------------------------------------------------------------------------------


def test_development(hand: Records) -> None:
    figure = development(
        hand.department,
        hand.plans,
        hand.agreements,
        hand.programs,
        start=START,
        end=END,
        as_of=DAY,
    )
    # On staff on 2026-06-30: boss, ana, ben, cy, eve, fay, ivy (7); current IDPs: ana, eve.
    assert str(figure.idp_share) == "2/7 (29%)"
    assert figure.current_plans == 2
    # ana: last review 2026-03-31 + 90 days = 2026-06-29 (1 day overdue); eve: no review since
    # the start 2026-04-01 + 90 = 2026-06-30, due today, which `validate` already calls overdue.
    assert [(r.plan, r.due.isoformat(), r.days_overdue) for r in figure.overdue_reviews] == [
        ("idp-ana", "2026-06-29", 1),
        ("idp-eve", "2026-06-30", 0),
    ]
    assert figure.overdue_reviews[1].last_review is None
    # Open objectives of staff plans in the period: ana o1, o2 and eve o1 (3; gus has left);
    # past due: ana o1 (2026-05-31). eve's o1 is due today, not past due; ana's o3 is done.
    assert figure.objectives_open == 3
    assert [(o.plan, o.objective, o.days_overdue) for o in figure.past_due] == [
        ("idp-ana", "o1", 30)
    ]
    # Active agreements: boss->ana (last check-in 2026-03-02 + 2 months = 2026-05-02, overdue 59
    # days) and cy->eve (started 2026-05-04, due 2026-07-04).
    assert figure.active_agreements == 2
    assert [(c.agreement, c.due.isoformat(), c.days_overdue) for c in figure.overdue_check_ins] == [
        ("agr-boss-ana", "2026-05-02", 59)
    ]


def test_development_empty_groups_say_no_data(hand: Records) -> None:
    figure = development(
        hand.department,
        hand.plans,
        hand.agreements,
        hand.programs,
        start=START,
        end=END,
        as_of=DAY,
        scope=Scope(ladder="pharm"),
    )
    assert str(figure.idp_share) == "0/2 (0%)"  # boss and cy, no plans
    rates = figure.to_dict()
    assert rates["overdueReviews"] == {
        "rate": {"numerator": 0, "denominator": 0, "percent": None, "text": "no data"},
        "plans": [],
    }


# --- credentials -------------------------------------------------------------------------------


def test_credentials_one_line_per_person_by_manager(hand: Records) -> None:
    figure = credentials(hand.department, as_of=DAY)
    # ben: cpht expired 2026-05-31 (not renewed); eve: cpht 2026-07-15 (15 d) and bls
    # 2026-08-20 (51 d) on ONE line; ana: the renewed cpht 2026-09-15 (77 d; the 2024 record is
    # replaced); fay: bls 2026-09-28 (exactly 90 d; her cpht at 91 d is not listed). dee has
    # left and is not listed.
    lines = [
        (g.manager, p.person, p.bucket, [(c.id, c.days) for c in p.credentials])
        for g in figure.groups
        for p in g.people
    ]
    assert lines == [
        ("ana", "fay", "90", [("bls", 90)]),
        ("boss", "ben", "expired", [("cpht", -30)]),
        ("boss", "eve", "30", [("cpht", 15), ("bls", 51)]),
        ("boss", "ana", "90", [("cpht", 77)]),
    ]
    eve = figure.groups[1].people[1]
    assert eve.text == "CPhT 2026-07-15 (15 d); BLS 2026-08-20 (51 d)"
    assert dict(figure.people_by_bucket) == {"expired": 1, "30": 1, "90": 2}
    assert dict(figure.certificates_by_bucket) == {"expired": 1, "30": 1, "60": 1, "90": 2}
    assert figure.staff == 7
    # By month, the next 12 months (2026-06 .. 2027-05): boss's bls (2027-06-30) is later.
    months = dict(figure.by_month)
    assert (months["expired"], months["2026-07"], months["2026-08"], months["2026-09"]) == (
        1,
        1,
        1,
        3,
    )
    assert len(figure.by_month) == 13 and sum(months.values()) == 6


def test_credentials_empty_group(hand: Records) -> None:
    figure = credentials(hand.department, as_of=DAY, scope=Scope(ladder="pharm"))
    assert figure.groups == ()
    assert figure.to_dict()["peopleByBucket"] == {"expired": 0, "30": 0, "60": 0, "90": 0}


# --- engagement --------------------------------------------------------------------------------


def test_engagement_trend(hand: Records) -> None:
    figure = engagement_trend(hand.department, start=START, end=END, as_of=DAY)
    # 2025: ana 70, gus 60 (gone since, but it was his score) -> 65 (n=2); 2026: ana 80, ben 90
    # -> 85 (n=2); boss's 2027 score is after the period.
    assert [(y.year, y.mean, y.n) for y in figure.years] == [(2025, 65.0, 2), (2026, 85.0, 2)]
    site_b = engagement_trend(
        hand.department, start=START, end=END, as_of=DAY, scope=Scope(site="B")
    )
    assert [(y.year, y.mean, y.n) for y in site_b.years] == [(2026, 90.0, 1)]
    empty = engagement_trend(
        hand.department, start=START, end=END, as_of=DAY, scope=Scope(ladder="pharm")
    )
    assert empty.years == ()


# --- the whole report --------------------------------------------------------------------------


def test_build_report_puts_it_together(hand: Records) -> None:
    report = build_report(hand, as_of=DAY)
    assert report.period == Period(START, END)
    assert report.staff == 7
    data = report.to_dict()
    assert list(data) == [
        "asOf",
        "period",
        "scope",
        "staff",
        "advancement",
        "eligibleNotPromoted",
        "retention",
        "programGoals",
        "development",
        "credentials",
        "engagement",
    ]
    assert data["retention"]["newHires1y"] == {  # type: ignore[index]
        "numerator": 1,
        "denominator": 2,
        "percent": 50.0,
        "text": "1/2 (50%)",
    }


def test_build_report_refuses_a_period_after_as_of(hand: Records) -> None:
    with pytest.raises(ValueError, match="after the as-of date"):
        build_report(hand, as_of=DAY, end=DAY + timedelta(days=1))


def test_build_report_with_an_explicit_period(hand: Records) -> None:
    report = build_report(hand, as_of=DAY, start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert [p.person for p in report.advancement.promotions] == ["ben"]


# --- the manager's action list -----------------------------------------------------------------

DueRow = tuple[str, str, str]


def _rows(hand: Records, within: int, manager: str | None = None) -> list[DueRow]:
    items = due_items(
        hand.department,
        hand.plans,
        hand.agreements,
        as_of=DAY,
        within_days=within,
        programs=hand.programs,
        manager=manager,
    )
    return [(i.date.isoformat(), i.kind, i.person) for i in items.items]


def test_due_items_within_30_days(hand: Records) -> None:
    # Until 2026-07-30, overdue items included: ben's expired cpht, the boss->ana check-in (due
    # 2026-05-02), ana's IDP review (2026-06-29), eve's (today), eve's cpht (2026-07-15) and the
    # cy->eve check-in (2026-07-04). Nobody became eligible in the last 30 days (ana: 81 days
    # ago) and fay's 2026-08-04 is after the window.
    assert _rows(hand, 30) == [
        ("2026-05-02", "check-in", "ana"),
        ("2026-05-31", "certification", "ben"),
        ("2026-06-29", "idp-review", "ana"),
        ("2026-06-30", "idp-review", "eve"),
        ("2026-07-04", "check-in", "eve"),
        ("2026-07-15", "certification", "eve"),
    ]


def test_due_items_within_90_days_adds_eligibility(hand: Records) -> None:
    rows = _rows(hand, 90)
    # ana became eligible on 2026-04-10, inside the last 90 days (from 2026-04-01): newly
    # eligible; eve (2026-03-03) is not. fay will be on 2026-08-04. Credentials up to
    # 2026-09-28: eve's bls, ana's cpht, fay's bls (fay's cpht on 2026-09-29 is one day late).
    assert ("2026-04-10", "eligible", "ana") in rows
    assert ("2026-08-04", "eligible", "fay") in rows
    assert not any(kind == "eligible" and person == "eve" for _, kind, person in rows)
    assert [r for r in rows if r[1] == "certification"] == [
        ("2026-05-31", "certification", "ben"),
        ("2026-07-15", "certification", "eve"),
        ("2026-08-20", "certification", "eve"),
        ("2026-09-15", "certification", "ana"),
        ("2026-09-28", "certification", "fay"),
    ]


def test_due_items_for_one_manager(hand: Records) -> None:
    assert _rows(hand, 90, manager="ana") == [
        ("2026-08-04", "eligible", "fay"),
        ("2026-09-28", "certification", "fay"),
    ]


def test_due_list_counts_and_statuses(hand: Records) -> None:
    items = due_items(
        hand.department,
        hand.plans,
        hand.agreements,
        as_of=DAY,
        within_days=30,
        programs=hand.programs,
    )
    assert items.counts == {"certification": 2, "idp-review": 2, "check-in": 2, "eligible": 0}
    assert items.overdue == 3
    assert [i.status(DAY) for i in items.items] == [
        "overdue 59 d",
        "overdue 30 d",
        "overdue 1 d",
        "today",
        "in 4 d",
        "in 15 d",
    ]


def test_due_items_without_the_program_use_quarterly_check_ins(hand: Records) -> None:
    # Without the program's 2-month cadence, boss->ana is due 3 months after 2026-03-02.
    items = due_items(hand.department, hand.plans, hand.agreements, as_of=DAY, within_days=0)
    check_ins = [i for i in items.items if i.kind == "check-in"]
    assert [(i.date.isoformat(), i.person) for i in check_ins] == [("2026-06-02", "ana")]


def test_due_items_rejects_a_negative_window(hand: Records) -> None:
    with pytest.raises(ValueError):
        due_items(hand.department, hand.plans, hand.agreements, as_of=DAY, within_days=-1)


def test_agreement_check_ins_stop_at_the_agreement_end(hand: Records) -> None:
    short = replace(hand.agreements[0], end=date(2026, 5, 1))  # boss->ana ends before its due date
    items = due_items(hand.department, hand.plans, (short,), as_of=date(2026, 4, 1), within_days=90)
    assert not [i for i in items.items if i.kind == "check-in"]
