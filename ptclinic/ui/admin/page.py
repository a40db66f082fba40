"""The Administration page: staff, rooms, clinic settings and the audit log, one tab each.

A tab appears only when the actor's role grants its permission; the services check again on
every call, so hiding a tab is a courtesy, not the protection.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.admin.audit_tab import AuditTab
from ptclinic.ui.admin.billing_tab import BillingTab
from ptclinic.ui.admin.rooms_tab import RoomsTab
from ptclinic.ui.admin.scheduling_tab import SchedulingTab
from ptclinic.ui.admin.settings_tab import SettingsTab
from ptclinic.ui.admin.staff_tab import StaffTab

TabFactory = Callable[[Database, Actor], QWidget]

# (permission, tab label with its Alt+letter, factory). The letters are chosen not to clash with
# the buttons inside any tab, since the tab bar's shortcuts are live whichever tab is showing.
TABS: tuple[tuple[Permission, str, TabFactory], ...] = (
    (Permission.MANAGE_STAFF, "&Staff", StaffTab),
    (Permission.MANAGE_ROOMS, "&Rooms", RoomsTab),
    (Permission.MANAGE_SETTINGS, "Cli&nic settings", SettingsTab),
    # No mnemonic: every free letter of "Scheduling" is taken by the Go menu or another tab.
    (Permission.MANAGE_SETTINGS, "Scheduling", SchedulingTab),
    (Permission.MANAGE_SETTINGS, "&Billing", BillingTab),
    (Permission.VIEW_AUDIT_LOG, "Audit &log", AuditTab),
)


class AdministrationPage(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("administrationPage")
        title = QLabel("Administration")
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.staff_tab: StaffTab | None = None
        self.rooms_tab: RoomsTab | None = None
        self.settings_tab: SettingsTab | None = None
        self.scheduling_tab: SchedulingTab | None = None
        self.billing_tab: BillingTab | None = None
        self.audit_tab: AuditTab | None = None
        for permission, label, factory in TABS:
            if can(actor, permission):
                tab = factory(db, actor)
                self.tabs.addTab(tab, label)
                self._remember(tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        if self.tabs.count():
            layout.addWidget(self.tabs, 1)
        else:
            nothing = QLabel(
                "Your role has no administration tasks. "
                "Ask an administrator if you need to change staff, rooms or settings."
            )
            nothing.setObjectName("hint")
            nothing.setWordWrap(True)
            layout.addWidget(nothing)
            layout.addStretch(1)
            self.tabs.hide()

    def _remember(self, tab: QWidget) -> None:
        if isinstance(tab, StaffTab):
            self.staff_tab = tab
        elif isinstance(tab, RoomsTab):
            self.rooms_tab = tab
        elif isinstance(tab, SettingsTab):
            self.settings_tab = tab
        elif isinstance(tab, SchedulingTab):
            self.scheduling_tab = tab
        elif isinstance(tab, BillingTab):
            self.billing_tab = tab
        elif isinstance(tab, AuditTab):
            self.audit_tab = tab

    def tab_labels(self) -> list[str]:
        """The visible tabs' names without their mnemonic ampersands."""
        return [self.tabs.tabText(i).replace("&", "") for i in range(self.tabs.count())]

    def has_unsaved_work(self) -> bool:
        """True when settings, hours or the threshold were edited and not saved (the window
        asks first)."""
        tabs = (self.settings_tab, self.scheduling_tab, self.billing_tab)
        return any(tab is not None and tab.has_unsaved_work() for tab in tabs)
