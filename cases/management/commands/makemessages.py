"""makemessages without fuzzy guesses: a guessed translation (e.g. "state" → "新状态") is worse than
none, because the translation test then names the msgid for a person to translate."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
