"""The evaluation window's own style rules, on top of the clinic style sheet (same palette: one
teal accent, red only for warnings, which also carry the ⚠ mark)."""

EVALUATION_STYLE = """
QFrame#segmented { border: 2px solid transparent; border-radius: 6px; }
QFrame#segmented[focused="true"] { border: 2px solid #0f7c80; }
QPushButton#segment { border-radius: 0; padding: 4px 10px; min-height: 20px; background: white;
    border: 1px solid #8fa3aa; }
QPushButton#segment[compact="true"] { padding: 4px 0; min-width: 28px; }
QPushButton#segment[first="true"] { border-top-left-radius: 4px; border-bottom-left-radius: 4px; }
QPushButton#segment[last="true"] { border-top-right-radius: 4px; border-bottom-right-radius: 4px; }
QPushButton#segment:hover { background: #eaf4f4; }
QPushButton#segment[outlined="true"] { border: 2px dashed #0f7c80; background: #eaf4f4; }
QPushButton#segment:checked { background: #0f7c80; color: white; border-color: #0b5f62; }
QLabel#findingLabel { color: #1f2d33; padding-top: 5px; }
QLabel#sideLabel { color: #4a5a60; padding-top: 5px; }
QFrame#interpretationPanel { background: white; border: 1px solid #c5d0d4; border-radius: 6px; }
QFrame#interpretationPanel QScrollArea, QWidget#interpretationBody { background: white; }
QLabel#interpretationWarning { color: #a32020; font-weight: 600; }
QLabel#interpretationCluster { color: #12343a; font-weight: 600; }
QLabel#interpretationProposal { color: #12343a; background: #e3f1f1; border: 1px solid #b7d7d8;
    border-radius: 4px; padding: 6px; }
QLabel#evaluationStatus { color: #12343a; font-size: 11pt; font-weight: 600; }
QFrame#recoveryBar { background: #fff6dc; border: 1px solid #e8d48a; border-radius: 4px; }
QFrame#recoveryBar QLabel { color: #5c4400; }
QFrame#addendum { background: white; border: 1px solid #c5d0d4; border-radius: 4px; }
QLabel#addendumHeading { font-weight: 600; color: #1f2d33; }
QLabel#odiScore, QLabel#psfsScore { font-weight: 600; color: #12343a; padding-top: 4px; }
"""

# A read-only evaluation: fields lose their white "type here" look and the chosen answers
# stay clear in a quieter teal.
LOCKED_STYLE = """
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QComboBox { background: #eef2f3;
    border: 1px solid #d9e1e3; color: #1f2d33; }
QPushButton#segment { background: #eef2f3; border-color: #d9e1e3; color: #5b6b70; }
QPushButton#segment:checked { background: #cfe6e6; color: #0b3f42; border-color: #8fc0c1;
    font-weight: 600; }
"""
