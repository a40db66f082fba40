"""What the intake examination's findings point to, computed as the therapist types: the SI
provocation cluster, red flags, a lumbar picture that points elsewhere, the outcome scores and a
proposed classification with its reasons (the therapist decides).

Public API used by scripts (keep the name and signature stable): ``si_cluster``.

The SI provocation cluster (Laslett and colleagues, 2005): six pain provocation tests, of which
distraction, thigh thrust, compression and sacral thrust are "the first four". SI joint pain is
likely when at least 2 of those 4, or at least 3 of all 6, reproduce the patient's familiar pain;
it is unlikely when every test done was negative. A test only counts as positive when it reproduced
the familiar pain: that choice is made where the finding is recorded, and ``si_cluster`` gets
True (positive), False (negative) or None (not tested).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS, RED_FLAGS, recorded
from ptclinic.services.outcomes import (
    OswestryPercent,
    PsfsActivity,
    format_points,
    oswestry_percent,
    psfs_score,
)

FIRST_FOUR = ("distraction", "thigh_thrust", "compression", "sacral_thrust")
SI_TESTS = (*FIRST_FOUR, "gaenslen_left", "gaenslen_right")
TEST_LABELS = {
    "distraction": "Distraction",
    "thigh_thrust": "Thigh thrust",
    "compression": "Compression",
    "sacral_thrust": "Sacral thrust",
    "gaenslen_left": "Gaenslen (left)",
    "gaenslen_right": "Gaenslen (right)",
}
FOUR_NEEDED, SIX_NEEDED = 2, 3
RULE_TEXT = (
    "SI provocation cluster (Laslett 2005): SI joint pain is likely with at least 2 of the first "
    "four tests (distraction, thigh thrust, compression, sacral thrust) positive — sensitivity "
    "88%, specificity 78% — or at least 3 of all six positive — sensitivity 94%, specificity "
    "78%. All tests negative makes it unlikely. Only a test that reproduces the patient's "
    "familiar pain counts as positive."
)


class ClusterVerdict(enum.StrEnum):
    NOT_TESTED = "not_tested"
    LIKELY = "likely"
    UNLIKELY = "unlikely"
    UNDECIDED = "undecided"  # some positive, but fewer than the rule asks for


@dataclass(frozen=True)
class SiCluster:
    positive: int  # of the six
    tested: int  # of the six
    positive_of_four: int
    tested_of_four: int
    verdict: ClusterVerdict

    @property
    def si_likely(self) -> bool:
        return self.verdict is ClusterVerdict.LIKELY

    def text(self) -> str:
        """ "3 of 6 tested positive (2 of the first four): SI joint pain likely."; with tests
        still to do, an "unlikely" is said to hold so far."""
        if self.verdict is ClusterVerdict.NOT_TESTED:
            return "No provocation test recorded yet."
        counts = (
            f"{self.positive} of {self.tested} tested positive "
            f"({self.positive_of_four} of the first four)"
        )
        untested = len(SI_TESTS) - self.tested
        more = f"; {untested} not tested" if untested else ""
        words = {
            ClusterVerdict.LIKELY: "SI joint pain likely",
            ClusterVerdict.UNLIKELY: "SI joint pain unlikely" + (" so far" if untested else ""),
            ClusterVerdict.UNDECIDED: "not enough to call SI joint pain likely",
        }[self.verdict]
        return f"{counts}{more}: {words}."


def si_cluster(results: Mapping[str, bool | None]) -> SiCluster:
    """Count the SI provocation tests. ``results`` maps test names (``SI_TESTS``) to True
    (positive: familiar pain reproduced), False (negative) or None (not tested); a test left out
    is not tested. An unknown name or another value raises ``ValidationError``."""
    unknown = sorted(set(results) - set(SI_TESTS))
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ValidationError(
            {"tests": f"Unknown provocation test {names}; the tests are {', '.join(SI_TESTS)}."}
        )
    typed_by_anyone: Mapping[str, object] = results  # scripts pass what they like
    for name, value in typed_by_anyone.items():
        if value is not None and not isinstance(value, bool):
            choices = "positive (True), negative (False) or not tested (None)"
            raise ValidationError({name: f"{TEST_LABELS[name]} is {choices}, not {value!r}."})
    done = {name: value for name, value in results.items() if value is not None}
    positive = sum(1 for value in done.values() if value)
    four = {name: value for name, value in done.items() if name in FIRST_FOUR}
    positive_of_four = sum(1 for value in four.values() if value)
    if not done:
        verdict = ClusterVerdict.NOT_TESTED
    elif positive_of_four >= FOUR_NEEDED or positive >= SIX_NEEDED:
        verdict = ClusterVerdict.LIKELY
    elif positive == 0:
        verdict = ClusterVerdict.UNLIKELY
    else:
        verdict = ClusterVerdict.UNDECIDED
    return SiCluster(positive, len(done), positive_of_four, len(four), verdict)


# --- the whole evaluation, interpreted as the therapist types -------------------------------

INFLAMMATORY_AGE = 45
INFLAMMATORY_WEEKS = 13  # over three months
ASLR_POOR = 2  # 0 no difficulty ... 5 unable: from 2 on, load transfer is poor
CALM_PAIN = 7  # pain at rest this high: settle it before loading
CONSERVATIVE_WEEKS = 6


def _counts_positive(test: object) -> bool | None:
    """A recorded provocation test for the cluster: positive only with the familiar pain."""
    if not isinstance(test, dict) or test.get("result") in (None, "not_tested"):
        return None
    return test.get("result") == "positive" and bool(test.get("familiar"))


def cluster_of(content: Mapping[str, object]) -> SiCluster:
    """The SI cluster from the form's provocation section. Thigh thrust is one test of the
    cluster, done on each side: positive when either side is, tested when either side was."""
    tests = content.get("provocation")
    found = tests if isinstance(tests, dict) else {}
    sides = [_counts_positive(found.get(f"thigh_thrust_{s}")) for s in ("left", "right")]
    thigh = None if sides == [None, None] else any(bool(s) for s in sides)
    return si_cluster(
        {
            "distraction": _counts_positive(found.get("distraction")),
            "thigh_thrust": thigh,
            "compression": _counts_positive(found.get("compression")),
            "sacral_thrust": _counts_positive(found.get("sacral_thrust")),
            "gaenslen_left": _counts_positive(found.get("gaenslen_left")),
            "gaenslen_right": _counts_positive(found.get("gaenslen_right")),
        }
    )


@dataclass(frozen=True)
class Proposal:
    """The classification the findings point to (None: they do not point anywhere yet), with
    the findings behind each possibility, so the therapist sees why."""

    classification: str | None
    reasons: dict[str, tuple[str, ...]]

    def text(self) -> str:
        if self.classification is None:
            stiff, unstable = self.reasons["mobility"], self.reasons["stability"]
            if stiff and unstable:
                # A tie: say so with both sides, rather than ask for findings already there.
                return (
                    "No classification suggested: the findings point both ways (stiffness: "
                    + "; ".join(stiff)
                    + "; poor control: "
                    + "; ".join(unstable)
                    + "). Choose with a rationale."
                )
            return (
                "No classification suggested yet: record ASLR, Gillet and standing flexion "
                "(Mobility and load transfer) and irritability (Assessment)."
            )
        label = CLASSIFICATION_LABELS[self.classification]
        return f"Suggested: {label} — " + "; ".join(self.reasons[self.classification]) + "."


def propose_classification(content: Mapping[str, object]) -> Proposal:
    """Irritable, sensitised tissue first needs calming (calm and load gradually); otherwise poor
    load transfer or loose joints point to stability, stiff joints to mobility. With findings
    for both, the side with more of them wins; a tie proposes nothing."""
    reasons: dict[str, list[str]] = {key: [] for key in CLASSIFICATION_LABELS}
    if recorded(content, "assessment", "irritability") == "high":
        reasons["calm_load"].append("high irritability")
    pain = recorded(content, "subjective", "nprs_now")
    if isinstance(pain, int) and pain >= CALM_PAIN:
        reasons["calm_load"].append(f"pain now {pain}/10")
    for side in ("left", "right"):
        aslr = recorded(content, "mobility", f"aslr_{side}")
        if isinstance(aslr, int) and aslr >= ASLR_POOR:
            reasons["stability"].append(f"ASLR {side} {aslr}/5 (poor load transfer)")
    mobility = recorded(content, "mobility", "joint_mobility")
    if mobility == "hypermobile":
        reasons["stability"].append("hypermobile joints")
    elif mobility == "hypomobile":
        reasons["mobility"].append("hypomobile joints")
    gillet = recorded(content, "mobility", "gillet")
    if isinstance(gillet, str) and gillet.startswith("hypomobile_"):
        reasons["mobility"].append(f"Gillet reduced on the {gillet.removeprefix('hypomobile_')}")
    flexion = recorded(content, "mobility", "standing_flexion")
    if isinstance(flexion, str) and flexion.startswith("positive_"):
        side = flexion.removeprefix("positive_")
        reasons["mobility"].append(f"standing flexion positive on the {side}")
    frozen = {key: tuple(found) for key, found in reasons.items()}
    if frozen["calm_load"]:
        return Proposal("calm_load", frozen)
    stability, mobility_count = len(frozen["stability"]), len(frozen["mobility"])
    if stability == mobility_count:
        return Proposal(None, frozen)
    return Proposal("stability" if stability > mobility_count else "mobility", frozen)


@dataclass(frozen=True)
class Interpretation:
    cluster: SiCluster
    fortin_positive: bool
    red_flags: tuple[str, ...]  # labels of the flags answered yes
    inflammatory_screen_due: bool  # young with long-standing pain: ask about the pattern
    lumbar_pattern: str  # empty, or why the picture points away from the SI joint
    odi: OswestryPercent | None
    psfs: float | None
    nprs_now: int | None
    proposal: Proposal

    def summary_lines(self) -> list[str]:
        """What the assessment panel and the report show, most important first."""
        lines = []
        if self.red_flags:
            lines.append("⚠ Red flags: " + ", ".join(self.red_flags) + ".")
        if self.inflammatory_screen_due:
            lines.append(
                "⚠ Under 45 with pain over 3 months: screen for an inflammatory back pain pattern."
            )
        lines.append("SI provocation cluster: " + self.cluster.text())
        if self.fortin_positive:
            lines.append("Fortin finger test positive: pain points to the PSIS.")
        if self.lumbar_pattern:
            lines.append(self.lumbar_pattern)
        if self.odi is not None:
            lines.append(f"Oswestry: {self.odi.text()}")
        if self.psfs is not None:
            lines.append(f"PSFS: {format_points(self.psfs)}/10")
        if self.nprs_now is not None:
            lines.append(f"Pain now: {self.nprs_now}/10")
        lines.append(self.proposal.text())
        return lines


def interpret(content: Mapping[str, object], *, age: int) -> Interpretation:
    """Everything the evaluation's findings say so far (``content`` as ``validate_content``
    returns it; ``age`` the patient's age in years on the evaluation day)."""
    flags = content.get("red_flags")
    red = tuple(
        label
        for key, label, _hint in RED_FLAGS
        if isinstance(flags, dict) and isinstance(flags.get(key), dict) and flags[key]["present"]
    )
    weeks = recorded(content, "subjective", "duration_weeks")
    long_standing = isinstance(weeks, int) and weeks > INFLAMMATORY_WEEKS
    inflammatory_answered = isinstance(flags, dict) and "inflammatory" in flags
    odi_answers = recorded(content, "outcomes", "odi")
    psfs_items = recorded(content, "outcomes", "psfs") or []
    scored = [
        PsfsActivity(str(item["activity"]), int(item["score"]))
        for item in psfs_items
        if item.get("score") is not None
    ]
    pain = recorded(content, "subjective", "nprs_now")
    fortin = recorded(content, "palpation", "fortin")
    lumbar = ""
    if recorded(content, "lumbar_hip", "repeated_movements") == "centralises":
        lumbar = (
            "⚠ Symptoms centralize with repeated movements: a lumbar source is more likely; "
            "SI joint dysfunction is a diagnosis of exclusion."
        )
    return Interpretation(
        cluster=cluster_of(content),
        fortin_positive=isinstance(fortin, str) and fortin.startswith("positive"),
        red_flags=red,
        inflammatory_screen_due=age < INFLAMMATORY_AGE
        and long_standing
        and not inflammatory_answered,
        lumbar_pattern=lumbar,
        odi=oswestry_percent(odi_answers) if isinstance(odi_answers, list) else None,
        psfs=psfs_score(scored),
        nprs_now=pain if isinstance(pain, int) else None,
        proposal=propose_classification(content),
    )
