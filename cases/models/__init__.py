from .entries import ListEntry, ListEntryStatePeriod, MeasureExecution, RemovalBatch, RestorationTask
from .intake import Attachment, ChaseUp
from .objections import ObjectionCase
from .repairs import RepairCase
from .catalogue import CatalogueVersion, ListType, ListTypeMeasure, Measure, MeasureImplementer
from .registry import Region, StaffProfile, Unit, UnitListRole
from .rules import ProcedureRule
from .subjects import ListedSubject, Subject, SubjectNameHistory

__all__ = [
    "Attachment",
    "CatalogueVersion",
    "ChaseUp",
    "ObjectionCase",
    "RepairCase",
    "ListEntry",
    "ListEntryStatePeriod",
    "ListedSubject",
    "RemovalBatch",
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
from .imports import ApiToken, ImportBatch, ImportedRecord, ImportJob, ImportRowError  # noqa: E402

__all__ += ["ApiToken", "ImportBatch", "ImportedRecord", "ImportJob", "ImportRowError"]
from .code_checks import QueryCodeLockout  # noqa: E402

__all__ += ["QueryCodeLockout"]
