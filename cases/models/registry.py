"""Regions, units (单位), their roles per list type, and staff."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division identified by its 6-digit 行政区划代码."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent region"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def descendant_codes_prefix(self) -> str:
        """Divisions below this one share its code without the trailing zero pairs."""
        code = self.code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code


class Unit(models.Model):
    """A government unit (单位). Each unit owns one permission that viewflow tasks are routed by."""

    code = models.SlugField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=32)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("region"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit"))
    # Prefix of the unit's document numbers (文号), e.g. 拉发改信用 in 拉发改信用〔2026〕12号.
    document_prefix = models.CharField(_("document number prefix"), max_length=32)
    is_credit_lead_office = models.BooleanField(_("credit lead office"), default=False)
    is_platform_window = models.BooleanField(_("platform window"), default=False)
    group = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="unit", null=True, blank=True, verbose_name=_("permission group"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # Permission codenames are created per unit by cases.services.registry.unit_create.
        default_permissions = ()

    def __str__(self) -> str:
        return self.name

    @property
    def permission_codename(self) -> str:
        return f"unit_{self.code}"

    @property
    def permission_name(self) -> str:
        """The dotted permission string viewflow's ``owner_permission`` routes tasks by."""
        return f"cases.{self.permission_codename}"


class UnitListRole(models.Model):
    """The role a unit plays for one list type (认定/信息提供/实施/牵头)."""

    class Role(models.TextChoices):
        LISTING = "LISTING", _("listing / initiating unit")
        DATA_PROVIDING = "DATA_PROVIDING", _("data-providing unit")
        IMPLEMENTING = "IMPLEMENTING", _("implementing unit")
        CREDIT_LEAD = "CREDIT_LEAD", _("credit lead office")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="list_roles", verbose_name=_("unit"))
    list_type = models.ForeignKey("cases.ListType", on_delete=models.CASCADE, related_name="unit_roles", verbose_name=_("list type"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "list_type", "role"], name="unit_list_role_unique")]
        verbose_name = _("unit role")
        verbose_name_plural = _("unit roles")

    def __str__(self) -> str:
        return f"{self.unit} · {self.list_type} · {self.get_role_display()}"


class StaffProfile(models.Model):
    """A staff account's unit and role. Auditors may carry a wider scope region."""

    class Role(models.TextChoices):
        OFFICER = "OFFICER", _("officer")
        LEADER = "LEADER", _("unit leader")
        AUDITOR = "AUDITOR", _("auditor")
        ADMINISTRATOR = "ADMINISTRATOR", _("administrator")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("user"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    scope_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Auditors read every case of units in this region and below."), verbose_name=_("audit scope region")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
