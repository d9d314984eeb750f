from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """The calendar, the procedure rules, the holiday data and the recompute of stored deadlines.

    Imports nothing of the other apps: they call it, and it tells them through
    ``deadlines.recompute`` (a registry of the places that keep deadlines) when dates moved.
    """

    name = "deadlines"
    verbose_name = _("Deadlines and holidays")

    def ready(self):
        from deadlines import rules  # noqa: F401  (connects the holiday-data signals)
