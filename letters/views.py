"""Public verification page and staff downloads. Thin: parse, call one selector or check, render."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.identifiers import mask_resident_id
from config.downloads import file_download

from .models import Letter
from .selectors import letters_visible_to
from .verification import verify_upload

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    pdf = forms.FileField(label=_("PDF file"))

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def _public_letters():
    return Letter.objects.select_related("unit", "subject", "superseded_by").filter(
        status__in=[Letter.Status.ISSUED, Letter.Status.SUPERSEDED]
    ).exclude(letter_type="COMMITMENT")


def _subject_identifier(letter) -> str:
    subject = letter.subject
    return mask_resident_id(subject.identifier) if subject.is_natural_person else subject.identifier


def _handle_upload(request, expected):
    form = UploadForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = verify_upload(form.cleaned_data["pdf"].read(), expected=expected)
    return form, verdict


@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    """What the QR code on a letter opens: the letter's particulars, and an upload check."""
    letter = get_object_or_404(_public_letters(), public_token=token)
    form, verdict = _handle_upload(request, letter)
    return render(
        request,
        "letters/verify.html",
        {
            "letter": letter,
            "subject_identifier": _subject_identifier(letter),
            "form": form,
            "verdict": verdict,
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def verify_any(request):
    """Upload any PDF: is it an unaltered letter of ours?"""
    form, verdict = _handle_upload(request, None)
    return render(
        request,
        "letters/verify.html",
        {
            "letter": None,
            "form": form,
            "verdict": verdict,
        },
    )


@require_GET
@login_required
def letter_pdf(request, pk: int):
    """Whoever may read the letter (``letters_visible_to``) downloads it; others get 404."""
    letter = get_object_or_404(letters_visible_to(request.user), pk=pk)
    if not letter.pdf:
        raise Http404("the letter has not been rendered")
    name = f"{letter.document_number or letter.title}.pdf"
    return file_download(letter.pdf.open("rb"), content_type="application/pdf", filename=name)
