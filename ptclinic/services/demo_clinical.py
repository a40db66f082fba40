"""The demo clinic's clinical records: each episode's referral, onset and payer, diagnoses for the
low back, SI joint and pelvic girdle episodes, and a few hundred intake evaluations of them in
varied classifications (mobility, stability, calm and load), with their outcome results.

Three parts, each as the services would write it:
- ``episode_columns`` and ``diagnosis_rows`` give the bulk generator the columns of every episode
  it inserts (checked as ``episodes.validate_episode`` checks them: onset by the start, referral
  not in the future, codes from the shipped list with their descriptions).
- ``add_signed_evaluations`` inserts, in the generator's transaction, evaluations signed as
  ``evaluation_records.sign_evaluation`` leaves them (content checked by ``validate_content``,
  every red flag answered, a rationale when the classification is not the one proposed, the
  intake outcome results), some by the student and co-signed, and later re-measured results for
  open episodes so the conservative-care pathway shows progress and stalls. It keeps back a few
  recent episodes for the next part.
- ``add_current_evaluations`` writes those through the real services: drafts the demo therapist
  can go on with, and a student's evaluation waiting for a co-signature.

Only the most recent evaluation visits get an evaluation (at most ``EVALUATIONS``), so a
benchmark-sized clinic stays quick to build. Randomness comes from the caller's own generator,
so the schedule's data does not change with what is generated here.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    EpisodeOfCare,
    Evaluation,
    EvaluationStatus,
    OutcomeResult,
    Patient,
    Staff,
)
from ptclinic.roles import Role
from ptclinic.services import evaluation_records
from ptclinic.services.auth import actor_of
from ptclinic.services.demo_people import BASE_ROSTER, DemoStaff
from ptclinic.services.diagnoses import diagnosis
from ptclinic.services.episodes import ONSET_MECHANISMS, PayerType
from ptclinic.services.errors import DomainError
from ptclinic.services.evaluation import interpret
from ptclinic.services.evaluation_form import (
    CLASSIFICATION_LABELS,
    CONTENT_FORMAT,
    RED_FLAGS,
    validate_content,
)
from ptclinic.services.outcomes import oswestry_percent
from ptclinic.services.patient_fields import age_on

EVALUATIONS = 300  # at most, the most recent evaluation visits first
STUDENT_SHARE = 0.08
CHUNK_ROWS = 5_000
S = EvaluationStatus
SI, LBP, RADICULAR = "Sacroiliac joint dysfunction", "Low back pain", "Lumbar radiculopathy"
PREGNANCY, WORK = "Pregnancy-related pelvic girdle pain", "Work injury: low back strain"
# Per title: (primary codes, possible further codes; "{r}"/"{l}" pairs follow the side).
DIAGNOSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SI: (("M99.04", "M46.1", "M53.88", "M99.05", "S33.6XXA"), ("M54.50", "M53.2X8", "M62.81")),
    LBP: (("M54.50", "M54.59", "M54.51"), ("M62.830", "M99.03", "M53.86")),
    RADICULAR: (("M54.16", "M54.17", "M51.16", "M51.17"), ("M54.41|M54.42", "M54.31|M54.32")),
    PREGNANCY: (("O26.712", "O26.713", "O26.73"), ("M99.05", "M53.2X8")),
    WORK: (("S39.012A", "S33.5XXA"), ("M62.830",)),
}
# Which classification the findings of each title lean to (mobility, stability, calm and load).
LEANING = {
    SI: (4, 4, 2),
    LBP: (4, 2, 3),
    RADICULAR: (2, 1, 5),
    PREGNANCY: (1, 6, 2),
    WORK: (3, 2, 4),
}
PAYER_TYPES = {
    "medicare": PayerType.MEDICARE, "medicare_advantage": PayerType.MEDICARE,
    "medicaid": PayerType.MEDICAID, "commercial": PayerType.COMMERCIAL,
    "workers_comp": PayerType.WORKERS_COMP, "auto": PayerType.AUTO,
    "self_pay": PayerType.SELF_PAY, "tricare": PayerType.OTHER,
}  # fmt: skip
_EVERYDAY_ONSETS = tuple(
    m for m in ONSET_MECHANISMS if m not in ("Pregnancy", "After childbirth", "After surgery")
)


@dataclass(frozen=True)
class PatientNote:
    """What the episodes of a generated patient take from them."""

    sex: str
    date_of_birth: date
    physician: str
    payer_kind: str


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def episode_columns(
    rng: random.Random, title: str, start: date, note: PatientNote, today: date
) -> dict[str, Any]:
    """The referral, onset and payer columns of one episode (and its title: pelvic girdle pain
    of pregnancy only for women of an age to be pregnant)."""
    if title == PREGNANCY and not (
        note.sex == "female" and 18 <= age_on(note.date_of_birth, start) <= 45
    ):
        title = SI
    payer = PAYER_TYPES.get(note.payer_kind, PayerType.OTHER)
    if title == WORK:
        payer = PayerType.WORKERS_COMP
    if "post-op" in title:
        onset, mechanism = start - timedelta(days=rng.randint(5, 35)), "After surgery"
    elif title == PREGNANCY:
        onset = start - timedelta(days=rng.randint(14, 120))
        mechanism = rng.choice(("Pregnancy", "Pregnancy", "After childbirth"))
    elif title == WORK:
        onset = start - timedelta(days=rng.randint(5, 60))
        mechanism = rng.choice(("Lifting", "Bending and twisting"))
    else:
        onset = start - timedelta(days=rng.randint(7, 240))
        weights = [6 if m.startswith("Gradual") else 1 for m in _EVERYDAY_ONSETS]
        mechanism = rng.choices(_EVERYDAY_ONSETS, weights=weights)[0]
    physician = note.physician if rng.random() < 0.95 else ""
    referral = min(today, start - timedelta(days=rng.randint(2, 28))) if physician else None
    return {
        "title": title,
        "referring_physician": physician,
        "referral_date": referral,
        "referral_reason": f"Evaluate and treat: {_first_lower(title)}" if physician else "",
        "onset_date": onset if rng.random() < 0.85 else None,
        "onset_mechanism": mechanism,
        "payer_type": payer.value,
    }


def side_of(episode_id: int) -> str:
    """The side an episode's one-sided findings are on, the same in every part of the demo."""
    return "right" if episode_id % 3 else "left"


