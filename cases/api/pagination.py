import re

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from cases.errors import ValidationFailed

DIGITS = re.compile(r"^[0-9]+$")


class Pagination(PageNumberPagination):
    """Pages as the schema states them: ``page`` ≥ 1 (a page past the last is 404), ``page_size``
    1–500; a ``page_size`` that is not such a number is a 400 naming it, not silently the default."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not DIGITS.match(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationFailed(fields={self.page_size_query_param: [
                ("invalid", _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size})]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
