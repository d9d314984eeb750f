"""HTML → PDF with WeasyPrint, laid out in the style of GB/T 9704 (党政机关公文格式).

The page is A4 with the standard's margins (top 37 mm, left 28 mm, text block 156 × 225 mm). The
issuing unit heads the page in red, then the document number, a red rule, the title, the addressee,
the body, the remedies of an adverse decision, the signature block (unit and date) and the seal
area, which the signature's visible appearance — the unit's seal — covers, pressing on the unit name
and the date as the standard asks. Fonts: Noto Serif CJK SC stands in for 仿宋/小标宋, Noto Sans
CJK SC for 黑体 (Debian fonts-noto-cjk); WeasyPrint embeds the subsets it uses.

The seal element is found on the rendered pages through its anchor (``id="seal"``), so the
signature field lands exactly where the layout put the seal area, whatever the body's length.
"""

from __future__ import annotations

import hashlib
import logging
import math
import uuid
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from . import qr
from .types import spec_for

# WeasyPrint reports each layout step at INFO; keep the workers' logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _html(**kwargs):
    """WeasyPrint's ``HTML``, imported when a letter is first laid out. Importing WeasyPrint (fontTools,
    pango through cffi) took about half of every Django process's start-up, and this module is
    imported at start-up everywhere (the letters app answers the domain's events); only the
    letters worker lays letters out (docs/performance.md, "Start-up")."""
    from weasyprint import HTML

    return HTML(**kwargs)

SEAL_ANCHOR = "seal"
SEAL_SIZE_MM = 42  # a common diameter for a unit's round seal
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in pt (1/72 in)
SEAL_STYLE_VERSION = "2"  # bump to re-render every cached seal appearance


@dataclass(frozen=True)
class SealPlacement:
    page_index: int
    box: tuple[int, int, int, int]  # PDF points, lower-left x/y, upper-right x/y
    appearance: Path  # a one-page PDF: the unit's seal, drawn as the signature's appearance


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    page_count: int
    seal: SealPlacement | None


def _issue_noun(title: str) -> str:
    for noun in ("决定书", "通知书", "告知书", "承诺书"):
        if title.endswith(noun):
            return noun
    return "文书"


def letter_template_context(letter) -> dict:
    spec = spec_for(letter.letter_type)
    ctx = dict(letter.context)
    title = spec.title_for(ctx)
    region_name = letter.unit.region.name if letter.unit.region_id else ""
    url = qr.verify_url(letter.public_token)
    return {
        "letter": letter,
        "spec": spec,
        "c": ctx,
        "unit": letter.unit,
        "subject": letter.subject,
        # How the letter addresses the subject and names its identifier.
        "you": "你" if letter.subject.is_natural_person else "你单位",
        "id_label": "公民身份号码" if letter.subject.is_natural_person else "统一社会信用代码",
        "title": title,
        "noun": _issue_noun(title),
        "adverse": spec.is_adverse(ctx),
        "reconsideration_body": ctx.get("reconsideration_body") or f"{region_name}人民政府",
        "court": ctx.get("court") or "有管辖权的人民法院",
        "verify_url": url,
        "qr_data_uri": qr.qr_svg_data_uri(url) if spec.signed else "",
        "seal_size_mm": SEAL_SIZE_MM,
        "signed": spec.signed,
    }


def render_letter_html(letter) -> str:
    return render_to_string(spec_for(letter.letter_type).template, letter_template_context(letter))


def render_letter(letter) -> RenderedLetter:
    """Lay the letter out and write its PDF; locate the seal area for the signature field."""
    html = render_letter_html(letter)
    document = _html(string=html, base_url=str(settings.BASE_DIR)).render()
    seal = None
    if spec_for(letter.letter_type).signed:
        seal = _seal_placement(document, seal_appearance_pdf(letter.unit))
    pdf = document.write_pdf()
    return RenderedLetter(pdf=pdf, page_count=len(document.pages), seal=seal)


def _seal_placement(document, appearance: Path) -> SealPlacement:
    for index, page in enumerate(document.pages):
        if SEAL_ANCHOR in page.anchors:
            x1, y1, x2, y2 = page.anchors[SEAL_ANCHOR]
            height_pt = page.height * CSS_PX_TO_PT
            box = (
                round(x1 * CSS_PX_TO_PT),
                round(height_pt - y2 * CSS_PX_TO_PT),
                round(x2 * CSS_PX_TO_PT),
                round(height_pt - y1 * CSS_PX_TO_PT),
            )
            return SealPlacement(page_index=index, box=box, appearance=appearance)
    raise LookupError("the letter template has no seal area (an element with id='seal')")


# --- the seal appearance --------------------------------------------------------------------------

SEAL_RED = "#d40000"


def seal_svg(unit_name: str) -> str:
    """A round seal: unit name along the upper rim, a five-pointed star, 电子签章 below.

    Characters are placed one by one on the arc (WeasyPrint's SVG has no usable textPath).
    """
    chars = list(unit_name)
    n = len(chars)
    radius = 73  # baseline circle of the rim text, in a 200 × 200 viewBox
    span = min(250.0, 22.0 * max(n - 1, 1))
    step = span / (n - 1) if n > 1 else 0
    font_size = min(24.0, max(11.0, radius * math.radians(step) * 0.8)) if n > 1 else 24.0
    parts = []
    for i, ch in enumerate(chars):
        angle = -span / 2 + i * step  # degrees clockwise from the top
        rad = math.radians(angle)
        x = 100 + radius * math.sin(rad)
        y = 100 - radius * math.cos(rad)
        parts.append(
            f'<text transform="translate({x:.2f} {y:.2f}) rotate({angle:.2f})" x="0" y="{font_size * 0.42:.2f}" '
            f'text-anchor="middle" font-size="{font_size:.1f}">{escape(ch)}</text>'
        )
    star = " ".join(
        f"{100 + r * math.sin(math.radians(k * 36)):.2f},{100 - r * math.cos(math.radians(k * 36)):.2f}"
        for k, r in ((k, 30 if k % 2 == 0 else 12) for k in range(10))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SEAL_SIZE_MM}mm" height="{SEAL_SIZE_MM}mm" '
        f'viewBox="0 0 200 200">'
        f'<circle cx="100" cy="100" r="95" fill="none" stroke="{SEAL_RED}" stroke-width="6"/>'
        f'<g font-family="Noto Serif CJK SC" font-weight="bold" fill="{SEAL_RED}">{"".join(parts)}</g>'
        f'<polygon fill="{SEAL_RED}" points="{star}"/>'
        f'<text x="100" y="158" text-anchor="middle" font-family="Noto Serif CJK SC" font-size="17" '
        f'fill="{SEAL_RED}">电子签章</text></svg>'
    )


def seal_appearance_pdf(unit) -> Path:
    """The unit's seal as a one-page PDF, rendered once per unit name and cached under MEDIA_ROOT."""
    key = hashlib.sha256(f"{SEAL_STYLE_VERSION}|{unit.name}".encode()).hexdigest()[:16]
    path = Path(settings.MEDIA_ROOT) / "letters" / "seals" / f"{unit.code}-{key}.pdf"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    html = (
        f"<html><head><style>@page {{ size: {SEAL_SIZE_MM}mm {SEAL_SIZE_MM}mm; margin: 0 }} "
        f"body {{ margin: 0 }} svg {{ display: block }}</style></head><body>{seal_svg(unit.name)}</body></html>"
    )
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    _html(string=html).write_pdf(tmp)
    tmp.replace(path)  # atomic: concurrent renderers never read a half-written seal
    return path
