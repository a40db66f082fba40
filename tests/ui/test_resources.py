import re
from pathlib import Path

from ptclinic.ui.resources import style_sheet


def test_every_image_the_style_sheet_names_is_shipped() -> None:
    urls = re.findall(r"url\(([^)]+)\)", style_sheet())
    assert urls, "the combo-box and spin-box arrows are drawn from shipped icons"
    assert "@ICONS@" not in style_sheet()
    missing = [url for url in urls if not Path(url).is_file()]
    assert missing == []
