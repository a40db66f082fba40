"""The evaluation report's findings as ReportLab flowables: each section of the form with only
what was recorded, in the form's own labels (``evaluation_form``), values in words a physician
reads at a glance ("Negative, 70°", "now 5/10 · worst 8/10"), the provocation tests as a table
with the cluster's verdict and rule, the outcome scores, and the assessment.

Used by ``evaluation_report``; kept apart so each module stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from ptclinic.services.evaluation import RULE_TEXT, Interpretation
from ptclinic.services.evaluation_form import (
    CLASSIFICATION_LABELS,
    FORM,
    ODI_SECTION_NAMES,
    PALPATION_SITES,
    PROVOCATION_TESTS,
    RED_FLAGS,
    SECTIONS,
    TEST_RESULTS,
    Finding,
    Kind,
    Section,
    recorded,
)
from ptclinic.services.outcomes import Measure, format_points
from ptclinic.services.pdf_style import (
    ACCENT,
    ALERT,
    COLUMN_FILL,
    FONT_BOLD,
    HEADING_FILL,
    MUTED,
    RULE,
    SMALL_SIZE,
    STRIPE,
    TEXT_WIDTH,
    markup,
    paragraph_style,
)

BODY = paragraph_style("report_body", leading=11.5)
LABEL = paragraph_style("report_label", fontName=FONT_BOLD)
ROW_LABEL = paragraph_style(
    "report_row_label", fontName=FONT_BOLD, fontSize=8.5, leading=11.5, textColor=MUTED
)
SMALL = paragraph_style("report_small", fontSize=SMALL_SIZE, leading=9.5, textColor=MUTED)
COLUMN = paragraph_style(
    "report_column", fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=MUTED
)
HEADING = paragraph_style("report_heading", fontName=FONT_BOLD, fontSize=11, leading=13)
FLAG_LABEL = ROW_LABEL.clone("report_flag_label", textColor=ALERT)
LABEL_WIDTH = 1.95 * inch
# Sections printed by their own functions below, not finding by finding.
SPECIAL = frozenset({"red_flags", "palpation", "provocation", "outcomes", "assessment"})
# The three pain ratings share one line: "now 5/10 · best 2/10 · worst 8/10".
PAIN_WORDS = {"nprs_now": "now", "nprs_best": "best", "nprs_worst": "worst"}
PAIN_LABEL = "Pain rating (NPRS)"
_SCALE = re.compile(r" \((?:\d+-\d+|degrees|weeks)\)")
# Interpretation lines the outcome table already shows.
SHOWN_IN_SCORES = ("Oswestry:", "PSFS:", "Pain now:")
# The software's own suggestion is for the therapist; the report gives the classification chosen.
NOT_FOR_THE_REPORT = ("Suggested:", "No classification suggested")
NOT_CHOSEN = "Not chosen yet"


def heading(title: str) -> Table:
    """A section's heading: a tinted band with the accent bar at its left."""
    band = Table([[Paragraph(markup(title), HEADING)]], colWidths=[TEXT_WIDTH])
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HEADING_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return band


def section_opening(title: str) -> list[Any]:
    """A section's start: on a new page unless the heading and a few lines fit here."""
    return [CondPageBreak(1.1 * inch), Spacer(1, 8), heading(title), Spacer(1, 3)]


def rows_table(rows: Sequence[tuple[str | Paragraph, str]], *, shaded: bool = False) -> Table:
    """Label and value rows (values already markup; a label is plain text or a paragraph of
    its own); long values break across pages."""
    data = [
        [label if isinstance(label, Paragraph) else Paragraph(markup(label), ROW_LABEL),
         Paragraph(value, BODY)]
        for label, value in rows
    ]  # fmt: skip
    table = Table(data, colWidths=[LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], splitInRow=1)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (0, -1), 3.6),  # the smaller label on the value's baseline
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
    ]
    if shaded:
        style += [("BACKGROUND", (0, 0), (-1, -1), STRIPE), ("BOX", (0, 0), (-1, -1), 0.6, RULE)]
    table.setStyle(TableStyle(style))
    return table


def grid_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
) -> Table:
    """A small table with a column header, striped rows."""
    data = [[Paragraph(markup(title).upper(), COLUMN) for title in header], *rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), COLUMN_FILL),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, STRIPE]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return table


def _lines(text: str) -> str:
    """Typed text as markup, its line breaks kept."""
    return markup(text.strip()).replace("\n", "<br/>")


# --- one finding ----------------------------------------------------------------------------


def _label(finding: Finding) -> str:
    """The form's label without its scale: "Straight leg raise (degrees), left" reads
    "Straight leg raise, left", so a test's result and its degrees share a line."""
    if finding.key in PAIN_WORDS:
        return PAIN_LABEL
    return _SCALE.sub("", finding.label)


