"""The inbox pages: the list of one's notifications, marking them read, and the preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.errors import NotFound
from notifications import selectors
from notifications.forms import PreferenceForm
from notifications.services import inbox

PAGE_SIZE = 20


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    # A unit's several new tasks are one card at the top of the first page, and not repeated below.
    groups = selectors.task_groups(request.user)
    paginator = Paginator(selectors.notifications_ungrouped(request.user, groups=groups, unread_only=unread_only),
                          PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    if page.number != 1:
        groups = []
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only, "groups": groups})


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        note = inbox.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        raise Http404 from None
    target = note.link if request.POST.get("open") and note.link else request.POST.get("next") or "/notifications/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/notifications/"
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    count = inbox.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = selectors.preference_of(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, user=request.user)
        if form.is_valid():
            inbox.preference_set(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferenceForm(user=request.user, initial={"email": pref.email, "sms": pref.sms,
                                                          "daily_digest": pref.daily_digest, "language": pref.language})
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
