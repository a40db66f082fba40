"""What the intake examination's findings point to, computed as the therapist types.

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
        """ "3 of 6 positive (2 of the first 4): SI joint pain likely"."""
        if self.verdict is ClusterVerdict.NOT_TESTED:
            return "No provocation test recorded yet."
        counts = (
            f"{self.positive} of {self.tested} tested positive "
            f"({self.positive_of_four} of the first {self.tested_of_four})"
        )
        untested = len(SI_TESTS) - self.tested
        more = f"; {untested} not tested" if untested else ""
        words = {
            ClusterVerdict.LIKELY: "SI joint pain likely",
            ClusterVerdict.UNLIKELY: "SI joint pain unlikely",
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
