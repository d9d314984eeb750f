"""Substitutes (代理, the "AB角" practice): while an officer is away, a leader of the unit names a
colleague who sees and acts on the absent officer's tasks for a stated window of days.

Every action the substitute takes on the absent officer's tasks is recorded in the audit trail as
done "on behalf of" the absent officer (``AuditEvent.on_behalf_of``), including the events of the
step services the completion calls. A substitution ends on its last day, or earlier when a leader
ends it; it is never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubstitutionQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(ended_at__isnull=True, starts_on__lte=day, ends_on__gte=day)


class Substitution(models.Model):
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="substitutions",
                             verbose_name=_("unit"))
    absent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("absent officer"))
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("substitute"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("substitute")
        verbose_name_plural = _("substitutes")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="substitution_window_order"),
            models.CheckConstraint(condition=~Q(absent=F("substitute")), name="substitution_not_self"),
        ]
        indexes = [
            # "Whom do I stand in for today?" (the inbox) and "who stands in for X?" (the actions).
            models.Index(fields=["substitute", "ends_on"], name="substitution_by_substitute",
                         condition=Q(ended_at__isnull=True)),
            models.Index(fields=["absent", "ends_on"], name="substitution_by_absent",
                         condition=Q(ended_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.substitute} → {self.absent} ({self.starts_on}–{self.ends_on})"

    def is_valid_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.ended_at is None and self.starts_on <= day <= self.ends_on
