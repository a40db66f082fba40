"""Choosing where the window goes before Qt starts.

Qt aborts the whole process, with a message few people can act on, when it finds no display or
the X11 plugin's system libraries are missing. We look first and either explain or fall back to
Qt's built-in VNC server so the app can still be used from another computer.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

VNC_PORT = 5900
VNC_PLATFORM = f"vnc:size=1366x768:port={VNC_PORT}"


@dataclass(frozen=True)
class DisplayChoice:
    platform: str | None  # value for QT_QPA_PLATFORM, or None to let Qt decide
    notice: str  # what to tell the person, or ""
    fatal: bool = False


def _loadable(name: str) -> bool:
    """Whether the shared library lib<name>.so.0 loads. Asking the dynamic loader directly is
    instant; ctypes.util.find_library runs ldconfig, which would slow every start-up."""
    try:
        ctypes.CDLL(f"lib{name}.so.0")
    except OSError:
        return False
    return True


def choose_display(
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    has_library: object = _loadable,
    *,
    allow_vnc: bool = False,
) -> DisplayChoice:
    """Decide the Qt platform. VNC is offered only for the demo clinic: Qt's VNC server has no
    password and listens on every network interface, which is no place for real patient data."""
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM") or not platform.startswith("linux"):
        return DisplayChoice(None, "")
    if env.get("WAYLAND_DISPLAY"):
        return DisplayChoice(None, "")
    if not env.get("DISPLAY"):
        if not allow_vnc:
            return DisplayChoice(
                None,
                "No graphical display was found on this computer. Start PT Clinic from a "
                "desktop session (or try the demo clinic with: ptclinic --demo).",
                fatal=True,
            )
        return DisplayChoice(
            VNC_PLATFORM,
            "No graphical display was found on this computer, so PT Clinic is showing its "
            f"window over VNC instead: connect a VNC viewer to this machine, port {VNC_PORT} "
            "(for example localhost:5900). Press Ctrl+C here to stop.",
        )
    assert callable(has_library)
    if not has_library("xcb-cursor"):
        return DisplayChoice(
            None,
            "Qt needs the system library libxcb-cursor0 to open windows on X11. Install it "
            "once with: sudo apt-get install libxcb-cursor0",
            fatal=True,
        )
    return DisplayChoice(None, "")


def prepare_display(*, allow_vnc: bool = False) -> bool:
    """Set QT_QPA_PLATFORM if needed and print any notice. False means the app cannot start."""
    choice = choose_display(allow_vnc=allow_vnc)
    if choice.notice:
        print(choice.notice, file=sys.stderr)
    if choice.platform:
        os.environ["QT_QPA_PLATFORM"] = choice.platform
    return not choice.fatal
