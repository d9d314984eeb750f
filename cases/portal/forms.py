"""The portal's forms: each step of the guided filing, following a case, material, withdrawal and
sign-up. Field-level messages are translated; the services check everything again."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed
from cases.models import ObjectionCase
from cases.selectors.status import parse_identifier
from cases.services.repair_eligibility import repair_eligibility

from . import selectors

# Django's own length messages read 「确保该变量至少包含 10 字符(目前字符数 2)」: ours say it plainly.
TEXT_ERRORS = {
    "min_length": _("Write at least %(limit_value)d characters (you wrote %(show_value)d)."),
    "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d)."),
}
CONTACT = re.compile(r"^(\+?[0-9][0-9 \-]{5,19}|[^@\s]+@[^@\s]+\.[^@\s]+)$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; type, size and content are checked by the intake service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _messages(err: ValidationFailed) -> list[str]:
    return [str(message) for errors in err.fields.values() for _code, message in errors] or [str(err.message)]


class SubjectForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject code"), max_length=24,
        help_text=_("The 18-character unified social credit code of an organisation, or the resident "
                    "identity card number of a person."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, repairable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.repairable = repairable
        self.found = None

    def clean_subject(self):
        try:
            found = selectors.subject_entries(code=self.cleaned_data["subject"], repairable=self.repairable)
        except ValidationFailed as err:
            raise forms.ValidationError(_messages(err)) from None
        if not found.entries:
            raise forms.ValidationError(
                _("No listed entry that can be repaired was found for this code.") if self.repairable
                else _("No listed entry was found for this code. Check the code, or search the public lists."))
        self.found = found
        return found.subject.identifier


class EntryForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Which list entry?"), coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": _("Choose the list entry.")})

    def __init__(self, *args, entries, check_repair: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {e.pk: e for e in entries}
        self.rows = [selectors.entry_row(e) for e in entries]
        self.fields["entry"].choices = [(e.pk, e.list_type.name) for e in entries]
        self.check_repair = check_repair
        self.eligibility = None

    def clean_entry(self):
        entry = self.entries[self.cleaned_data["entry"]]
        if self.check_repair:
            eligibility = repair_eligibility(entry=entry)
            if not eligibility.eligible:
                messages = [c.message for c in eligibility.unmet]
                if eligibility.earliest_date:
                    messages.append(_("The earliest date to apply is %(date)s.") % {
                        "date": eligibility.earliest_date.isoformat()})
                raise forms.ValidationError(messages)
            self.eligibility = eligibility
        return entry.pk


class ObjectionDetailsForm(forms.Form):
    target = forms.ChoiceField(label=_("What do you object to?"), choices=ObjectionCase.Target.choices,
                               initial=ObjectionCase.Target.CONTENT, widget=forms.RadioSelect)
    grounds = forms.CharField(
        label=_("Grounds of the objection"), max_length=4000, min_length=10, error_messages=TEXT_ERRORS,
        help_text=_("What is wrong in the published information, and what is right. Name the evidence you attach."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RepairDetailsForm(forms.Form):
    performance = forms.CharField(
        label=_("How the conduct was corrected and the obligations performed"), max_length=4000, min_length=10,
        error_messages=TEXT_ERRORS,
        help_text=_("For example: the tax owed and the late fees were paid in full on a given date."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ApplicantForm(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant"), max_length=128,
                                     help_text=_("The organisation or person applying, or the agent acting for it."),
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}))
    applicant_contact = forms.CharField(label=_("Contact"), max_length=128,
                                        help_text=_("A telephone number or an e-mail address."),
                                        widget=forms.TextInput(attrs={"autocomplete": "tel"}))

    def clean_applicant_contact(self):
        value = self.cleaned_data["applicant_contact"].strip()
        if not CONTACT.match(value):
            raise forms.ValidationError(_("Give a telephone number (digits) or an e-mail address."))
        return value


class UploadForm(forms.Form):
    group = forms.CharField(widget=forms.HiddenInput)
    files = MultipleFileField(label=_("Files"), required=True,
                              error_messages={"required": _("Choose at least one file.")})


class FollowForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=24,
                             help_text=_("For example YY-2026-000123 (objection) or XF-2026-000123 (credit repair)."),
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    code = forms.CharField(label=_("Query code"), max_length=16,
                           help_text=_("The 8-character code shown once when the case was filed."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))


class CheckForm(forms.Form):
    subject = SubjectForm.base_fields["subject"]

    def clean_subject(self):
        try:
            return parse_identifier(self.cleaned_data["subject"])
        except ValidationFailed as err:
            raise forms.ValidationError(_messages(err)) from None


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of material"), choices=[
        ("attachments", _("supplementary material")), ("proof", _("proof of performance")),
        ("commitment", _("signed credit commitment"))], required=False)
    files = MultipleFileField(label=_("Files"), required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("Name"), max_length=150,
                                 help_text=_("Your name, or the organisation's name."))
    email = forms.EmailField(label=_("E-mail address"), required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email")
