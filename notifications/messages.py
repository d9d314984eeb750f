"""The words of each event, as English msgids translated when shown or sent, so a notification
reads in the reader's language (the bell) or the recipient's (e-mail, SMS), not the writer's."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deadlines.countdown import countdown_from_dict, countdown_label
from workflow.models.work import task_title

# kind → (title, body). Bodies use %(name)s placeholders filled from the notification's context.
MESSAGES: dict[str, tuple[str, str]] = {
    "task.assigned": (gettext_noop("New task: %(title)s"),
                      gettext_noop("A task was routed to %(unit)s: %(title)s. Due on %(due)s.")),
    "task.assigned_many": (gettext_noop("%(count)s new tasks: %(title)s"),
                           gettext_noop("%(count)s tasks were routed to %(unit)s: %(title)s.")),
    "task.deadline_near": (gettext_noop("Deadline near: %(title)s"),
                           gettext_noop("The task %(title)s of %(unit)s is due on %(due)s.")),
    "task.redated": (gettext_noop("Deadline moved: %(title)s"),
                     gettext_noop("The deadline of %(title)s (%(unit)s) moved from %(was)s to %(due)s: %(reason)s.")),
    "task.escalated": (gettext_noop("Escalated: %(title)s"),
                       gettext_noop("The task %(title)s of %(unit)s was due on %(due)s and has been escalated to %(office)s.")),
    "entry.decided": (gettext_noop("Listing decided: %(subject)s"),
                      gettext_noop("%(subject)s: the decision to list it on %(list_type)s was taken.")),
    "entry.published": (gettext_noop("Listed: %(subject)s"), gettext_noop("%(subject)s is listed on %(list_type)s.")),
    "entry.suspended": (gettext_noop("Suspended: %(subject)s"),
                        gettext_noop("The entry of %(subject)s on %(list_type)s is suspended while an objection is verified.")),
    "entry.resumed": (gettext_noop("Resumed: %(subject)s"), gettext_noop("The entry of %(subject)s on %(list_type)s is in force again.")),
    "entry.removed": (gettext_noop("Removed: %(subject)s"), gettext_noop("%(subject)s was removed from %(list_type)s.")),
    "entry.reinstated": (gettext_noop("Reinstated: %(subject)s"),
                         gettext_noop("The entry of %(subject)s on %(list_type)s is in force again (repair revoked).")),
    "entry.corrected": (gettext_noop("Corrected: %(subject)s"), gettext_noop("The entry of %(subject)s on %(list_type)s was corrected.")),
    "objection.accepted": (gettext_noop("Objection %(number)s accepted"),
                           gettext_noop("Your objection %(number)s was accepted and is being verified by %(due)s. %(suspension)s")),
    "objection.supplement_requested": (gettext_noop("Objection %(number)s: material needed"),
                                       gettext_noop("Your objection %(number)s needs more material before it can be accepted: %(materials)s. Add it on the case page.")),
    "objection.not_accepted": (gettext_noop("Objection %(number)s not accepted"),
                               gettext_noop("Your objection %(number)s was not accepted. The letter gives the reasons and your remedies.")),
    "objection.result": (gettext_noop("Objection %(number)s concluded"),
                         gettext_noop("Your objection %(number)s has been concluded: %(outcome)s. The result letter gives the details and your remedies.")),
    "objection.deemed_withdrawn": (gettext_noop("Objection %(number)s deemed withdrawn"),
                                   gettext_noop("No material arrived for your objection %(number)s within the supplement window: it is deemed withdrawn. The letter says how to apply again.")),
    "repair.accepted": (gettext_noop("Credit repair %(number)s accepted"),
                        gettext_noop("Your credit repair application %(number)s was accepted. The decision is due by %(due)s.")),
    "repair.supplement_requested": (gettext_noop("Credit repair %(number)s: material needed"),
                                    gettext_noop("Your credit repair application %(number)s needs more material: %(materials)s. Add it on the case page.")),
    "repair.not_accepted": (gettext_noop("Credit repair %(number)s not accepted"),
                            gettext_noop("Your credit repair application %(number)s was not accepted. The letter gives the reasons.")),
    "repair.result": (gettext_noop("Credit repair %(number)s decided"),
                      gettext_noop("Your credit repair application %(number)s was decided: %(outcome)s.")),
    "repair.deemed_withdrawn": (gettext_noop("Credit repair %(number)s deemed withdrawn"),
                                gettext_noop("No material arrived for your credit repair application %(number)s within the supplement window: it is deemed withdrawn. The letter says how to apply again.")),
    "digest.daily": (gettext_noop("Daily digest: %(due_soon)s due soon, %(overdue)s overdue"),
                     gettext_noop("%(unit)s has %(due_soon)s open tasks due within %(days)s days and %(overdue)s overdue tasks.")),
}

# Values that are themselves msgids (outcomes), translated with the rest.
VALUE_MSGIDS = {
    "UPHELD": gettext_noop("the entry is upheld"), "CORRECTED": gettext_noop("the entry is corrected"),
    "SUSPENDED": gettext_noop("The entry is suspended meanwhile."),
    "NOT_IN_FORCE": gettext_noop("The entry is no longer in force: nothing is suspended."),
    "REVOKED": gettext_noop("the entry is revoked"), "APPROVED": gettext_noop("approved"), "REJECTED": gettext_noop("rejected"),
}


def worded_title(context: dict) -> str:
    """The task a notice names (one task, or a unit's batch of one step), in the reader's language when
    the notice kept its case type and step: the step's name is the node's, the subject as stored; a
    notice written before says what it stored."""
    title = context.get("title") or ""
    if context.get("case_type") and context.get("step") and title:
        return task_title(context["case_type"], context["step"], title)
    return title


def _values(context: dict) -> dict:
    out = {}
    if context.get("title"):
        context = {**context, "title": worded_title(context)}
    for key, value in context.items():
        if key == "countdown" and isinstance(value, dict):
            out["left"] = countdown_label(countdown_from_dict(value))
        if isinstance(value, str) and value in VALUE_MSGIDS:
            value = _(VALUE_MSGIDS[value])
        out[key] = "" if value is None else value
    return out


class _Default(dict):
    def __missing__(self, key):
        return ""


# A notice about a task once the task is completed or cancelled (``Notification.done_at``): it no
# longer reads as new nor asks for anything.
DONE_TITLES = {
    "task.assigned": gettext_noop("Closed: %(title)s"),
    "task.assigned_many": gettext_noop("Closed: %(count)s tasks: %(title)s"),
    "task.deadline_near": gettext_noop("Closed: %(title)s"),
    "task.redated": gettext_noop("Closed: %(title)s"),
    "task.escalated": gettext_noop("Closed: %(title)s"),
}
DONE_BODY = gettext_noop("The task %(title)s of %(unit)s is closed (completed or cancelled): nothing more to do.")
DONE_BODY_MANY = gettext_noop("The %(count)s tasks %(title)s of %(unit)s are closed: nothing more to do.")


def render_title(kind: str, context: dict, *, done: bool = False) -> str:
    title, _body = MESSAGES.get(kind, (kind, ""))
    if done and kind in DONE_TITLES:
        title = DONE_TITLES[kind]
    return _(title) % _Default(_values(context))


# A task without a legal deadline (e.g. delivering a letter) says so by omission.
NO_DUE = {"task.assigned": gettext_noop("A task was routed to %(unit)s: %(title)s.")}
# With the time left when the event happened (deadlines.countdown), worded in the reader's language;
# a notification written before countdowns were kept reads as before.
WITH_COUNTDOWN = {
    "task.assigned": gettext_noop("A task was routed to %(unit)s: %(title)s. Due on %(due)s (%(left)s)."),
    "task.deadline_near": gettext_noop("The task %(title)s of %(unit)s is due on %(due)s (%(left)s)."),
    "task.escalated": gettext_noop("The task %(title)s of %(unit)s was due on %(due)s (%(left)s) and has been "
                                   "escalated to %(office)s."),
}


def render_body(kind: str, context: dict, *, done: bool = False) -> str:
    _title, body = MESSAGES.get(kind, ("", kind))
    if done and kind in DONE_TITLES:
        body = DONE_BODY_MANY if kind == "task.assigned_many" else DONE_BODY
    elif kind in NO_DUE and not context.get("due"):
        body = NO_DUE[kind]
    elif kind in WITH_COUNTDOWN and context.get("countdown"):
        body = WITH_COUNTDOWN[kind]
    return _(body) % _Default(_values(context))
