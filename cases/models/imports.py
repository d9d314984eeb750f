"""Inbound data from units' own systems (issue 8 item 4): API tokens, import jobs, their bad rows,
and the map from a unit's own record id to the entry it created (idempotency).

See docs/imports.md and docs/adr/0004-bulk-import.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A unit's system credential. Only a hash of the secret is kept; the secret is shown once.

    Each token acts through its own service account (``user``: no password, no staff profile), so
    every row it writes names the token in ``created_by`` and in the audit trail, and revoking the
    token switches the account off."""

    class Scope(models.TextChoices):
        ENTRIES_SUBMIT = "entries:submit", _("submit list entries")
        FEEDBACK_SUBMIT = "feedback:submit", _("submit measure execution feedback")

    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=64)
    # The public part of the token (cr_<prefix>_<secret>): looked up, then the secret's hash compared.
    prefix = models.CharField(_("token prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, verbose_name=_("secret hash"))
    scopes = models.JSONField(_("scopes"), default=list)  # Scope values; JSON so SQLite (embedded) works too
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token", verbose_name=_("user"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="api_token_unit_name")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ImportJob(models.Model):
    """One uploaded batch: parsed, validated and written by the Celery task ``imports.run``."""

    class Kind(models.TextChoices):
        ENTRIES = "ENTRIES", _("list entries")
        FEEDBACK = "FEEDBACK", _("measure execution feedback")

    class State(models.TextChoices):
        QUEUED = "QUEUED", _("queued")
        RUNNING = "RUNNING", _("running")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        XLSX = "xlsx", "XLSX"

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("unit"))
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs", verbose_name=_("token"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.FileField(upload_to="imports/%Y/%m/", verbose_name=_("file"))
    file_name = models.CharField(max_length=255, blank=True, verbose_name=_("file name"))
    file_sha256 = models.CharField(max_length=64, verbose_name=_("file SHA-256"))
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("already imported"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    # Listing flows of the created drafts are started after the rows commit, in chunks.
    flows_pending = models.PositiveIntegerField(default=0, verbose_name=_("entries waiting for their flow"))
    failure = models.TextField(blank=True, verbose_name=_("failure"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["unit", "-created_at"], name="import_job_unit_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.unit})"


class ImportRowError(models.Model):
    """One refused row: its line in the file, the field, a stable code and the message parameters.
    The message is rendered in the reader's language (docs/imports.md lists the codes)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("line"))
    record_id = models.CharField(_("record id"), max_length=64, blank=True)
    field = models.CharField(_("field"), max_length=32)
    code = models.CharField(_("code"), max_length=40)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="import_error_job_line")]


class ImportBatch(models.Model):
    """One chunk of a job's rows written in one transaction, and the object of that chunk's single
    audit event (``import.batch``): the event lists every entry and every new subject the chunk
    created, so it is the first event of each of their histories (docs/adr/0005-import-batch-audit.md)."""

    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="batches", verbose_name=_("import job"))
    number = models.PositiveIntegerField(_("batch"))  # 1, 2, … within the job (a re-run continues)
    first_line = models.PositiveIntegerField(_("first line"))
    last_line = models.PositiveIntegerField(_("last line"))
    entries_created = models.PositiveIntegerField(_("entries created"), default=0)
    subjects_created = models.PositiveIntegerField(_("subjects registered"), default=0)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["job", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="import_batch_number")]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.job_id}/{self.number} (lines {self.first_line}-{self.last_line})"


class ImportedRecord(models.Model):
    """A unit's own record id → the entry it created. Unique per unit: re-sending a file creates
    nothing twice. ``row_hash`` tells an unchanged re-send from a changed one."""

    # No index of its own: the unique (unit, record_id) index leads with it.
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    record_id = models.CharField(max_length=64)
    entry = models.OneToOneField("cases.ListEntry", on_delete=models.PROTECT, related_name="import_record")
    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="records")  # the latest job that sent it
    # The batch that created the entry, whose audit event records it (null: imported before batches
    # were audited, when each entry got its own ``entry.draft`` event). Looked up from the record,
    # never the other way, so no index.
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True, db_index=False,
                              related_name="+")
    row_hash = models.CharField(max_length=64)
    document_date = models.DateField(_("date of the decision document"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The entry's listing flow is started after commit (cases.imports.flows); null = not yet.
    flow_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "record_id"], name="imported_record_unique")]
        indexes = [
            models.Index(fields=["job"], name="imported_flow_pending", condition=models.Q(flow_started_at__isnull=True)),
        ]
