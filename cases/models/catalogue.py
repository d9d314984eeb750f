"""List types (红名单 / 黑名单 / 重点关注名单) and the measures catalogue (措施清单)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListType(models.Model):
    class Kind(models.TextChoices):
        RED = "RED", _("red list (trustworthy)")
        SERIOUS = "SERIOUS", _("serious untrustworthy list (blacklist)")
        FOCUS = "FOCUS", _("focus list")

    class Severity(models.TextChoices):
        MINOR = "MINOR", _("minor")
        GENERAL = "GENERAL", _("general")
        SEVERE = "SEVERE", _("severe")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    kind = models.CharField(_("list kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=128)
    standard_document = models.CharField(_("standard document number"), max_length=128)
    standard_article = models.CharField(_("standard article"), max_length=128, blank=True)
    validity_months = models.PositiveIntegerField(_("validity (months)"), null=True, blank=True)
    severity = models.CharField(_("severity tier"), max_length=8, choices=Severity.choices, blank=True)
    min_publication_months = models.PositiveIntegerField(_("minimum publication (months)"), null=True, blank=True)
    max_publication_months = models.PositiveIntegerField(_("maximum publication (months)"), null=True, blank=True)
    repair_excluded = models.BooleanField(_("excluded from credit repair"), default=False)
    repair_exclusion_basis = models.CharField(_("basis of the exclusion"), max_length=255, blank=True)
    measures = models.ManyToManyField("cases.Measure", through="cases.ListTypeMeasure", related_name="list_types", verbose_name=_("measures"))
    is_active = models.BooleanField(_("active"), default=True)
    # The list type's basis was revoked (名单类型废止): no new listing, and the removal sweep takes
    # its listed entries off the list in batches (cases.services.entries.entries_expire).
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for the revocation"), max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("list type")
        verbose_name_plural = _("list types")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_publication_months__isnull=True)
                | models.Q(max_publication_months__isnull=True)
                | models.Q(min_publication_months__lte=models.F("max_publication_months")),
                name="list_type_publication_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """One measure of the catalogue. Legal bases are unverified until a legal reviewer says so."""

    class Direction(models.TextChoices):
        PUNISHMENT = "PUNISHMENT", _("joint punishment")
        REWARD = "REWARD", _("joint reward")

    class Category(models.TextChoices):
        ADMINISTRATIVE = "ADMINISTRATIVE", _("administrative")
        MANAGEMENT = "MANAGEMENT", _("administrative management")
        MARKET = "MARKET", _("market")
        INDUSTRY = "INDUSTRY", _("industry")
        SOCIAL = "SOCIAL", _("social")
        INCENTIVE = "INCENTIVE", _("incentive")

    class LegalClass(models.TextChoices):
        # measures.md: A reduces rights / adds duties; B management; C by non-public bodies.
        A = "A", _("A: reduces rights or adds duties (public bodies)")
        B = "B", _("B: management measures (public bodies)")
        C = "C", _("C: by organisations other than public bodies")

    class BasisStatus(models.TextChoices):
        VERIFIED = "VERIFIED", _("base list, verified")
        UNVERIFIED = "UNVERIFIED", _("base list, unverified")
        LOCAL_ONLY = "LOCAL_ONLY", _("local documents only")

    code = models.CharField(_("code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=255)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    legal_class = models.CharField(_("legal class"), max_length=1, choices=LegalClass.choices)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    legal_basis = models.TextField(_("legal basis"))
    # The catalogue's bases are a starting point (measures.md): every cell awaits legal review.
    legal_basis_verified = models.BooleanField(_("legal basis reviewed"), default=False)
    basis_status = models.CharField(_("source status"), max_length=12, choices=BasisStatus.choices)
    source_note = models.CharField(_("source"), max_length=255, blank=True)
    target = models.CharField(_("target"), max_length=255)
    typical_implementers = models.CharField(_("typical implementing units"), max_length=255, blank=True)
    implementing_units = models.ManyToManyField(
        "cases.Unit", through="cases.MeasureImplementer", related_name="implemented_measures", verbose_name=_("implementing units")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            # 国办发〔2020〕49号: organisations outside public administration cannot be required to act.
            models.CheckConstraint(
                condition=~models.Q(legal_class="C", mandatory=True), name="measure_class_c_not_mandatory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ListTypeMeasure(models.Model):
    list_type = models.ForeignKey(ListType, on_delete=models.CASCADE)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list_type", "measure"], name="list_type_measure_unique")]


class MeasureImplementer(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE)
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="measure_implementer_unique")]


class CatalogueVersion(models.Model):
    """One row: a number that changes with every committed change of the catalogue tables (measures,
    list type ↔ measure, measure ↔ implementing unit), written by statement-level triggers
    (migration 0012), whoever makes the change: services, the admin, bulk loads.

    The status check caches the catalogue per process and reads this number in the same statement
    as the subject's entries (``cases.selectors.catalogue_cache``): a change reaches every process
    at its next check. The number comes from a sequence, so a rolled-back change never hands a
    number that a later, different catalogue could reuse; a missing row (a flushed test database)
    reads as 0."""

    version = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="catalogue_version_single_row")]
