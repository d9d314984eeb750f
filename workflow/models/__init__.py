from .substitutes import Substitution
from .work import WorkItem

__all__ = ["Substitution", "WorkItem"]
