"""The listed subjects (ACTIVE or SUSPENDED entries: what public disclosure shows) and their names,
in a table of their own kept by triggers (``cases.models.ListedSubject``); 0019 adds its two name
indexes.

At 10 million registered subjects the public search looked a name up in the registry's indexes and
then probed the listed entries, or walked every listed subject by primary key: a broad fragment
(建筑工程, 公司) cost what the listed subjects cost, not what it found (docs/performance.md). Here it
asks indexes that hold the listed subjects alone.

- ``cases_listentry``: a row trigger whose WHEN clause lets through only a change of whether an entry
  is listed (or of the subject of a listed entry): +1 or −1 on the subject's row here, the row
  created at 1 and deleted at 0. Counters commute, so concurrent transitions on one subject's
  entries leave the right count; the row lock serialises them. An import's drafts, a suspension
  (ACTIVE → SUSPENDED) and every save that does not change the state never call the function.
- ``cases_subject``: a renamed subject's name follows here.
- ``cases_listed_subject_rebuild()`` recounts from the entries (this migration's backfill; the
  benches' bulk loads, which load with triggers off, call it after).

The backfill holds writes on ``cases_listentry`` (SHARE lock) for its seconds, into a table without
indexes yet; migration 0019 then builds the two name indexes CONCURRENTLY (docs/operations.md).
"""

import django.db.models.deletion
from django.db import migrations, models

LISTED = "('ACTIVE', 'SUSPENDED')"

FUNCTIONS = f"""
-- A migration that cannot get its locks fails and is run again, rather than queueing every
-- request behind it (docs/operations.md, "Releases and migrations").
SET LOCAL lock_timeout = '5s';

CREATE FUNCTION cases_listed_subject_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state IN {LISTED} THEN
        UPDATE cases_listed_subject SET entries = entries - 1 WHERE subject_id = OLD.subject_id;
        DELETE FROM cases_listed_subject WHERE subject_id = OLD.subject_id AND entries = 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state IN {LISTED} THEN
        INSERT INTO cases_listed_subject (subject_id, name, entries)
        SELECT id, name, 1 FROM cases_subject WHERE id = NEW.subject_id
        ON CONFLICT (subject_id) DO UPDATE SET entries = cases_listed_subject.entries + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION cases_listed_subject_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases_listed_subject SET name = NEW.name WHERE subject_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE FUNCTION cases_listed_subject_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE cases_listentry IN SHARE MODE;
    DELETE FROM cases_listed_subject;
    INSERT INTO cases_listed_subject (subject_id, name, entries)
    SELECT s.id, s.name, e.n
      FROM (SELECT subject_id, count(*) AS n FROM cases_listentry WHERE state IN {LISTED} GROUP BY subject_id) e
      JOIN cases_subject s ON s.id = e.subject_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

CREATE TRIGGER cases_listentry_listed_insert AFTER INSERT ON cases_listentry
    FOR EACH ROW WHEN (NEW.state IN {LISTED}) EXECUTE FUNCTION cases_listed_subject_count();
CREATE TRIGGER cases_listentry_listed_update AFTER UPDATE OF state, subject_id ON cases_listentry
    FOR EACH ROW WHEN ((OLD.state IN {LISTED}) <> (NEW.state IN {LISTED})
                       OR (OLD.subject_id <> NEW.subject_id AND NEW.state IN {LISTED}))
    EXECUTE FUNCTION cases_listed_subject_count();
CREATE TRIGGER cases_listentry_listed_delete AFTER DELETE ON cases_listentry
    FOR EACH ROW WHEN (OLD.state IN {LISTED}) EXECUTE FUNCTION cases_listed_subject_count();
CREATE TRIGGER cases_subject_listed_name AFTER UPDATE OF name ON cases_subject
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION cases_listed_subject_name();

SELECT cases_listed_subject_rebuild();
"""

DROP = """
DROP TRIGGER cases_subject_listed_name ON cases_subject;
DROP TRIGGER cases_listentry_listed_delete ON cases_listentry;
DROP TRIGGER cases_listentry_listed_update ON cases_listentry;
DROP TRIGGER cases_listentry_listed_insert ON cases_listentry;
DROP FUNCTION cases_listed_subject_rebuild();
DROP FUNCTION cases_listed_subject_name();
DROP FUNCTION cases_listed_subject_count();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_objection_and_repair_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListedSubject',
            fields=[
                ('subject', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='cases.subject', verbose_name='credit subject')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('entries', models.PositiveIntegerField(verbose_name='listed entries')),
            ],
            options={
                'verbose_name': 'listed subject',
                'verbose_name_plural': 'listed subjects',
                'db_table': 'cases_listed_subject',
            },
        ),
        migrations.RunSQL(FUNCTIONS, reverse_sql=DROP),
    ]
