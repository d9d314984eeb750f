"""Following a case: by number + query code (throttled like the public API) or by the account that
filed it. The case page shows the plain-language status, the running deadline, the letters to
download and verify, and lets the applicant chase up (once per working day), send material and
withdraw. Every action calls the same service as the public API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.errors import Conflict, DomainError, NotFound, ValidationFailed
from cases.models import ObjectionCase
from cases.services import intake
from cases.selectors.chase_ups import chase_up_next_on
from cases.services.code_checks import CodeChecksLocked
from cases.services import objections as objection_services
from cases.services import repairs as repair_services
from config.downloads import file_download

from ._common import _posted
from .. import access, selectors
from ..forms import FollowForm, MaterialForm, WithdrawForm
from ..presentation import case_view


def follow(request):
    form = FollowForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        if access.throttled(request):
            form.add_error(None, _("Too many requests from your address. Please wait a minute and try again."))
            status = 429
        else:
            try:
                case = access.case_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
            except CodeChecksLocked as locked:
                # Too many wrong codes for this number (any address): when it unlocks, who can help.
                form.add_error(None, locked.advice)
                status = 429
            except NotFound:
                form.add_error(None, _("No case matches this number and query code."))
                status = 404
            else:
                access.unlock(request, case)
                return redirect("portal:case", number=case.number)
    elif request.method == "POST":
        status = 400
    return render(request, "portal/follow.html", {"form": form}, status=status)


def _page(request, case, *, material_form=None, withdraw_form=None, status=200):
    view = case_view(case)
    return render(request, "portal/case.html", {
        "view": view, "case": case, "entry": case.entry,
        "letters": selectors.applicant_letters(case),
        "attachments": intake.attachments_of(case),
        "material_form": material_form or MaterialForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "is_repair": view.kind == "repair",
        "chase_up_from": chase_up_next_on(case) if view.may_chase_up else None,
    }, status=status)


def case_page(request, number: str):
    return _page(request, access.case_for(request, number))


@require_POST
def chase_up(request, number: str):
    case = access.case_for(request, number)
    if not case_view(case).may_chase_up:
        messages.error(request, _("This case is no longer open: there is nothing to chase up."))
    else:
        try:
            count = intake.chase_up(case, note=request.POST.get("note", ""))
        except Conflict:
            messages.error(request, _("You have already chased up this case today. You can chase up once per "
                                      "working day: you can chase it up again on %(day)s.")
                           % {"day": _day(chase_up_next_on(case))})
        else:
            messages.success(request, _("Your chase-up has been recorded and the unit reminded (chase-up no. %(n)s).")
                             % {"n": count})
    return redirect("portal:case", number=case.number)


@require_POST
def material(request, number: str):
    case = access.case_for(request, number)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, case, material_form=form, status=400)
    files, note = form.cleaned_data["files"], form.cleaned_data["note"]
    actor = request.user if request.user.is_authenticated else None
    try:
        if isinstance(case, ObjectionCase):
            objection_services.objection_supplement(case=case, files=files, note=note, actor=actor)
        else:
            kind = form.cleaned_data["kind"] or "attachments"
            repair_services.repair_submit_material(case=case, note=note, actor=actor,
                                                   **{"proof" if kind == "proof" else
                                                      "commitment" if kind == "commitment" else "files": files})
    except ValidationFailed as err:
        for _name, field_errors in err.fields.items():
            for _code, message in field_errors:
                form.add_error("files", str(message))
        if not err.fields:
            form.add_error(None, str(err.message))
        return _page(request, case, material_form=form, status=400)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Your material has been received."))
    return redirect("portal:case", number=case.number)


@require_POST
def withdraw(request, number: str):
    case = access.case_for(request, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _page(request, case, withdraw_form=form, status=400)
    actor = request.user if request.user.is_authenticated else None
    try:
        if isinstance(case, ObjectionCase):
            objection_services.objection_withdraw(case=case, reason=form.cleaned_data["reason"], actor=actor)
        else:
            repair_services.repair_withdraw(case=case, reason=form.cleaned_data["reason"], actor=actor)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("The case has been withdrawn."))
    return redirect("portal:case", number=case.number)


def attachment(request, number: str, attachment_id: int):
    """The applicant's own material, downloaded again from the case page (the same query-code
    session or filing account that opens the case)."""
    case = access.case_for(request, number)
    found = selectors.applicant_attachment(case, attachment_id)
    if found is None or not found.file:
        raise Http404
    return file_download(found.file.open("rb"), filename=found.original_name, content_type=found.content_type)


def _day(day) -> str:
    return day.isoformat() if day else "—"


def letter_pdf(request, number: str, letter_id: int):
    case = access.case_for(request, number)
    letter = selectors.applicant_letter(case, letter_id)
    if letter is None or not letter.pdf:
        raise Http404
    return file_download(letter.pdf.open("rb"), content_type="application/pdf",
                         filename=f"{letter.document_number or letter.pk}.pdf")
