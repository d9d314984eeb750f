from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")

    def ready(self):
        # The timelines of a case (cases.labels) name a letter's status and type in words.
        from cases.labels import register_labels

        from .models import Letter
        from .types import LetterType

        register_labels(object_type="letters.letter", states=dict(Letter.Status.choices),
                        letter_types=dict(LetterType.choices))
