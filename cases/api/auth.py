"""``POST /api/v1/auth/token/``: a staff member's API token for a username and password.

DRF's own view, with two changes for django-axes (config/signin.py), so that the token endpoint
counts and locks exactly like the sign-in form (issue 17, item 3):

- the password check runs on Django's request rather than DRF's wrapper, so that axes flags a
  lockout where its middleware looks: a locked account is refused with 429 ``account_locked``, even
  with the right password, whatever the client's address;
- a right password is a sign-in: ``user_logged_in`` is sent (as ``django.contrib.auth.login``
  would), so the failure count starts again and ``last_login`` is kept, without a session.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


class TokenObtain(ObtainAuthToken):
    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
