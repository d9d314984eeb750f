"""The guided filing of an objection or a repair application: subject → entry → details →
applicant → attachments (uploaded with progress) → review → the case number and query code, shown
once. Each step validates its own fields; the submission calls the same service as the public API,
which checks everything again and writes atomically."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.errors import DomainError, ValidationFailed
from cases.models import ObjectionCase, RepairCase
from cases.services import intake
from cases.services import objections as objection_services
from cases.services import repairs as repair_services

from ._common import _posted
from .. import access, selectors
from ..drafts import STEPS, Draft
from ..prefill import parse_prefill
from ..presentation import case_view
from ..forms import (
    ApplicantForm, EntryForm, ObjectionDetailsForm, RepairDetailsForm, SubjectForm, UploadForm,
)


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    help: str = ""
    required: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    repairable: bool
    details_form: type
    groups: tuple[Group, ...]


KINDS = {
    "objection": Kind("objection", _("File an objection"), False, ObjectionDetailsForm, (
        Group("attachments", _("Evidence"), _("Documents that show the information is wrong (optional).")),
    )),
    "repair": Kind("repair", _("Apply for credit repair"), True, RepairDetailsForm, (
        Group("proof", _("Proof of performance"), _("For example a tax payment certificate or a court's "
                                                     "certificate of performance. Required."), required=True),
        Group("commitment", _("Signed credit commitment letter (信用承诺书)"),
              _("If you have not signed it yet, leave this empty: the form is issued with your case, to "
                "download, sign and add on the case page.")),
        Group("attachments", _("Other material"), _("Anything else the rule asks for (optional).")),
    )),
}

STEP_LABELS = {
    "subject": _("Subject"), "entry": _("List entry"), "details": _("Details"), "applicant": _("Applicant"),
    "attachments": _("Attachments"), "review": _("Review and submit"),
}
FIELD_STEPS = {
    "subject": "subject", "identifier": "subject", "entry": "entry", "target": "details", "grounds": "details",
    "performance": "details", "applicant_name": "applicant", "applicant_contact": "applicant",
    "attachments": "attachments", "proof": "attachments", "commitment": "attachments",
}


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise Http404
    return KINDS[name]


def _step_url(kind: Kind, step: str) -> str:
    return reverse("portal:file-step", args=[kind.name, step])


def _context(kind: Kind, step: str, draft: Draft, **extra) -> dict:
    steps = [{"name": s, "label": STEP_LABELS[s], "number": i + 1, "current": s == step,
              "done": s in draft.state["done"], "url": _step_url(kind, s)} for i, s in enumerate(STEPS)]
    return {"kind": kind, "step": step, "step_label": STEP_LABELS[step], "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS), "steps": steps, "draft": draft, **extra}


def file_start(request, kind: str):
    """Start or resume a filing. A link may carry the codes (``?subject=…&entry=…``, from a public
    search result): a new filing then starts with the subject step filled in and the entry
    chosen in advance; a code that cannot be used is dropped with a message."""
    kind = _kind(kind)
    prefill = parse_prefill(request.GET)
    if request.GET.get("new") or prefill.given:
        Draft(request, kind.name).clear()
    draft = Draft(request, kind.name)
    if prefill.given:
        _prefill(request, kind, draft, prefill)
    return redirect(_step_url(kind, draft.first_open()))


def _prefill(request, kind, draft, prefill) -> None:
    for problem in prefill.problems:
        messages.warning(request, problem)
    values = {"entry": prefill.entry} if prefill.entry else {}
    if prefill.subject:
        form = SubjectForm({"subject": prefill.subject}, repairable=kind.repairable)
        if form.is_valid():
            values["subject"] = form.cleaned_data["subject"]
            if prefill.entry and prefill.entry not in {e.pk for e in form.found.entries}:
                values.pop("entry")
                messages.warning(request, _("The list entry in the link is not a listed entry of this subject: "
                                            "choose the entry in the next step."))
        else:
            values.pop("entry", None)
            for problem in form.errors["subject"]:
                messages.warning(request, _("The subject code in the link cannot be used: %(reason)s")
                                 % {"reason": problem})
    elif prefill.entry:
        messages.info(request, _("The public lists mask a person's ID number: enter it in full. The entry "
                                 "you chose will be selected in the next step."))
    draft.prefill(values)


def file_step(request, kind: str, step: str):
    kind = _kind(kind)
    if step not in STEPS:
        raise Http404
    draft = Draft(request, kind.name)
    if STEPS.index(step) > STEPS.index(draft.first_open()):
        return redirect(_step_url(kind, draft.first_open()))
    return STEP_VIEWS[step](request, kind, draft)


def _form_step(request, kind, draft, step, form):
    if request.method == "POST" and form.is_valid():
        draft.complete(step, {k: v for k, v in form.cleaned_data.items()})
        return redirect(_step_url(kind, draft.first_open()))
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/file_step.html", _context(kind, step, draft, form=form), status=status)


def _subject(request, kind, draft):
    form = SubjectForm(_posted(request), initial={"subject": draft.data.get("subject", "")},
                       repairable=kind.repairable)
    return _form_step(request, kind, draft, "subject", form)


def _entry(request, kind, draft):
    found = selectors.subject_entries(code=draft.data["subject"], repairable=kind.repairable)
    form = EntryForm(_posted(request), initial={"entry": draft.data.get("entry")}, entries=found.entries,
                     check_repair=kind.repairable)
    if request.method == "POST" and form.is_valid():
        draft.complete("entry", {"entry": form.cleaned_data["entry"]})
        return redirect(_step_url(kind, draft.first_open()))
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/file_step.html",
                  _context(kind, "entry", draft, form=form, subject=found.subject), status=status)


def _details(request, kind, draft):
    initial = {k: draft.data[k] for k in ("target", "grounds", "performance") if k in draft.data}
    return _form_step(request, kind, draft, "details", kind.details_form(_posted(request), initial=initial))


def _applicant(request, kind, draft):
    initial = {k: draft.data[k] for k in ("applicant_name", "applicant_contact") if k in draft.data}
    user = request.user
    if user.is_authenticated and "applicant_name" not in initial:
        initial["applicant_name"] = user.get_full_name() or ""
        initial["applicant_contact"] = user.email or ""
    return _form_step(request, kind, draft, "applicant", ApplicantForm(_posted(request), initial=initial))


def _attachments(request, kind, draft):
    """The attachments step is one form holding every group's file input, so a file chosen but not
    uploaded is posted with 下一步 (without script too) and checked and kept before the step is
    done; a refused file keeps the visitor on the step with the reason. 上传 (``upload``) posts the
    same form and stays on the step."""
    errors: dict[str, list] = {}
    if request.method == "POST":
        errors = _keep_posted_files(request, kind, draft)
        if errors or request.POST.get("upload"):
            if errors:
                return _render_attachments(request, kind, draft, errors)
            return redirect(_step_url(kind, "attachments"))
        missing = [g for g in kind.groups if g.required and not draft.files_of(g.name)]
        if not missing:
            draft.complete("attachments", {})
            return redirect(_step_url(kind, draft.first_open()))
        errors = {g.name: [_("Attach at least one file here.")] for g in missing}
    return _render_attachments(request, kind, draft, errors)


def _keep_posted_files(request, kind, draft) -> dict[str, list]:
    """Each group's chosen files (input ``files-<group>``) checked and kept; messages per group."""
    posted = {g.name: request.FILES.getlist(f"files-{g.name}") for g in kind.groups}
    posted = {group: files for group, files in posted.items() if files}
    if posted and access.throttled(request):
        return {group: [_("Too many requests from your address. Please wait a minute and try again.")]
                for group in posted}
    errors = {}
    for group, files in posted.items():
        refused = _keep_files(draft, UploadForm({"group": group}, MultiValueDict({"files": files})))
        if refused:
            errors[group] = refused
    return errors


