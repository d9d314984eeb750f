from .holidays import HolidayOverride, HolidayYear
from .substitutes import Substitution
from .work import WorkItem

__all__ = ["HolidayOverride", "HolidayYear", "Substitution", "WorkItem"]
