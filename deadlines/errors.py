"""The deadlines app's own errors. They carry the same attributes as the domain's errors
(``status``, ``code``, ``message``, ``fields``, ``extra``) so that the one error map of the front
doors renders them alike, without this app importing the domain."""

from django.utils.translation import gettext_lazy as _


class DeadlinesError(Exception):
    status = 400
    code = "deadlines_error"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(str(self.message))
