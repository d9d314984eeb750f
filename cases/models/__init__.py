from .entries import ListEntry, ListEntryStatePeriod, MeasureExecution, RestorationTask
from .catalogue import ListType, ListTypeMeasure, Measure, MeasureImplementer
from .registry import Region, StaffProfile, Unit, UnitListRole
from .rules import ProcedureRule
from .subjects import Subject, SubjectNameHistory

__all__ = [
    "ListEntry",
    "ListEntryStatePeriod",
    "MeasureExecution",
    "RestorationTask",
    "ListType",
    "ListTypeMeasure",
    "Measure",
    "MeasureImplementer",
    "ProcedureRule",
    "Region",
    "StaffProfile",
    "Subject",
    "SubjectNameHistory",
    "Unit",
    "UnitListRole",
]
