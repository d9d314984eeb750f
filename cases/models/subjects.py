"""Credit subjects (信用主体) and their name history."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func
from django.utils.translation import gettext_lazy as _


def _name_indexes(prefix: str) -> list[GinIndex]:
    """The two name indexes of cases.selectors.names: trigrams (3+ characters), two-character pieces."""
    return [
        GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name=f"{prefix}_name_trgm"),
        GinIndex(Func(F("name"), function="cases_name_bigrams", output_field=ArrayField(models.TextField())),
                 name=f"{prefix}_name_bigrams"),
    ]


class Subject(models.Model):
    class Kind(models.TextChoices):
        LEGAL_PERSON = "LEGAL_PERSON", _("legal person")
        UNINCORPORATED = "UNINCORPORATED", _("unincorporated organisation")
        INDIVIDUAL_BUSINESS = "INDIVIDUAL_BUSINESS", _("individual business")
        NATURAL_PERSON = "NATURAL_PERSON", _("natural person")

    class IdentifierType(models.TextChoices):
        USCC = "USCC", _("unified social credit code")
        RESIDENT_ID = "RESIDENT_ID", _("resident identity card number")

    kind = models.CharField(_("subject type"), max_length=24, choices=Kind.choices)
    identifier_type = models.CharField(_("identifier type"), max_length=16, choices=IdentifierType.choices)
    # One subject per identifier; validated by cases.identifiers before it is ever stored.
    identifier = models.CharField(_("identifier"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    region = models.ForeignKey("cases.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        # Name search by fragment (cases.selectors.names): LIKE/ILIKE '%...%' of 3+ characters, and
        # the name's two-character pieces (cases_name_bigrams, migration 0014) for 2 characters.
        indexes = _name_indexes("subject")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="NATURAL_PERSON", identifier_type="RESIDENT_ID")
                    | (~models.Q(kind="NATURAL_PERSON") & models.Q(identifier_type="USCC"))
                ),
                name="subject_identifier_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.identifier}）"

    @property
    def is_natural_person(self) -> bool:
        return self.kind == self.Kind.NATURAL_PERSON


class ListedSubject(models.Model):
    """A subject with at least one listed entry (ACTIVE or SUSPENDED: what public disclosure shows),
    its name and how many such entries it has. Kept by PostgreSQL triggers on ``cases_listentry``
    and on ``cases_subject.name`` (migration 0018), whatever writes them (a transition, a set-based
    expiry, a revocation, an import); the application only reads it.

    The public search looks names up here, in indexes over the listed subjects alone, instead of in
    the registry's: at 10 million registered subjects a broad fragment matched far more registered
    subjects than listed ones (docs/performance.md, "Name search")."""

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, primary_key=True, related_name="+",
                                   verbose_name=_("credit subject"))
    name = models.CharField(_("name"), max_length=200)
    entries = models.PositiveIntegerField(_("listed entries"))

    class Meta:
        db_table = "cases_listed_subject"
        verbose_name = _("listed subject")
        verbose_name_plural = _("listed subjects")
        indexes = _name_indexes("listed_subject")

    def save(self, *args, **kwargs):
        raise TypeError("cases_listed_subject is written by its triggers only (migration 0018)")


class SubjectNameHistory(models.Model):
    """Every name a subject has carried; the current one has ``valid_to`` empty."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="name_history")
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["subject", "valid_from"]
        verbose_name = _("former name")
        verbose_name_plural = _("name history")
