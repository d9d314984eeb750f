"""The append-only, hash-chained audit trail (domain.md §7).

Every transition and every change of case data is one ``AuditEvent``. Events form one chain per
audited object (``chain``, e.g. ``cases.listentry:42``): each event stores the hash of the previous
event of its chain, so concurrent writes to different cases never wait for each other. A periodic
``AuditAnchor`` hashes the heads of every chain that moved since the previous anchor and chains the
anchors themselves, so removing the tail of a chain, or rewriting a whole chain, is detected too.

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on events and anchors (migration 0002);
the models refuse updates in Python as well.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


# How the trail names an object (its events' object_type, its chain): the services write with these
# names and the selectors read by them.
def audit_type(obj) -> str:
    """The object type events name: ``app_label.model``, or the ``audit_label`` a model keeps after
    moving to another app (the procedure rules and holiday tables), so its chain continues."""
    return getattr(type(obj), "audit_label", None) or obj._meta.label_lower


def chain_key(obj) -> str:
    """One chain per audited object: ``app_label.model:pk``."""
    return f"{audit_type(obj)}:{obj.pk}"


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")


class AuditEvent(models.Model):
    chain = models.CharField(_("chain"), max_length=96)
    seq = models.PositiveIntegerField(_("sequence in chain"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    actor_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    changes = models.JSONField(_("changed fields (old → new)"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            models.Index(fields=["occurred_at"], name="audit_event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The latest sequence and hash of each chain: the per-chain lock appends take."""

    chain = models.CharField(max_length=96, primary_key=True)
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    anchored_seq = models.PositiveIntegerField(default=0)

    # No secondary index: head updates stay HOT (heap-only), which keeps appends cheap.


class AuditAnchor(models.Model):
    """A hash over the heads of every chain that moved since the previous anchor, itself chained."""

    created_at = models.DateTimeField(_("created at"))
    prev_hash = models.CharField(max_length=64)
    heads = models.JSONField(help_text="[[chain, seq, hash], ...] sorted by chain")
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit anchors cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit anchors cannot be deleted")
