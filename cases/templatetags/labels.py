"""Template filters over ``cases.labels``: a page turns a kept value into words the same way the
exports, the API's display fields and the notifications do."""

from django import template

from cases import labels

register = template.Library()


@register.filter
def rule_words(ref):
    """A deadline's rule for an officer: its name, period and legal basis."""
    return labels.rule_words(ref or "")


@register.filter
def public_rule_words(ref):
    """A rule for a citizen: its name and period only."""
    return labels.rule_words(ref or "", public=True)


@register.filter
def yes_no(value):
    return labels.yes_no(value)


@register.filter
def state_label(code, object_type=""):
    return labels.state_label(object_type or "", code or "")


@register.filter
def actor(event):
    return labels.actor_label(event)


@register.filter
def bracket(text):
    """``text`` in brackets of the page's language: （…） in Chinese, (…) in English."""
    return labels.bracket(text)


@register.simple_tag
def colon():
    """The colon of the page's language: 「：」 in Chinese, ": " in English."""
    return labels.colon()


@register.simple_tag
def comma():
    """The comma of the page's language: 「，」 in Chinese, ", " in English."""
    return labels.comma()


@register.simple_tag
def semicolon():
    """The semicolon of the page's language: 「；」 in Chinese, "; " in English."""
    return labels.semicolon()


@register.filter
def joined(items):
    """Items joined with the page's language's separator: 「；」 in Chinese, "; " in English."""
    return labels.joined(items)
