from ptclinic.ui.display import VNC_PLATFORM, choose_display


def _has(*names: str):  # type: ignore[no-untyped-def]
    return lambda name: name if name in names else None


def test_no_display_falls_back_to_vnc_for_the_demo_only() -> None:
    choice = choose_display({}, "linux", _has("xcb-cursor"), allow_vnc=True)
    assert choice.platform == VNC_PLATFORM and "VNC" in choice.notice and not choice.fatal
    real = choose_display({}, "linux", _has("xcb-cursor"))
    assert real.fatal and real.platform is None and "No graphical display" in real.notice


def test_x11_without_xcb_cursor_explains_the_missing_library() -> None:
    choice = choose_display({"DISPLAY": ":0"}, "linux", _has())
    assert choice.fatal and "apt-get install libxcb-cursor0" in choice.notice


def test_a_working_display_or_an_explicit_platform_is_left_alone() -> None:
    assert choose_display({"DISPLAY": ":0"}, "linux", _has("xcb-cursor")).platform is None
    assert choose_display({"QT_QPA_PLATFORM": "offscreen"}, "linux", _has()).notice == ""
    assert choose_display({}, "win32", _has()).notice == ""