def _keep_files(draft, form) -> list[str]:
    """One group's files checked (proven by decoding, size, count: ``intake.attachments_check``)
    and kept with the draft; the reasons when they are refused (then none of them is kept)."""
    if not form.is_valid():
        return [m for messages in form.errors.values() for m in messages]
    files = form.cleaned_data["files"]
    try:
        if len(draft.files) + len(files) > intake.MAX_FILES:
            raise ValidationFailed(fields={"attachments": [
                ("too_many", _("At most %(n)s files.") % {"n": intake.MAX_FILES})]})
        draft.add_files(form.cleaned_data["group"], intake.attachments_check(files))
    except ValidationFailed as err:
        return [str(m) for field_errors in err.fields.values() for _c, m in field_errors]
    return []


def _render_attachments(request, kind, draft, errors):
    status = 400 if errors else 200
    return render(request, "portal/file_attachments.html",
                  _context(kind, "attachments", draft, errors=errors or {}, groups=_groups(kind, draft)),
                  status=status)


def _groups(kind, draft):
    return [{"group": g, "files": draft.files_of(g.name)} for g in kind.groups]


@require_POST
def file_upload(request, kind: str):
    """One group's files (``group``, ``files``), as the page's script sends them when a file is
    chosen: checked before they are kept with the draft; a refused file is a message under its
    group. An htmx request gets the attachment list back (its progress bar is driven by the XHR),
    with ``X-Upload-Refused`` set when the files were refused."""
    kind = _kind(kind)
    draft = Draft(request, kind.name)
    group = request.POST.get("group", "")
    if group not in {g.name for g in kind.groups}:
        raise Http404
    errors: dict[str, list] = {}
    if access.throttled(request):
        errors[group] = [_("Too many requests from your address. Please wait a minute and try again.")]
    else:
        refused = _keep_files(draft, UploadForm(request.POST, request.FILES))
        if refused:
            errors[group] = refused
    if request.htmx:
        response = render(request, "portal/_draft_files.html",
                          {"kind": kind, "groups": _groups(kind, draft), "errors": errors})
        if errors:
            response["X-Upload-Refused"] = "1"
        return response
    if errors:
        return _render_attachments(request, kind, draft, errors)
    return redirect(_step_url(kind, "attachments"))