def diagnosis_rows(rng: random.Random, episode_id: int, title: str) -> list[dict[str, Any]]:
    """The episode's diagnoses (none for problems outside the shipped low back list)."""
    if title not in DIAGNOSES:
        return []
    primary, further = DIAGNOSES[title]
    chosen = [rng.choice(primary)]
    for code in rng.sample(further, rng.randint(0, min(2, len(further)))):
        right, _, left = code.partition("|")
        chosen.append(left if left and side_of(episode_id) == "left" else right)
    return [
        {"episode_id": episode_id, "position": n, "code": code,
         "description": diagnosis(code).description}
        for n, code in enumerate(chosen, start=1)
    ]  # fmt: skip


# --- evaluation findings ---------------------------------------------------------------------

COMPLAINTS = {
    SI: (
        "{S} buttock pain when sitting and on stairs",
        "Pain at the {s} PSIS getting out of the car",
        "{S} low back and buttock pain rolling in bed",
    ),
    LBP: (
        "Low back pain bending forward",
        "Low back pain after sitting at work",
        "Stiff, aching low back in the mornings",
    ),
    RADICULAR: (
        "Low back pain with pain down the {s} leg",
        "Pain from the {s} buttock to the calf",
    ),
    PREGNANCY: (
        "Pain at the back of the pelvis, worse on the {s}, when walking and turning in bed",
        "Pubic and {s} buttock pain since the birth",
    ),
    WORK: ("Low back pain since lifting boxes at work", "Low back pain after a lift at work"),
}
AGGRAVATING = (
    "Sitting over 30 minutes; getting out of the car.", "Stairs, leading with the {s} leg.",
    "Standing on the {s} leg to dress.", "Bending to load the dishwasher.",
    "Rolling over in bed.", "Lifting groceries or a child.",
)  # fmt: skip
EASING = (
    "Walking on level ground.", "Lying on the {o} side with a pillow between the knees.",
    "Heat and changing position often.", "A pelvic belt when walking.", "Ibuprofen.",
)  # fmt: skip
GOALS = (
    "Sit through a workday without pain.", "Lift and carry a child without pain.",
    "Walk 30 minutes for exercise.", "Return to running 3 miles.", "Sleep through the night.",
    "Return to full duty at work.", "Garden for an hour.",
)  # fmt: skip
ACTIVITIES = (
    "Sitting 1 hour", "Climbing stairs", "Lifting a laundry basket", "Walking 30 minutes",
    "Getting out of the car", "Sleeping through the night", "Running 1 mile",
)  # fmt: skip
PLANS = {
    "mobility": "2x/week for 6 weeks: SI and lumbopelvic mobilisation, hip mobility, gluteal "
    "and trunk strengthening, home exercise program. Re-measure ODI, pain and PSFS at week 4.",
    "stability": "2x/week for 6-8 weeks: motor control for load transfer (transversus, "
    "multifidus, gluteals), pelvic belt for lifting, graded loading, home program. Re-measure "
    "ODI, pain and PSFS at week 4.",
    "calm_load": "2x/week for 2 weeks, then weekly: pain education, positions of ease, gentle "
    "range of motion, then graded loading as irritability settles. Re-measure ODI, pain and "
    "PSFS at week 4.",
}
PROBLEMS = {
    "mobility": "1. Pain with sitting and transfers\n2. {S} SI joint and hip stiffness\n"
    "3. Reduced trunk flexion",
    "stability": "1. Pain with single-leg loading on the {s}\n2. Poor load transfer through the "
    "pelvis\n3. Reduced endurance of the trunk muscles",
    "calm_load": "1. Constant pain, easily provoked\n2. Disturbed sleep\n3. Fear of movement",
}
OVERRIDES = {
    "mobility": "Stiff on retesting after the pain settled; start with mobility.",
    "stability": "Loading the {s} leg is what fails; load transfer first.",
    "calm_load": "Flared up this week; settle the pain before loading.",
}


