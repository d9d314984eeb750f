"""Procedure rules live in the deadlines app; the domain names them from here as before."""

from deadlines.models import ProcedureRule

__all__ = ["ProcedureRule"]
