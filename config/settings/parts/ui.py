"""Settings owned by the ui area; star-imported at the end of base.py."""
