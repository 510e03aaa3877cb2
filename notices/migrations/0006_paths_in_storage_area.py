"""Stored paths become relative to the private storage area "notices" (core.storage.PrivateStorage), and the
preview gets a checksum like every other file.

The files stay where they are (PRIVATE_STORAGE_ROOT/notices/<batch_ref>/…); only the rows drop the leading
"notices/". Previews made before this migration had no checksum: the one on disk now is taken as written,
so a batch waiting for confirmation keeps its preview.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, Substr

PREFIX = "notices/"


def strip_prefix(apps, schema_editor):
    PrintFile = apps.get_model("notices", "PrintFile")
    NoticeBatch = apps.get_model("notices", "NoticeBatch")
    start = len(PREFIX) + 1  # Substr counts from 1
    PrintFile.objects.filter(path__startswith=PREFIX).update(path=Substr("path", start))
    NoticeBatch.objects.filter(manifest_path__startswith=PREFIX).update(manifest_path=Substr("manifest_path", start))
    area = Path(settings.PRIVATE_STORAGE_ROOT) / "notices"
    for pk, ref in NoticeBatch.objects.filter(preview_sha256="").values_list("pk", "batch_ref"):
        preview = area / ref / f"{ref}-preview.pdf"
        if preview.is_file():
            digest = hashlib.sha256(preview.read_bytes()).hexdigest()
            NoticeBatch.objects.filter(pk=pk).update(preview_sha256=digest)


def add_prefix(apps, schema_editor):
    PrintFile = apps.get_model("notices", "PrintFile")
    NoticeBatch = apps.get_model("notices", "NoticeBatch")
    PrintFile.objects.exclude(path__startswith=PREFIX).update(path=Concat(Value(PREFIX), "path"))
    NoticeBatch.objects.exclude(manifest_path="").exclude(manifest_path__startswith=PREFIX).update(
        manifest_path=Concat(Value(PREFIX), "manifest_path")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0005_japanese_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="noticebatch",
            name="preview_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(strip_prefix, add_prefix),
    ]
