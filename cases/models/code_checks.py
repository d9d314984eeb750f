"""Wrong query codes per case number (issue 17, item 3).

One row per case number someone tried a code for, whether or not such a case exists (a row for a
number nobody filed looks exactly like one for a real case, so the lockout tells nothing). Written
only by ``cases.services.code_checks`` with one atomic ``INSERT … ON CONFLICT … RETURNING``; a
right code deletes the row, and rows untouched for a day are pruned.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QueryCodeLockout(models.Model):
    # The number as typed, normalised (trimmed, upper case), at most 64 characters of it.
    number = models.CharField(_("case number"), max_length=64, unique=True)
    # Code checks counted since window_started_at without a right code (refused ones included).
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    # Checks for this number are refused until then, even with the right code.
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("query code lockout")
        verbose_name_plural = _("query code lockouts")
        indexes = [models.Index(fields=["updated_at"], name="code_lockout_by_age")]

    def __str__(self):
        return f"{self.number}: {self.failures}"
