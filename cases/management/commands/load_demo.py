"""Load the demo province (cases/demo.py) through the registry services.

Idempotent: whatever exists already is left exactly as it is (an administrator's edits survive a
restart of the embedded default, which runs this on every start); only missing rows are created,
and links (roles, measures of a list type, implementing units) only together with their new row.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import demo
from cases.models import ListType, Measure, Region, StaffProfile, Subject, Unit, UnitListRole
from cases.services.registry import (
    catalogue_seed,
    list_type_create,
    measure_add_implementer,
    region_create,
    staff_create,
    unit_assign_role,
    unit_create,
)
from cases.services.subjects import subject_register


def load_demo() -> dict[str, int]:
    """Create every missing demo row; returns how many of each kind were created."""
    created = dict.fromkeys(["measures", "rules", "regions", "units", "list_types", "staff", "subjects"], 0)
    with transaction.atomic():
        counts = catalogue_seed(actor=None, update_existing=False)
        created["measures"] = counts["measures_created"]
        created["rules"] = counts["rules_created"]

        regions = {r.code: r for r in Region.objects.all()}
        for code, name, parent in demo.REGIONS:
            if code not in regions:
                regions[code] = region_create(actor=None, code=code, name=name, parent=regions.get(parent))
                created["regions"] += 1

        units = {u.code: u for u in Unit.objects.all()}
        new_units = set()
        for row in demo.UNITS:
            if row["code"] in units:
                continue
            values = dict(row)
            values["region"] = regions[values["region"]]
            values["parent"] = units.get(values.pop("parent", None))
            units[row["code"]] = unit_create(actor=None, **values)
            new_units.add(row["code"])
            created["units"] += 1

        measures = {m.code: m for m in Measure.objects.all()}
        for measure_code, unit_codes in demo.MEASURE_IMPLEMENTERS.items():
            for unit_code in unit_codes:
                if unit_code in new_units:
                    measure_add_implementer(actor=None, measure=measures[measure_code], unit=units[unit_code])

        for row in demo.LIST_TYPES:
            if ListType.objects.filter(code=row["code"]).exists():
                continue
            values = {k: v for k, v in row.items() if k not in {"listing", "data_providing", "measures"}}
            triggered = [measures[c] for c in row["measures"]]
            list_type = list_type_create(actor=None, measures=triggered, **values)
            created["list_types"] += 1
            roles = [(c, UnitListRole.Role.LISTING) for c in row["listing"]]
            roles += [(c, UnitListRole.Role.DATA_PROVIDING) for c in row["data_providing"]]
            implementers = {u for m in triggered for u in m.implementing_units.values_list("code", flat=True)}
            roles += [(c, UnitListRole.Role.IMPLEMENTING) for c in sorted(implementers)]
            # Lhasa's lead office supervises every list; Shigatse's the lists its own units keep.
            leads = {"ls-drc"}
            if any(units[c].region.code == "540200" for c in row["listing"]):
                leads.add(demo.CREDIT_LEAD_UNITS["540200"])
            roles += [(c, UnitListRole.Role.CREDIT_LEAD) for c in sorted(leads)]
            for unit_code, role in roles:
                unit_assign_role(actor=None, unit=units[unit_code], list_type=list_type, role=role)

        existing_users = set(StaffProfile.objects.values_list("user__username", flat=True))
        hashed = ""  # the one published password, hashed once for every account (staff_create)
        for username, unit_code, role, full_name, scope in demo.STAFF:
            if username in existing_users:
                continue
            hashed = hashed or make_password(demo.DEMO_PASSWORD)
            staff_create(
                actor=None, unit=units[unit_code], username=username, password=demo.DEMO_PASSWORD, role=role,
                full_name=full_name, scope_region=regions[scope] if scope else None, password_hash=hashed,
            )
            created["staff"] += 1

        known = set(Subject.objects.values_list("identifier", flat=True))
        for row in demo.SUBJECTS:
            if row["identifier"] in known:
                continue
            subject_register(actor=None, **{**row, "region": regions[row["region"]]})
            created["subjects"] += 1
    return created


class Command(BaseCommand):
    help = "Load the demo province (Tibet: Lhasa and Shigatse): units, list types, staff logins, subjects."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="print username / password / unit / role")
        parser.add_argument(
            "--force", action="store_true", help="load even under production settings (never on a live system)"
        )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not options["force"]:
            raise CommandError("Refusing to load demo accounts with a published password under production settings.")
        created = load_demo()
        if any(created.values()):
            self.stdout.write("created: " + ", ".join(f"{n} {k}" for k, n in created.items()))
        else:
            self.stdout.write("demo data already loaded; nothing changed.")
        if options["print_logins"]:
            self.print_logins()

    def print_logins(self):
        usernames = [row[0] for row in demo.STAFF]
        profiles = {
            p.user.username: p
            for p in StaffProfile.objects.select_related("user", "unit", "scope_region").filter(
                user__username__in=usernames
            )
        }
        rows = [("username", "password", "unit", "role")]
        for username in usernames:
            profile = profiles.get(username)
            if profile is None:
                continue
            role = profile.get_role_display()
            if profile.scope_region_id:
                role = f"{role} ({profile.scope_region.name})"
            rows.append((username, demo.DEMO_PASSWORD, f"{profile.unit.code} {profile.unit.short_name}", str(role)))
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for i, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[j]) for j, cell in enumerate(row)).rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
