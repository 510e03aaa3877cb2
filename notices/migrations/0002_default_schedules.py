from django.db import migrations


def create(apps, schema_editor):
    from notices.schedules import ensure_defaults

    ensure_defaults(apps.get_model("django_celery_beat", "PeriodicTask"), apps.get_model("django_celery_beat", "CrontabSchedule"))


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
