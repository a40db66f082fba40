"""The interpretation panel: the services' summary in order, warnings marked, the cluster's rule
in its tooltip, and what is not yet right on screen left out rather than failing."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ptclinic.services.evaluation import RULE_TEXT
from ptclinic.ui.evaluation.interpretation_panel import InterpretationPanel, interpretable

POSITIVE = {"result": "positive", "familiar": True}


def test_the_summary_shows_warnings_cluster_and_proposal(qtbot: QtBot) -> None:
    panel = InterpretationPanel(age=30)
    qtbot.addWidget(panel)
    panel.show_content(
        {
            "subjective": {"duration_weeks": 20, "nprs_now": 8},
            "provocation": {"distraction": POSITIVE, "sacral_thrust": POSITIVE},
        }
    )
    assert panel.lines() == [
        "⚠ Under 45 with pain over 3 months: screen for an inflammatory back pain pattern.",
        "SI provocation cluster: 2 of 2 tested positive (2 of the first four); "
        "4 not tested: SI joint pain likely.",
        "Pain now: 8/10",
        "Suggested: Calm and load gradually — pain now 8/10.",
    ]
    assert panel.labels[0].objectName() == "interpretationWarning"
    assert panel.cluster_label is panel.labels[1] and panel.labels[1].toolTip() == RULE_TEXT
    assert panel.proposal_label is panel.labels[3]
    assert not panel.use_button.isHidden()
    with qtbot.waitSignal(panel.use_classification) as used:
        panel.use_button.click()
    assert used.args == ["calm_load"]
    panel.set_read_only(True)
    assert panel.use_button.isHidden()


def test_what_cannot_be_read_yet_is_left_out() -> None:
    content = {
        "subjective": {"nprs_now": 4},
        "outcomes": {"psfs": [{"activity": "", "score": 3}]},  # a score with no activity
    }
    assert interpretable(content) == {"subjective": {"nprs_now": 4}}
