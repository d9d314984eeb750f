"""A subject's account: sign-up and "my cases" (the cases this account filed)."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ._common import _posted
from .. import access, selectors
from ..forms import SignupForm
from ..presentation import case_view
from ..services import portal_account_create


def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:my-cases")
    form = SignupForm(_posted(request))
    status = 200
    if request.method == "POST":
        if access.throttled(request):
            form.add_error(None, _("Too many requests from your address. Please wait a minute and try again."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            user = portal_account_create(username=data["username"], password=data["password1"],
                                         name=data["first_name"], email=data.get("email", ""))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:my-cases")
        else:
            status = 400
    return render(request, "portal/signup.html", {"form": form}, status=status)


@login_required
def my_cases(request):
    page = Paginator(selectors.my_cases(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "portal/my_cases.html", {
        "page": page, "views": [case_view(c) for c in page.object_list],
        "is_staff_account": hasattr(request.user, "staff"),
    })
