from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.selectors.scope import staff_of


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("by e-mail"), required=False)
    sms = forms.BooleanField(label=_("by SMS"), required=False)
    daily_digest = forms.BooleanField(label=_("daily digest of my unit's due and overdue tasks"), required=False)
    language = forms.ChoiceField(label=_("language of e-mail and SMS"), choices=settings.LANGUAGES)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("email") and not getattr(self.user, "email", ""):
            self.add_error("email", _("Your account has no e-mail address; ask an administrator to add one."))
        staff = staff_of(self.user)
        if data.get("sms") and not (staff is not None and staff.phone):
            self.add_error("sms", _("Your account has no mobile number; ask an administrator to add one."))
        return data