def _provocation(rng: random.Random, title: str, side: str) -> dict[str, Any]:
    """The SI provocation tests, mostly positive for SI and pelvic girdle pain."""
    tests = ["distraction", f"thigh_thrust_{side}", "compression", "sacral_thrust",
             f"gaenslen_{side}", f"faber_{side}"]  # fmt: skip
    wanted = rng.choice((2, 3, 3, 4)) if title in (SI, PREGNANCY) else rng.choice((0, 0, 1))
    positive = set(rng.sample(tests, wanted))
    found = {
        test: {"result": "positive", "familiar": True}
        if test in positive
        else {"result": "negative", "familiar": False}
        for test in tests
    }
    if rng.random() < 0.3:  # not every test is done on every patient
        found[rng.choice(tests[2:])] = {"result": "not_tested", "familiar": False}
    return found


def evaluation_content(
    rng: random.Random, title: str, side: str, age: int, leaning: str
) -> dict[str, Any]:
    """A complete intake evaluation whose findings point to ``leaning``; the therapist now
    and then chooses otherwise, with a rationale (as signing requires)."""
    s, other = side, "left" if side == "right" else "right"

    def words(text: str) -> str:
        return text.format(s=s, S=s.capitalize(), o=other)

    pain = rng.randint(7, 9) if leaning == "calm_load" else rng.randint(2, 6)
    mobility: dict[str, Any] = {f"aslr_{other}": rng.randint(0, 1)}
    if leaning == "mobility":
        mobility |= {
            f"aslr_{s}": rng.randint(0, 1), "gillet": f"hypomobile_{s}",
            "standing_flexion": rng.choice((f"positive_{s}", "negative")),
            "joint_mobility": "hypomobile",
        }  # fmt: skip
    elif leaning == "stability":
        mobility |= {
            f"aslr_{s}": rng.randint(2, 4), "gillet": "normal", "standing_flexion": "negative",
            "joint_mobility": rng.choice(("hypermobile", "normal")),
            "mobility_notes": words("ASLR {s} easier with manual compression of the pelvis."),
        }  # fmt: skip
    else:
        mobility |= {f"aslr_{s}": rng.randint(0, 3), "gillet": "not_tested"}
    level = {"mobility": 1.6, "stability": 2.0, "calm_load": 3.2}[leaning]
    odi: list[int | None] = [max(0, min(5, round(rng.gauss(level, 0.8)))) for _ in range(10)]
    if rng.random() < 0.3:
        odi[7] = None  # the sex-life section is often skipped
    psfs = [{"activity": a, "score": rng.randint(1, 6)} for a in rng.sample(ACTIVITIES, 3)]
    content: dict[str, Any] = {
        "subjective": {
            "chief_complaint": words(rng.choice(COMPLAINTS[title])),
            "duration_weeks": rng.randint(2, 30),
            "pain_locations": (["lumbar"] if title in (LBP, WORK, RADICULAR) else [])
            + [f"psis_{s}", f"buttock_{s}"]
            + ([f"thigh_{s}", f"below_knee_{s}"] if title == RADICULAR else []),
            "nprs_now": pain,
            "nprs_best": max(0, pain - rng.randint(2, 4)),
            "nprs_worst": min(10, pain + rng.randint(1, 3)),
            "aggravating": " ".join(words(t) for t in rng.sample(AGGRAVATING, 2)),
            "easing": " ".join(words(t) for t in rng.sample(EASING, 2)),
            "goals": "\n".join(rng.sample(GOALS, 2)),
        },
        "red_flags": {key: {"present": False, "action": ""} for key, _label, _hint in RED_FLAGS},
        "palpation": {f"psis_{s}": True, f"psis_{other}": False,
                      f"sacral_sulcus_{s}": rng.random() < 0.6,
                      "fortin": f"positive_{s}" if title in (SI, PREGNANCY) else "negative"},
        "provocation": _provocation(rng, title, s),
        "lumbar_hip": {
            "repeated_movements": "peripheralises" if title == RADICULAR
            else rng.choice(("no_effect", "no_effect", "centralises")),
            f"slr_{s}": "positive" if title == RADICULAR else "negative",
            f"slr_degrees_{s}": rng.randint(35, 55) if title == RADICULAR else rng.randint(65, 85),
        },
        "mobility": mobility,
        "outcomes": {"odi": odi, "psfs": psfs},
        "assessment": {
            "irritability": "high" if leaning == "calm_load" else rng.choice(("low", "moderate")),
            "problem_list": words(PROBLEMS[leaning]),
            "plan_summary": PLANS[leaning],
        },
    }  # fmt: skip
    if age < 45 and rng.random() < 0.05:
        content["red_flags"]["inflammatory"] = {
            "present": True,
            "action": "Letter to the physician suggesting a screen for axial spondyloarthritis; "
            "physical therapy continues.",
        }
    found = interpret(content, age=age)
    proposed = found.proposal.classification or leaning
    chosen = proposed if rng.random() > 0.1 else rng.choice(sorted(set(PLANS) - {proposed}))
    assessment = content["assessment"]
    assessment["classification"] = chosen
    if chosen != found.proposal.classification:
        assessment["classification_rationale"] = words(OVERRIDES[chosen])
    flags = "No red flags." if not found.red_flags else "Red flag followed up with the physician."
    assessment["impression"] = (
        f"SI provocation cluster: {found.cluster.text()} {flags} Findings fit the "
        f"{CLASSIFICATION_LABELS[chosen].lower()} classification."
    )
    return validate_content(content)


