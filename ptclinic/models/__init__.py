"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from ptclinic.models.appointment import Appointment, AppointmentStatus
from ptclinic.models.audit import AuditEvent
from ptclinic.models.base import Base
from ptclinic.models.care_plan import (
    CarePlan,
    CarePlanGoal,
    CarePlanItem,
    CarePlanItemChange,
    ClinicExercise,
    GoalRule,
    GoalStatus,
    GoalTerm,
    ItemKind,
)
from ptclinic.models.clinic import ClinicSettings, Counter
from ptclinic.models.clinical import (
    EpisodeDiagnosis,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
    OutcomeResult,
)
from ptclinic.models.notes import (
    BillingSettings,
    ClinicalNote,
    CptFee,
    NoteAddendum,
    NoteCharge,
    NoteKind,
    PlanCertification,
)
from ptclinic.models.patient import EpisodeOfCare, Patient
from ptclinic.models.scheduling import (
    AppointmentSeries,
    ClosedDay,
    OpeningHours,
    TimeOff,
    VisitType,
    WaitlistEntry,
    WaitlistStatus,
    WorkingHours,
)
from ptclinic.models.staff import Role, Room, Staff

__all__ = [
    "Appointment",
    "AppointmentSeries",
    "AppointmentStatus",
    "AuditEvent",
    "Base",
    "BillingSettings",
    "CarePlan",
    "CarePlanGoal",
    "CarePlanItem",
    "CarePlanItemChange",
    "ClinicExercise",
    "ClinicSettings",
    "ClinicalNote",
    "ClosedDay",
    "Counter",
    "CptFee",
    "EpisodeDiagnosis",
    "EpisodeOfCare",
    "Evaluation",
    "EvaluationAddendum",
    "EvaluationStatus",
    "GoalRule",
    "GoalStatus",
    "GoalTerm",
    "ItemKind",
    "NoteAddendum",
    "NoteCharge",
    "NoteKind",
    "OpeningHours",
    "OutcomeResult",
    "Patient",
    "PlanCertification",
    "Role",
    "Room",
    "Staff",
    "TimeOff",
    "VisitType",
    "WaitlistEntry",
    "WaitlistStatus",
    "WorkingHours",
]