@require_POST
def file_remove(request, kind: str, file_id: str):
    kind = _kind(kind)
    draft = Draft(request, kind.name)
    draft.remove_file(file_id)
    if request.htmx:
        return render(request, "portal/_draft_files.html", {"kind": kind, "groups": _groups(kind, draft),
                                                            "errors": {}})
    return redirect(_step_url(kind, "attachments"))


def _summary(kind, draft):
    data = draft.data
    found = selectors.subject_entries(code=data["subject"], repairable=kind.repairable)
    entry = next((e for e in found.entries if e.pk == data.get("entry")), None)
    return {"subject": found.subject, "entry": selectors.entry_row(entry) if entry else None,
            "target_label": dict(ObjectionCase.Target.choices).get(data.get("target", ""), ""),
            "groups": _groups(kind, draft)}


def _review(request, kind, draft):
    errors: dict[str, list] = {}
    message = ""
    status = 200
    if request.method == "POST":
        if access.throttled(request):
            message, status = _("Too many requests from your address. Please wait a minute and try again."), 429
        else:
            try:
                case, code = _submit(request, kind, draft)
            except ValidationFailed as err:
                status, message = 400, str(err.message)
                for name, field_errors in err.fields.items():
                    errors.setdefault(FIELD_STEPS.get(name, "review"), []).extend(str(m) for _c, m in field_errors)
            except DomainError as err:
                status, message = err.status, str(err.message)
            else:
                draft.clear()
                access.unlock(request, case)
                request.session["portal_filed"] = {"number": case.number, "code": code, "kind": kind.name}
                return redirect("portal:file-done")
    return render(request, "portal/file_review.html",
                  _context(kind, "review", draft, summary=_summary(kind, draft), errors=errors,
                           error_steps=[{"name": s, "label": STEP_LABELS[s], "url": _step_url(kind, s),
                                         "messages": m} for s, m in errors.items()],
                           message=message), status=status)


def _submit(request, kind, draft):
    data = draft.data
    entry = selectors.listed_entry(code=data["subject"], entry_id=data.get("entry"))
    if entry is None:
        raise ValidationFailed(fields={"entry": [("not_listed", _("This entry is no longer listed."))]})
    actor = request.user if request.user.is_authenticated else None
    if kind.name == "objection":
        return objection_services.objection_file(
            actor=actor, channel=ObjectionCase.Channel.PORTAL, entry=entry, grounds=data["grounds"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            target=data.get("target") or ObjectionCase.Target.CONTENT, files=draft.uploads("attachments"))
    return repair_services.repair_file(
        actor=actor, channel=RepairCase.Channel.PORTAL, entry=entry, performance=data["performance"],
        applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
        proof=draft.uploads("proof"), commitment=draft.uploads("commitment"), files=draft.uploads("attachments"))


def file_done(request):
    """The case number and query code, shown once: a reload shows only the number's follow link."""
    filed = request.session.pop("portal_filed", None)
    view = None
    if filed:  # what happens next and by when: the case's stepper (this session has just unlocked it)
        try:
            view = case_view(access.case_for(request, filed["number"]))
        except Http404:
            view = None
    return render(request, "portal/file_done.html", {"filed": filed, "view": view})


STEP_VIEWS = {"subject": _subject, "entry": _entry, "details": _details, "applicant": _applicant,
              "attachments": _attachments, "review": _review}
