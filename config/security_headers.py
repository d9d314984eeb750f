"""The response headers that Django's SecurityMiddleware does not write (issue 17 item 7).

Content-Security-Policy comes from django-csp (settings: ``CONTENT_SECURITY_POLICY``); nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy and HSTS from SecurityMiddleware; X-Frame-Options from
XFrameOptionsMiddleware. This adds Permissions-Policy. A header a view set itself is kept.
"""

from __future__ import annotations

from django.conf import settings


def permissions_policy(features: dict[str, list[str]]) -> str:
    """``{"camera": []}`` → ``camera=()``; ``{"fullscreen": ["self"]}`` → ``fullscreen=(self)``."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
