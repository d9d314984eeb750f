"""The filter of a case's timeline, shared by the auditors' console and the officers' case page
(``workflow.views.cases``): kind of event, who and a period, as GET parameters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors

EVENT_KIND_CHOICES = [("", _("Every kind of event")), ("procedure", _("Steps of the procedure")),
                      ("measures", _("Measures and restoration")), ("tasks", _("Tasks")),
                      ("letters", _("Letters")), ("materials", _("Uploaded material"))]


class TimelineForm(forms.Form):
    """The timeline's filters, as GET parameters (a filtered page can be bookmarked and shared)."""

    kind = forms.ChoiceField(label=_("Kind of event"), choices=EVENT_KIND_CHOICES, required=False)
    actor = forms.ChoiceField(label=_("Who"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone"))] + [
            (value, name or _("The system (automatic jobs)")) for value, name in actors]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def query(self) -> selectors.TimelineQuery:
        d = self.cleaned_data
        return selectors.TimelineQuery(kind=d.get("kind") or "", actor=d.get("actor") or "",
                                       date_from=d.get("date_from"), date_to=d.get("date_to"), page=d.get("page") or 1)
