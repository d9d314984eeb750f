"""Viewflow's task table has no index on ``owner_permission``, which is how every unit's queue is
read (tasks are routed to ``cases.unit_<code>``). A partial index over open tasks keeps the queue a
short index scan at province scale (200,000 open tasks over 100 units); closed tasks, the
overwhelming majority over the years, are not in it. Viewflow's own migrations are left untouched."""

from django.db import migrations

OPEN = "('NEW', 'ASSIGNED', 'STARTED')"


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_work_items"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS workflow_task_owner_perm_open ON viewflow_task "
                f"(owner_permission, created) WHERE status IN {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS workflow_task_owner_perm_open",
        ),
    ]
