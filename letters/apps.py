from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")

    def ready(self):
        from cases import events
        from cases.labels import register_labels
        from cases.selectors.case_letters import register_case_letters_reader
        from letters.selectors import letters_of_cases
        from letters.services import letter_issue

        from .models import Letter
        from .types import LetterType

        # The timelines of a case (cases.labels) name a letter's status and type in words.
        register_labels(object_type="letters.letter", states=dict(Letter.Status.choices),
                        letter_types=dict(LetterType.choices))
        # The domain asks for its letters and reads them without importing this app: it announces
        # letter_due, answered by letter_issue in the step's transaction, and reads through the
        # registered reader (docs/architecture.md, "Apps").
        register_case_letters_reader(letters_of_cases)
        events.subscribe(events.letter_due, letter_issue)
