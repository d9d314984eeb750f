"""The auditors' console pages. GET only (anything else is 405); auditors only (others 403); a case
outside the auditor's scope is 404. Thin: parse, call a selector, render."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cases.errors import Forbidden, NotFound
from cases.labels import bracket, comma
from cases.models import ListType
from config.downloads import file_download

from .. import selectors
from ..bundle import bundle_build, bundle_filename
from ..forms import TimelineForm
from .history import case_as_of, case_attachments, case_letters, case_verification
from .timeline import case_facts, rows_for

KIND_CHOICES = [("", _("All case types")), ("entry", _("List entry")), ("objection", _("Objection")),
                ("repair", _("Credit repair"))]


def auditor_page(view):
    """Signed-in auditors only; selectors' NotFound / Forbidden become 404 / 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            selectors.auditor_profile(request.user)
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from None
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None

    return require_safe(wrapped)


class FinderForm(forms.Form):
    q = forms.CharField(label=_("Case number, subject code or name"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Case type"), choices=KIND_CHOICES, required=False)
    unit = forms.ChoiceField(label=_("Responsible unit"), required=False)
    list_type = forms.ModelChoiceField(label=_("List"), queryset=ListType.objects.order_by("kind", "code"),
                                       required=False, to_field_name="code", empty_label=_("All lists"))
    date_from = forms.DateField(label=_("Filed or drafted from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units or []}
        self.fields["unit"].choices = [("", _("All units in my scope"))] + [(u.code, u.name) for u in units or []]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def query(self) -> selectors.FinderQuery:
        d = self.cleaned_data
        return selectors.FinderQuery(q=d.get("q") or "", kind=d.get("kind") or "", unit=self.units.get(d.get("unit")),
                                     list_type=d.get("list_type"), date_from=d.get("date_from"),
                                     date_to=d.get("date_to"), page=d.get("page") or 1)


@auditor_page
def finder(request):
    units = list(selectors.scope_units(user=request.user).order_by("region__code", "code"))
    form = FinderForm(request.GET or None, units=units)
    result, status = None, 200
    if form.is_bound:
        if form.is_valid():
            result = selectors.find_cases(user=request.user, query=form.query())
        else:
            status = 400
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "result": result, "params": params.urlencode(), "units": units}
    template = "audit/_results.html" if request.htmx else "audit/finder.html"
    return render(request, template, context, status=status)


def _case(request, kind: str, pk: int):
    return selectors.case_for(user=request.user, kind=kind, pk=pk)


@auditor_page
def case_timeline(request, kind: str, pk: int):
    """The case's events, filtered by kind, actor and period and paged: a bad filter value is a
    message beside its field (400), never an error page."""
    case = _case(request, kind, pk)
    form = TimelineForm(request.GET or None, actors=selectors.case_actors(chains=case.chain_names))
    timeline, rows, status = None, [], 200
    if not form.is_bound or form.is_valid():
        query = form.query() if form.is_bound else selectors.TimelineQuery()
        timeline = selectors.case_timeline(chains=case.chain_names, query=query)
        rows = rows_for(case, timeline.events)
    else:
        status = 400
    params = request.GET.copy()
    params.pop("page", None)
    filtered = any(request.GET.get(name) for name in ("kind", "actor", "date_from", "date_to"))
    return render(request, "audit/case.html", {
        "case": case, "facts": case_facts(case), "rows": rows, "tab": "timeline", "form": form,
        "timeline": timeline, "params": params.urlencode(), "filtered": filtered,
        "letters": case_letters(case), "attachments": case_attachments(case),
    }, status=status)


class AsOfForm(forms.Form):
    at = forms.DateTimeField(label=_("Date and time"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


@auditor_page
def case_as_of_page(request, kind: str, pk: int):
    case = _case(request, kind, pk)
    form = AsOfForm(request.GET or None)
    state, status = None, 200
    if form.is_bound:
        if form.is_valid():
            moment = form.cleaned_data["at"]
            if len(request.GET.get("at", "")) == 10:  # a date alone: as it stood at the end of that day
                moment = timezone.make_aware(dt.datetime.combine(timezone.localdate(moment), dt.time.max))
            events = selectors.case_events(case)
            state = case_as_of(case, moment, events)
            state.rows = rows_for(case, state.events)
        else:
            status = 400
    return render(request, "audit/as_of.html", {"case": case, "facts": case_facts(case), "form": form,
                                                "state": state, "tab": "as_of"}, status=status)


@auditor_page
def case_verify(request, kind: str, pk: int):
    case = _case(request, kind, pk)
    return render(request, "audit/verify.html", {"case": case, "facts": case_facts(case),
                                                 "result": case_verification(case), "tab": "verify"})


@auditor_page
def case_bundle(request, kind: str, pk: int):
    case = _case(request, kind, pk)
    user = request.user
    exported_by = (f"{user.get_full_name() or user.get_username()} "
                   f"{bracket(user.get_username() + comma() + user.staff.unit.name)}")
    archive = bundle_build(case=case, exported_by=exported_by, facts=case_facts(case),
                           language=translation.get_language())
    return file_download(archive, filename=bundle_filename(case), content_type="application/zip")


@auditor_page
def case_letter(request, kind: str, pk: int, letter_id: int):
    case = _case(request, kind, pk)
    letter = next((item for item in case_letters(case) if item.pk == letter_id), None)
    if letter is None:
        raise Http404()
    return file_download(letter.pdf.open("rb"), content_type="application/pdf",
                         filename=f"{letter.document_number or letter.title}.pdf")


@auditor_page
def case_attachment(request, kind: str, pk: int, attachment_id: int):
    case = _case(request, kind, pk)
    attachment = next((item for item in case_attachments(case) if item.pk == attachment_id), None)
    if attachment is None:
        raise Http404()
    return file_download(attachment.file.open("rb"), content_type=attachment.content_type,
                         filename=attachment.original_name)