# --- evaluations in bulk ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Visit:
    """An episode's completed evaluation visit."""

    episode_id: int
    therapist_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    is_open: bool
    age: int


@dataclass
class ClinicalSummary:
    statuses: Counter[str] = field(default_factory=Counter)
    classifications: Counter[str] = field(default_factory=Counter)
    reserved: list[tuple[str, _Visit]] = field(default_factory=list)  # for the services

    def add(self, status: str, classification: str | None) -> None:
        self.statuses[status] += 1
        if classification:
            self.classifications[classification] += 1


def _recent_visits(conn: Connection, limit: int) -> list[_Visit]:
    rows = conn.execute(
        select(
            Appointment.episode_id, Appointment.therapist_id, Appointment.starts_at,
            Appointment.ends_at, EpisodeOfCare.title, EpisodeOfCare.status,
            Patient.date_of_birth,
        )
        .join(EpisodeOfCare, EpisodeOfCare.id == Appointment.episode_id)
        .join(Patient, Patient.id == EpisodeOfCare.patient_id)
        .where(
            Appointment.visit_type == "initial_evaluation",
            Appointment.status == "completed",
            EpisodeOfCare.title.in_(DIAGNOSES),
        )
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return [
        _Visit(
            episode, therapist, starts, ends, title, status == "open", age_on(born, starts.date())
        )
        for episode, therapist, starts, ends, title, status, born in rows
        if episode is not None  # joined on it: typed as optional
    ]


def _staff_id(conn: Connection, username: str) -> int | None:
    return conn.scalar(select(Staff.id).where(Staff.username == username))


def _reserve(visits: list[_Visit], therapist_id: int | None) -> list[tuple[str, _Visit]]:
    """A few recent open episodes to evaluate through the services: drafts of the demo
    therapist's (and one of a colleague's), and a student's evaluation to co-sign."""
    wanted = [("draft", therapist_id), ("draft", therapist_id), ("draft", None),
              ("student", None), ("student", None)]  # fmt: skip
    chosen: list[tuple[str, _Visit]] = []
    used: set[int] = set()
    for kind, owner in wanted:
        for visit in visits:
            if (
                visit.is_open
                and visit.episode_id not in used
                and owner in (None, visit.therapist_id)
            ):
                chosen.append((kind, visit))
                used.add(visit.episode_id)
                break
    return chosen


def _result_rows(
    content: dict[str, Any],
    episode_id: int,
    evaluation_id: int | None,
    taken_on: date,
    recorded_by: int,
) -> list[dict[str, Any]]:
    """The outcome results of an evaluation as ``sign_evaluation`` records them."""
    found = interpret(content, age=0)
    common = {"episode_id": episode_id, "evaluation_id": evaluation_id, "taken_on": taken_on,
              "recorded_by_id": recorded_by}  # fmt: skip
    outcomes = content["outcomes"]
    measured: list[tuple[str, dict[str, Any], float | None]] = [
        ("nprs", {"now": found.nprs_now}, found.nprs_now),
        ("odi", {"sections": outcomes["odi"]}, found.odi),
        ("psfs", {"activities": outcomes["psfs"]}, found.psfs),
    ]
    rows = [
        common | {"measure": measure, "answers": answers, "score": float(score)}
        for measure, answers, score in measured
        if score is not None
    ]
    return rows


def _follow_up(
    rng: random.Random, content: dict[str, Any], visit: _Visit, evaluated: date, today: date
) -> list[dict[str, Any]]:
    """Pain and Oswestry taken again four weeks on, for an open episode: mostly better by the
    MCID, sometimes not (the pathway then prompts a referral)."""
    day = evaluated + timedelta(weeks=4)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    if not visit.is_open or day > today:
        return []
    found = interpret(content, age=visit.age)
    better = rng.random() < 0.7
    pain = max(0, (found.nprs_now or 0) - (rng.randint(2, 4) if better else rng.randint(0, 1)))
    rows: list[dict[str, Any]] = [
        {"episode_id": visit.episode_id, "evaluation_id": None, "taken_on": day,
         "recorded_by_id": visit.therapist_id, "measure": "nprs", "answers": {"now": pain},
         "score": float(pain)},
    ]  # fmt: skip
    sections = content["outcomes"]["odi"]
    if found.odi is not None:
        answered = sum(1 for a in sections if a is not None)
        steps = round((rng.randint(10, 24) if better else rng.randint(0, 8)) * answered / 20)
        later = list(sections)
        for _ in range(steps):  # one point less on a section that still has one to give
            if not (scored := [n for n, a in enumerate(later) if a]):
                break
            later[rng.choice(scored)] -= 1
        score = oswestry_percent(later)
        rows.append(
            {"episode_id": visit.episode_id, "evaluation_id": None, "taken_on": day,
             "recorded_by_id": visit.therapist_id, "measure": "odi",
             "answers": {"sections": later}, "score": float(score) if score is not None else None}
        )  # fmt: skip
    return rows


def add_signed_evaluations(
    conn: Connection, rng: random.Random, zone: ZoneInfo, today: date, now: datetime
) -> ClinicalSummary:
    """Signed evaluations of the most recent evaluation visits, in bulk, keeping back a few for
    ``add_current_evaluations``."""
    summary = ClinicalSummary()
    visits = _recent_visits(conn, EVALUATIONS)
    student_id = _staff_id(conn, _login_of(Role.STUDENT).username)
    summary.reserved = _reserve(visits, _staff_id(conn, _login_of(Role.THERAPIST).username))
    kept_back = {visit.episode_id for _kind, visit in summary.reserved}
    evaluations: list[dict[str, Any]] = []
    contents: list[tuple[_Visit, dict[str, Any], date, int]] = []
    for visit in visits:
        if visit.episode_id in kept_back:
            continue
        leaning = rng.choices(("mobility", "stability", "calm_load"), LEANING[visit.title])[0]
        content = evaluation_content(
            rng, visit.title, side_of(visit.episode_id), visit.age, leaning
        )
        evaluated = visit.starts_at.astimezone(zone).date()
        signed_at = min(now, visit.ends_at + timedelta(minutes=rng.randint(20, 300)))
        by_student = student_id is not None and rng.random() < STUDENT_SHARE
        cosigned_at = min(now, signed_at + timedelta(hours=rng.randint(2, 30)))
        waiting = by_student and cosigned_at >= now
        author = student_id if by_student and student_id is not None else visit.therapist_id
        status = S.AWAITING_COSIGN if waiting else S.SIGNED
        evaluations.append(
            {
                "episode_id": visit.episode_id, "therapist_id": author, "status": status.value,
                "content": content, "content_format": CONTENT_FORMAT,
                "classification": content["assessment"]["classification"],
                "evaluated_on": evaluated, "cosign_required": by_student,
                "signed_at": signed_at, "signed_by_id": author,
                "cosigned_at": cosigned_at if by_student and not waiting else None,
                "cosigned_by_id": visit.therapist_id if by_student and not waiting else None,
                "created_at": visit.starts_at,
                "updated_at": cosigned_at if by_student and not waiting else signed_at,
                "updated_by_id": visit.therapist_id if by_student and not waiting else author,
                "version": 4 if by_student and not waiting else 3,  # started, saved, signed…
            }
        )  # fmt: skip
        contents.append((visit, content, evaluated, author))
        summary.add(status.value, content["assessment"]["classification"])
    results: list[dict[str, Any]] = []
    for start in range(0, len(evaluations), CHUNK_ROWS):
        chunk = evaluations[start : start + CHUNK_ROWS]
        statement = insert(Evaluation).returning(Evaluation.id, sort_by_parameter_order=True)
        ids = list(conn.execute(statement, chunk).scalars())
        for evaluation_id, (visit, content, evaluated, author) in zip(
            ids, contents[start : start + CHUNK_ROWS], strict=True
        ):
            results += _result_rows(content, visit.episode_id, evaluation_id, evaluated, author)
            results += _follow_up(rng, content, visit, evaluated, today)
    for start in range(0, len(results), CHUNK_ROWS):
        conn.execute(insert(OutcomeResult), results[start : start + CHUNK_ROWS])
    return summary


# --- evaluations through the services ---------------------------------------------------------


def _login_of(role: Role) -> DemoStaff:
    """The demo account of ``role`` listed on the login screen."""
    return next(
        person for person in BASE_ROSTER if person.role is role and person.login_description
    )


def _draft_part(content: dict[str, Any]) -> dict[str, Any]:
    """What a therapist has typed when called away: the history, the screen, some tests."""
    kept = ("subjective", "red_flags", "palpation", "provocation")
    return {key: value for key, value in content.items() if key in kept}


def add_current_evaluations(db: Database, rng: random.Random, summary: ClinicalSummary) -> None:
    """The kept-back episodes, evaluated as the app would: drafts left to finish, and a
    student's signed evaluation waiting for a therapist's co-signature."""
    student = _login_of(Role.STUDENT)
    with db.session() as session:
        people = {row.id: row for row in session.scalars(select(Staff))}
        student_row = next(
            (row for row in people.values() if row.username == student.username), None
        )
        actors = {staff_id: actor_of(row) for staff_id, row in people.items()}
    for kind, visit in summary.reserved:
        leaning = rng.choices(("mobility", "stability", "calm_load"), LEANING[visit.title])[0]
        content = evaluation_content(
            rng, visit.title, side_of(visit.episode_id), visit.age, leaning
        )
        at = visit.starts_at + timedelta(minutes=10)
        try:
            if kind == "draft":
                author = actors[visit.therapist_id]
                draft = evaluation_records.start_evaluation(db, author, visit.episode_id, now=at)
                evaluation_records.save_draft(
                    db, author, draft.id, draft.version, _draft_part(content)
                )
                summary.add(S.DRAFT.value, None)
                continue
            if student_row is None:
                continue
            author = actors[student_row.id]
            draft = evaluation_records.start_evaluation(db, author, visit.episode_id, now=at)
            draft = evaluation_records.save_draft(db, author, draft.id, draft.version, content)
            evaluation_records.sign_evaluation(
                db, author, draft.id, draft.version, student.password, now=visit.ends_at
            )
            summary.add(S.AWAITING_COSIGN.value, content["assessment"]["classification"])
        except DomainError:
            continue  # the demo's own data got in the way: leave this episode unevaluated


def describe(summary: ClinicalSummary) -> str:
    """ "Evaluations: 231 signed, 3 awaiting co-signature, 3 drafts (mobility 80, …)" """
    words = {S.SIGNED.value: "signed", S.AWAITING_COSIGN.value: "awaiting co-signature",
             S.DRAFT.value: "drafts"}  # fmt: skip
    counts = ", ".join(f"{summary.statuses[key]} {word}" for key, word in words.items())
    kinds = ", ".join(
        f"{name.replace('_', ' and ')} {summary.classifications[name]}"
        for name in ("mobility", "stability", "calm_load")
    )
    return f"Evaluations: {counts} ({kinds})"
