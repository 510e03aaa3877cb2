"""A batch's files in private storage: paths relative to the area, every read checked against its SHA-256,
a tampered file refused with a Japanese message and the refusal recorded; the migration that moved the
stored paths into the area."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts import roles
from audit.models import AuditRecord
from core.origin import Origin
from notices import pipeline, services
from notices.models import NoticeBatch, NoticeTarget, PrintFile
from notices.services import STORAGE
from tests.factories.notices import reminder_spec

pytestmark = pytest.mark.django_db
TAMPERED_TEXT = "一致しません"  # core.storage.ChecksumMismatch.message


def _run_batch() -> NoticeBatch:
    created = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec())
    batch = services.batch_extract(batch_id=created.pk)
    return pipeline.batch_run_inline(batch=batch, actor=None, origin=Origin.batch())


def test_stored_paths_are_relative_to_the_notices_area(elder, settings):
    elder()
    batch = _run_batch()
    f = batch.files.get()
    assert f.path == f"{batch.batch_ref}/{batch.batch_ref}-0001.pdf"
    assert batch.manifest_path == f"{batch.batch_ref}/{batch.batch_ref}-manifest.csv"
    assert STORAGE.absolute(f.path) == (settings.PRIVATE_STORAGE_ROOT / "notices" / f.path).resolve()
    preview = STORAGE.absolute(services.preview_path(batch)).read_bytes()
    assert hashlib.sha256(preview).hexdigest() == NoticeBatch.objects.get(pk=batch.pk).preview_sha256


@pytest.mark.parametrize("which", ["file", "manifest", "preview", "target_pages"])
def test_a_tampered_file_is_refused_recorded_and_explained_in_japanese(elder, staff_client, which):
    person = elder()
    batch = _run_batch()
    f = batch.files.get()
    target = NoticeTarget.objects.get(batch=batch, resident=person)
    path, url = {
        "file": (f.path, reverse("notices:file", args=[batch.pk, f.pk])),
        "manifest": (batch.manifest_path, reverse("notices:manifest", args=[batch.pk])),
        "preview": (services.preview_path(batch), reverse("notices:preview", args=[batch.pk])),
        "target_pages": (f.path, reverse("notices:target_pages", args=[target.pk])),
    }[which]
    client, staff = staff_client(roles.CLERK)
    assert client.get(url).status_code == 200
    STORAGE.absolute(path).write_bytes(b"%PDF-1.7 replaced")
    resp = client.get(url)
    assert resp.status_code == 409
    assert TAMPERED_TEXT in resp.content.decode()
    refusal = AuditRecord.objects.get(outcome="tampered")
    assert refusal.actor == staff
    assert refusal.additional_data["path"] == f"notices/{path}"
    if which == "target_pages":
        assert refusal.subject_atena == person.atena_no


def test_a_batch_without_a_preview_says_so(elder, staff_client):
    elder()
    created = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec())
    batch = services.batch_extract(batch_id=created.pk, preview=False)
    client, _ = staff_client(roles.CLERK)
    assert client.get(reverse("notices:preview", args=[batch.pk])).status_code == 404


def test_migration_moves_stored_paths_into_the_area_and_back(elder, settings):
    migration = importlib.import_module("notices.migrations.0006_paths_in_storage_area")
    elder()
    batch = _run_batch()
    f = batch.files.get()
    relative_file, relative_manifest = f.path, batch.manifest_path
    # as rows looked before: relative to PRIVATE_STORAGE_ROOT, and a preview without a checksum
    migration.add_prefix(apps, None)
    NoticeBatch.objects.filter(pk=batch.pk).update(preview_sha256="")
    assert PrintFile.objects.get(pk=f.pk).path == f"notices/{relative_file}"
    assert NoticeBatch.objects.get(pk=batch.pk).manifest_path == f"notices/{relative_manifest}"

    migration.strip_prefix(apps, None)
    batch.refresh_from_db()
    assert PrintFile.objects.get(pk=f.pk).path == relative_file
    assert batch.manifest_path == relative_manifest
    preview = STORAGE.absolute(services.preview_path(batch)).read_bytes()
    assert batch.preview_sha256 == hashlib.sha256(preview).hexdigest()
