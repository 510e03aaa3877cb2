# The app's starting point: its models arrive in later migrations (schedule rules, records …).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]
    operations: list = []
