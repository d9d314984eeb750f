"""What a page may not show a person: the detector the page tests share (issue 19, item 1).

``unreadable(html, language)`` returns the offending snippets of a page's visible text (scripts,
styles and attribute values are not read): a raw state code (an upper-case enum value of our
models), a rule key (``REPAIR/repeat_offence_window/default``) or a spec section (``domain.md §4``),
a Python boolean (``True``/``False``, ``（true）``), a Python literal (``[{``, ``{'``, ``[[``), 「待核」,
and on a Chinese page an error message without a Chinese character or Django's own wording, and ASCII
punctuation written against a Chinese character (「期限:」, 「(工作日)」: Chinese text takes ：（），；？！).
``assert_readable(response_or_html, language)`` fails with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

SKIPPED = {"script", "style", "template", "code", "textarea", "pre"}
EMPTY = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col"}
# Elements that start a new line or box: text on either side of them is not written side by side.
BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div",
          "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
          "h6", "head", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p",
          "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
          *EMPTY, *SKIPPED}
ERROR_CLASSES = {"errorlist", "error", "errornote", "field-error", "form-error"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.errors: list[str] = []
        # The text as it is set on the page: pieces of one line joined as they touch, a space where
        # an element breaks the line (what ASCII punctuation against a Chinese character is read in).
        self.lines: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, in an error)

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.lines.append(" ")
        if tag in EMPTY:
            return
        skipped = tag in SKIPPED or (self._stack and self._stack[-1][1])
        classes = set((dict(attrs).get("class") or "").split())
        error = bool(classes & ERROR_CLASSES) or dict(attrs).get("role") == "alert" or (
            self._stack and self._stack[-1][2])
        self._stack.append((tag, bool(skipped), bool(error)))

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.lines.append(" ")
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data):
        if self._stack and self._stack[-1][1]:
            return
        self.parts.append(data)
        self.lines.append(data)
        if self._stack and self._stack[-1][2] and data.strip():
            self.errors.append(data.strip())


def visible_text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts), parser.errors


def set_text(html: str) -> str:
    """The visible text with the pieces of one line written together (``<b>期限</b>:`` reads 「期限:」)."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.lines)


def state_codes() -> set[str]:
    """Every upper-case value of a choices field of our apps (states, kinds, channels, letter types)."""
    codes = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"cases", "workflow", "letters", "notifications", "deadlines", "audit"}:
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.Field) and f.choices:
                for value, _label in f.flatchoices:
                    if isinstance(value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]{2,}", value):
                        codes.add(value)
    return codes


RULE_KEY = re.compile(r"\b[A-Z_]{3,}/[a-z_]+(?:/[a-z_]+)?\b|domain\.md|§\s*\d")
BOOLEAN = re.compile(r"\b(?:True|False)\b|[（(](?:true|false)[）)]")
LITERAL = re.compile(r"\[\{|\{'|\[\[|\['|\{\"")
NOT_READY = re.compile(r"待核")
DJANGO_ZH = re.compile(r"确保该变量|目前字符数|这个字段是必填项")
ENGLISH_ON_ZH = re.compile(r"\bthe system\b|\bsystem\b|\bWORKING_DAYS\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# An ASCII colon, bracket, comma, semicolon, question or exclamation mark touching a Chinese character.
# Times (09:30), dates, numbers, codes (ABC(1)) and English words touch no Chinese character; addresses
# are taken out first.
ASCII_BY_HAN = re.compile(rf"{HAN}[:(),;?!]|[:(),;?!]{HAN}")
ADDRESS = re.compile(r"\b(?:https?|mailto):\S+")


def unreadable(html: str, language: str = "zh-hans", forbidden: Iterable[str] = ()) -> list[str]:
    """What on the page a person cannot read; ``forbidden``: codes the page must name instead
    (usernames, unit codes, list type codes)."""
    text, errors = visible_text(html)
    found = []
    codes = state_codes()
    for token in set(re.findall(r"(?<![\w/.-])[A-Z][A-Z0-9_]{2,}(?![\w/.-])", text)):
        if token in codes:
            found.append(f"state code {token}: …{_around(text, token)}…")
    for name, pattern in (("rule key", RULE_KEY), ("boolean", BOOLEAN), ("Python literal", LITERAL),
                          ("待核", NOT_READY)):
        for m in pattern.finditer(text):
            found.append(f"{name} {m.group(0)!r}: …{_around(text, m.group(0), m.start())}…")
    for code in set(forbidden):
        m = re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)
        if m:
            found.append(f"code {code!r}: …{_around(text, code, m.start())}…")
    if language.startswith("zh"):
        for m in ENGLISH_ON_ZH.finditer(text):
            found.append(f"English on a Chinese page {m.group(0)!r}: …{_around(text, m.group(0), m.start())}…")
        for m in DJANGO_ZH.finditer(text):
            found.append(f"Django's wording: …{_around(text, m.group(0), m.start())}…")
        for message in errors:
            if re.search(r"[A-Za-z]{3}", message) and not CJK.search(message):
                found.append(f"English error on a Chinese page: {message}")
        found += ascii_punctuation_in_chinese(html)
    return found


def ascii_punctuation_in_chinese(html: str) -> list[str]:
    """Where a Chinese page writes ASCII ``:(),;?!`` against a Chinese character (「期限:」, 「(工作日)」)."""
    text = ADDRESS.sub(" ", set_text(html))
    return [f"ASCII {m.group(0)!r} in Chinese text: …{_around(text, m.group(0), m.start())}…"
            for m in ASCII_BY_HAN.finditer(text)]


def _around(text: str, token: str, start: int | None = None) -> str:
    i = text.find(token) if start is None else start
    return " ".join(text[max(0, i - 50): i + len(token) + 50].split())


def assert_readable(page, language: str = "zh-hans", where: str = "", forbidden: Iterable[str] = ()) -> None:
    html = page if isinstance(page, str) else page.content.decode()
    found = unreadable(html, language, forbidden)
    assert not found, f"{where} ({language}) shows what a person cannot read:\n" + "\n".join(found)
