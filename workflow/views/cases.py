"""The case page: facts, attachments (name, size, SHA-256), deadlines and how they were computed,
the timeline, the letters, and the entry's measure executions per implementing unit."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.audit.forms import TimelineForm
from cases.audit.selectors import TimelineQuery, case_actors
from cases.models import Attachment
from cases.presentation import present
from config.downloads import file_download
from deadlines.countdown import CountdownClock
from letters.models import Letter
from workflow.case_view import ACTION_LABELS, case_attachment, case_letters, case_timeline_page, case_view

from .common import officer_page
from .queue import STEPS


@officer_page
def case_page(request, kind: str, pk: int):
    view = case_view(user=request.user, kind=kind, pk=pk)
    if view is None:  # another unit's case looks exactly like one that does not exist
        raise Http404(_("No such case."))
    # The timeline filtered and paged as the auditors' is: a bad filter value is a message beside its
    # field (400), the rest of the page as always.
    timeline_form = TimelineForm(request.GET or None, actors=case_actors(chains=view.chains))
    timeline, status = None, 200
    if not timeline_form.is_bound or timeline_form.is_valid():
        timeline = case_timeline_page(view, timeline_form.query() if timeline_form.is_bound else TimelineQuery())
    else:
        status = 400
    params = request.GET.copy()
    params.pop("page", None)
    clock = CountdownClock()
    tasks = [{"work": w, "task": w.task, "step_label": STEPS.get(w.step, w.step), "countdown": w.countdown(clock)}
             for w in view.tasks]
    return render(request, "workspace/case.html", {
        "view": view, "case": view.case, "entry": view.entry, "kind": view.kind, "tasks": tasks,
        "attachment_kinds": dict(Attachment.Kind.choices), "action_labels": ACTION_LABELS, "section": "queue",
        # The stepper the applicant sees on the portal (cases.presentation), with the same dates.
        "presentation": present(view.case, clock=clock) if view.kind != "entry" else None,
        "letters_pending": _pending(view.letters),
        "timeline": timeline, "timeline_form": timeline_form, "params": params.urlencode(),
        "filtered": any(request.GET.get(name) for name in ("kind", "actor", "date_from", "date_to")),
    }, status=status)


def _pending(letters) -> bool:
    return any(letter.status == Letter.Status.PENDING for letter in letters)


@officer_page
def case_letters_box(request, kind: str, pk: int):
    """The letters box alone: the case page asks for it while a letter is being produced (after the
    step's response, by the worker), and the box stops asking once none is pending."""
    letters = case_letters(user=request.user, kind=kind, pk=pk)
    if letters is None:
        raise Http404(_("No such case."))
    return render(request, "workspace/_letters.html", {
        "letters": letters, "letters_pending": _pending(letters), "kind": kind, "case_pk": pk})


@officer_page
def attachment_download(request, kind: str, pk: int, attachment_id: int):
    """The file as uploaded; the page lists its SHA-256 so the reader can check it."""
    attachment = case_attachment(user=request.user, kind=kind, pk=pk, attachment_id=attachment_id)
    if attachment is None or not attachment.file:
        raise Http404(_("No such attachment."))
    return file_download(attachment.file.open("rb"), filename=attachment.original_name,
                         content_type=attachment.content_type)
