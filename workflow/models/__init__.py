from .holidays import HolidayOverride, HolidayYear
from .work import WorkItem

__all__ = ["HolidayOverride", "HolidayYear", "WorkItem"]
