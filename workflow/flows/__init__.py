"""Viewflow flows, one file per case type. Flows route tasks to units and call services; the
rules live in the services and the FSMs (style.md)."""
