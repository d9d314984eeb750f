"""The response headers that Django's SecurityMiddleware does not write (issue 17 item 7).

Content-Security-Policy comes from django-csp (settings: ``CONTENT_SECURITY_POLICY``); nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy and HSTS from SecurityMiddleware; X-Frame-Options from
XFrameOptionsMiddleware. This adds Permissions-Policy. A header a view set itself is kept.
"""

from __future__ import annotations

from dataclasses import asdict

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


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


# --- Content-Security-Policy, built once per process for the common answer ---------------------------------

_VIEW_POLICY_ATTRIBUTES = ("_csp_config", "_csp_update", "_csp_replace",
                           "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_DEBUG_EXEMPT = (500, 404)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the two policies of an answer that no view changed and that used
    no nonce built once per process instead of per response (issue 21 item 1: building them was about
    a tenth of a status check's Python). Any other answer goes through django-csp unchanged; so do the
    rules on which answers get the header (a header a view set itself, exempt views, excluded prefixes,
    Django's debug pages)."""

    _plain: tuple[str, str] | None = None

    @classmethod
    def plain_policies(cls) -> tuple[str, str]:
        if cls._plain is None:
            parts = csp_middleware.PolicyParts(None, None, None, None)
            cls._plain = (build_policy(**asdict(parts)), build_policy(**asdict(parts), report_only=True))
        return cls._plain

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) is not None for name in _VIEW_POLICY_ATTRIBUTES)
                or (settings.DEBUG and response.status_code in _DEBUG_EXEMPT)):
            return super().process_response(request, response)
        policy, report_only = self.plain_policies()
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, report_only, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        # As django-csp: a nonce asked for after the header was written is an error, not a silent miss.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _forget_plain_policies(*, setting, **_kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._plain = None