def _value(finding: Finding, value: Any) -> str:
    """A recorded value as markup, in words."""
    kind = finding.kind
    if kind in (Kind.TEXT, Kind.NOTE):
        return _lines(str(value))
    if kind is Kind.CHOICE:
        return markup(finding.choice_label(str(value)))
    if kind is Kind.CHOICES:
        return markup(", ".join(finding.choice_label(v) for v in value))
    if kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if kind is Kind.SCORE:
        if finding.key in PAIN_WORDS:
            return f"{PAIN_WORDS[finding.key]} {value}/10"
        if "(degrees)" in finding.label:
            return f"{value}°"
        if "(weeks)" in finding.label:
            return f"{value} week" + ("" if value == 1 else "s")
        return f"{value}/{finding.high}"
    return markup(str(value))


def _section_rows(section: Section, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The section's recorded findings in the form's order; findings with the same label
    (a test and its degrees, the three pain ratings) share one row."""
    rows: dict[str, list[str]] = {}
    for finding in section.findings:
        value = values.get(finding.key)
        if value is None or value == "" or value == []:
            continue
        rows.setdefault(_label(finding), []).append(_value(finding, value))
    joiner = {PAIN_LABEL: "  ·  "}
    return [(label, joiner.get(label, ", ").join(parts)) for label, parts in rows.items()]


# --- sections -------------------------------------------------------------------------------


def _red_flags(content: Mapping[str, Any]) -> list[Any]:
    answers = content.get("red_flags") or {}
    if not answers:
        return []
    rows: list[tuple[str | Paragraph, str]] = [
        (
            Paragraph("▲ " + markup(label), FLAG_LABEL),
            f"<b>Present.</b> Action taken: {_lines(answers[key].get('action', ''))}",
        )
        for key, label, _hint in RED_FLAGS
        if answers.get(key, {}).get("present")
    ]
    absent = [
        label for key, label, _hint in RED_FLAGS if key in answers and not answers[key]["present"]
    ]
    missing = [label for key, label, _hint in RED_FLAGS if key not in answers]
    if absent and not rows and not missing:
        rows.append(("None present", markup("Screened negative: " + ", ".join(absent) + ".")))
    elif absent:
        rows.append(("Screened negative", markup(", ".join(absent))))
    if missing:
        rows.append(("Not answered", markup(", ".join(missing))))
    return [*section_opening(SECTIONS["red_flags"].title), rows_table(rows)]


def _palpation(values: Mapping[str, Any]) -> list[Any]:
    if not values:
        return []
    words = {True: "<b>Tender</b>", False: "Not tender", None: "—"}
    rows = [
        [
            Paragraph(markup(site), BODY),
            Paragraph(words[values.get(f"{key}_left")], BODY),
            Paragraph(words[values.get(f"{key}_right")], BODY),
        ]
        for key, site in PALPATION_SITES
        if values.get(f"{key}_left") is not None or values.get(f"{key}_right") is not None
    ]
    story = section_opening(SECTIONS["palpation"].title)
    if rows:
        width = (TEXT_WIDTH - LABEL_WIDTH) / 2
        story.append(grid_table(("Site", "Left", "Right"), rows, (LABEL_WIDTH, width, width)))
    fortin = SECTIONS["palpation"].finding("fortin")
    if fortin is not None and values.get("fortin"):
        story += [Spacer(1, 3), rows_table([(fortin.label, _value(fortin, values["fortin"]))])]
    return story


def _provocation(values: Mapping[str, Any], found: Interpretation) -> list[Any]:
    if not values:
        return []
    results = dict(TEST_RESULTS)
    rows = []
    for key, label in PROVOCATION_TESTS:
        test = values.get(key)
        if not test:
            continue
        positive = test["result"] == "positive"
        familiar = bool(test.get("familiar"))
        if key.startswith("faber"):
            counts = "Not a cluster test"
        elif test["result"] == "not_tested":
            counts = "—"
        elif positive and familiar:
            counts = "<b>Counted positive</b>"
        elif positive:
            counts = "Counted negative: not the familiar pain"
        else:
            counts = "Counted negative"
        rows.append(
            [
                Paragraph(markup(label), BODY),
                Paragraph(
                    f"<b>{results[test['result']]}</b>" if positive else results[test["result"]],
                    BODY,
                ),
                Paragraph(("Yes" if familiar else "No") if positive else "—", BODY),
                Paragraph(counts, BODY),
            ]
        )
    widths = (LABEL_WIDTH, 1.2 * inch, 1.5 * inch, TEXT_WIDTH - LABEL_WIDTH - 2.7 * inch)
    header = ("Test", "Result", "Familiar pain", "SI cluster")
    return [
        *section_opening(SECTIONS["provocation"].title),
        grid_table(header, rows, widths),
        Spacer(1, 5),
        Paragraph("<b>SI provocation cluster:</b> " + markup(found.cluster.text()), BODY),
        Spacer(1, 2),
        Paragraph(markup(RULE_TEXT), SMALL),
    ]


def findings(content: Mapping[str, Any], found: Interpretation) -> list[Any]:
    """Every examination section with something recorded, in the form's order (the outcome
    measures and the assessment come from their own functions)."""
    story: list[Any] = []
    for section in FORM:
        values = content.get(section.key) or {}
        if section.key == "red_flags":
            story += _red_flags(content)
        elif section.key == "palpation":
            story += _palpation(values)
        elif section.key == "provocation":
            story += _provocation(values, found)
        elif section.key not in SPECIAL and (rows := _section_rows(section, values)):
            story += [*section_opening(section.title), rows_table(rows)]
    return story


def outcome_scores(content: Mapping[str, Any], found: Interpretation) -> list[Any]:
    """The intake outcome measures as a table, with the MCIDs progress will be judged by."""
    rows: list[list[Any]] = []
    odi = recorded(content, "outcomes", "odi")
    if isinstance(odi, list) and any(a is not None for a in odi):
        sections = "  ·  ".join(
            f"{markup(name)} {score}" for name, score in zip(ODI_SECTION_NAMES, odi, strict=True)
            if score is not None
        )  # fmt: skip
        if found.odi is not None:
            score = f"<b>{format_points(found.odi)}%</b>"
            meaning = markup(found.odi.band.label)
            if found.odi.answered < len(odi):
                meaning += f" ({found.odi.answered} of {len(odi)} sections answered)"
        else:
            score, meaning = "Not scored", "Too few sections answered to score (at least 8 of 10)."
        detail = f"{meaning}<br/><font size='{SMALL_SIZE}'>Sections, each 0-5: {sections}</font>"
        rows.append([Measure.ODI.label, score, detail])
    pain = content.get("subjective") or {}
    if found.nprs_now is not None:
        others = [
            f"{word} {pain[key]}/10"
            for key, word in PAIN_WORDS.items()
            if key != "nprs_now" and pain.get(key) is not None
        ]
        rows.append(
            [
                Measure.NPRS.label,
                f"<b>{found.nprs_now}/10</b>",
                "Pain now" + (f"; {', '.join(others)}" if others else ""),
            ]
        )
    psfs = recorded(content, "outcomes", "psfs") or []
    if found.psfs is not None:
        listed = "<br/>".join(
            markup(f"{item['activity']}: {item['score']}/10")
            for item in psfs if item.get("score") is not None
        )  # fmt: skip
        rows.append(
            [
                Measure.PSFS.label,
                f"<b>{format_points(found.psfs)}/10</b>",
                f"Average of the activities (0 unable, 10 as before):<br/>{listed}",
            ]
        )
    if not rows:
        return []
    cells = [
        [Paragraph(markup(label), BODY), Paragraph(score, BODY), Paragraph(detail, BODY)]
        for label, score, detail in rows
    ]
    return [
        *section_opening("Outcome measures at intake"),
        grid_table(
            ("Measure", "Score", "What it means"),
            cells,
            (LABEL_WIDTH, 0.9 * inch, TEXT_WIDTH - LABEL_WIDTH - 0.9 * inch),
        ),
    ]


def assessment(content: Mapping[str, Any], found: Interpretation) -> list[Any]:
    """What the findings show, the classification and why, the problem list, impression and
    plan."""
    lines = [
        line
        for line in found.summary_lines()
        if not line.startswith(SHOWN_IN_SCORES + NOT_FOR_THE_REPORT)
    ]
    shown = []
    for line in lines:
        text = markup(line, symbols=True)
        shown.append(f"<b>{text}</b>" if line.startswith("⚠") else text)
    story = [
        *section_opening("Assessment"),
        Paragraph("What the findings show", LABEL),
        Spacer(1, 2),
        *[Paragraph(text, BODY, bulletText="•") for text in shown],
        Spacer(1, 6),
    ]
    values = content.get("assessment") or {}
    rows: list[tuple[str, str]] = []
    section = SECTIONS["assessment"]
    irritability = section.finding("irritability")
    if irritability is not None and values.get("irritability"):
        rows.append((irritability.label, _value(irritability, values["irritability"])))
    chosen = values.get("classification")
    suggested = found.proposal.classification
    if chosen:
        text = f"<b>{markup(CLASSIFICATION_LABELS[chosen])}</b>"
        if suggested and suggested != chosen:
            text += markup(f" (the findings suggested {CLASSIFICATION_LABELS[suggested]})")
    else:
        text = NOT_CHOSEN
    rows.append(("Classification", text))
    for key in ("classification_rationale", "problem_list", "impression", "plan_summary"):
        finding = section.finding(key)
        if finding is not None and str(values.get(key) or "").strip():
            rows.append((finding.label, _lines(values[key])))
    return [*story, rows_table(rows)]
