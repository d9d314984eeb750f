"""The QR code on every letter: a link to its public verification page."""

from __future__ import annotations

import segno
from django.conf import settings
from django.urls import reverse


def verify_url(public_token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("letters:verify", args=[public_token])


def qr_svg_data_uri(url: str) -> str:
    """An SVG data URI (vector, so it prints sharp at any size); level M survives a smudge."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000000")
