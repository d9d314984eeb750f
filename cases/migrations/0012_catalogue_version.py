"""The catalogue's version number (issue 21 item 1): the status check caches the catalogue per
process and checks this one row in the statement that reads the subject's entries.

Statement-level triggers on the three tables the status check's measures come from (measures,
list type ↔ measure, measure ↔ implementing unit) give the row a new number from a sequence on
every INSERT, UPDATE, DELETE or TRUNCATE, whoever runs it. BEFORE the statement, so a transaction
takes the row's lock before any catalogue row's: two concurrent catalogue changes queue on the row
instead of deadlocking. The sequence belongs to no column: ``TRUNCATE … RESTART IDENTITY`` (a
flushed test database) does not rewind it, so a number is never given to two catalogue states.
"""

from django.db import migrations, models

TABLES = ("cases_measure", "cases_listtypemeasure", "cases_measureimplementer")

FORWARD = [
    "CREATE SEQUENCE cases_catalogue_version_seq",
    """CREATE FUNCTION cases_catalogue_version_bump() RETURNS trigger LANGUAGE plpgsql SECURITY INVOKER AS $$
       BEGIN
           INSERT INTO cases_catalogueversion (id, version) VALUES (1, nextval('cases_catalogue_version_seq'))
               ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
           RETURN NULL;
       END $$""",
    "INSERT INTO cases_catalogueversion (id, version) VALUES (1, nextval('cases_catalogue_version_seq'))",
    *(f"""CREATE TRIGGER {table}_bumps_catalogue_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION cases_catalogue_version_bump()""" for table in TABLES),
]
BACKWARD = [
    *(f"DROP TRIGGER {table}_bumps_catalogue_version ON {table}" for table in TABLES),
    "DROP FUNCTION cases_catalogue_version_bump()",
    "DROP SEQUENCE cases_catalogue_version_seq",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_subject_name_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(id=1), name="catalogue_version_single_row")],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
