from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]

    operations = [
        migrations.AddField(model_name="notification", name="done_at",
                            field=models.DateTimeField(blank=True, null=True)),
    ]
