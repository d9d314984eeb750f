"""The queue's index gains the tie-break (unit, due, task) WHERE is_open, built without blocking
writes (issue 21 item 3): the first page of a large queue stops after its 50 rows."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workflow", "0005_holidays_move_to_deadlines"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workitem",
            index=models.Index(condition=Q(is_open=True), fields=["unit", "due", "task"], name="work_open_by_unit_due"),
        ),
        RemoveIndexConcurrently(model_name="workitem", name="work_open_by_unit"),
    ]
