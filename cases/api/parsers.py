"""The API's JSON parser: every JSON body this API takes is an object. A body of ``1``, ``"x"``,
``[]`` or ``null`` is a clear 400 here, never an AttributeError deep in a view."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object, e.g. {\"reason\": \"…\"}."))
        return data
