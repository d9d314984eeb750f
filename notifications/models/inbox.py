"""In-app notifications (the bell) and each user's choice of channels."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey("notifications.OutboxEvent", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=48)
    # Message ids and their values, translated when shown (the reader's language, not the writer's).
    context = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    link = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A notice about a task follows it: when the task is completed or cancelled the notice is done
    # (and read), so the inbox no longer calls it new (notifications.events, issue 19 item 10).
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_user")]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_list"),
            # The bell: COUNT(*) of a user's unread rows reads this small partial index only.
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    @property
    def title(self) -> str:
        from notifications.messages import render_title

        return render_title(self.kind, self.context, done=self.done_at is not None)

    @property
    def task_title(self) -> str:
        """The task the notice names, in the reader's language (a grouped card lists it)."""
        from notifications.messages import worded_title

        return worded_title(self.context)

    @property
    def body(self) -> str:
        from notifications.messages import render_body

        return render_body(self.kind, self.context, done=self.done_at is not None)


class NotificationPreference(models.Model):
    """Channels a user chose. In-app notifications are always on (they are the record)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preference")
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    daily_digest = models.BooleanField(_("daily digest of my unit's due and overdue tasks"), default=True)
    language = models.CharField(_("language of e-mail and SMS"), max_length=8, choices=settings.LANGUAGES,
                                default="zh-hans")

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
