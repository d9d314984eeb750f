from .catalogue import ListType, ListTypeMeasure, Measure, MeasureImplementer
from .registry import Region, StaffProfile, Unit, UnitListRole
from .rules import ProcedureRule
from .subjects import Subject, SubjectNameHistory

__all__ = [
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
