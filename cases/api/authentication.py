"""DRF token authentication that loads the user's staff profile and unit with the token, in one
query: every staff endpoint needs them (scoping, routing), and the status check (应查必查) is a hot
path where each extra round trip shows (docs/performance.md)."""

from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication


class TokenAuthentication(DRFTokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        token = (
            model.objects.select_related("user", "user__staff", "user__staff__unit", "user__staff__unit__region")
            .filter(key=key)
            .first()
        )
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # raises DRF's own (translated) error
        return token.user, token
