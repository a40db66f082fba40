"""Administration screens: staff accounts, rooms, clinic settings and the audit log."""

from ptclinic.ui.admin.page import AdministrationPage

__all__ = ["AdministrationPage"]
