"""A clerk makes a reminder batch for a real cohort: preview, run (a real Celery worker), watch the progress,
download the postcards, and find the notice on a resident's page."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts import roles
from notices.models import NoticeBatch
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.residents import ResidentFactory
from tests.notices import pdfread, workers

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    env = workers.worker_env(settings)
    proc = workers.start(env, tmp_path / "worker.log")
    yield proc
    workers.stop(proc)
    workers.purge(env["NOTICE_QUEUE"])


def test_clerk_runs_reminder_postcards_and_sees_them_on_the_resident_page(live_server, page, log_in, worker):
    StaffFactory(username="clerk", roles=[roles.CLERK])
    elders = [
        ResidentFactory(
            name=f"岡崎　一郎{i}",
            birth_date=datetime.date(1950, 1, i + 1),
            postal_code=f"444000{i + 1}",
            address=f"愛知県岡崎市康生町{i + 1}丁目2番地3",
        )
        for i in range(4)
    ]
    log_in(page, "clerk", PASSWORD)
    page.get_by_role("link", name="通知バッチの作成").click()
    page.get_by_label("通知の種類").select_option("reminder")
    page.get_by_label("ワクチンのコード").fill("flu_elderly")
    page.get_by_label("基準日").fill("R8.11.1")
    page.get_by_label("対象者の範囲").select_option("age")
    page.get_by_label("年齢(から)").fill("65")
    page.get_by_label("年齢(まで)").fill("120")
    page.get_by_label("全員に同じ接種期限を印字する").fill("R9.1.31")
    page.get_by_role("button", name="抽出する(プレビュー)").click()

    # the extraction runs on the worker; the page polls until the counts are there
    expect(page.locator("#progress")).to_contain_text("送付対象", timeout=60_000)
    expect(page.locator("#progress")).to_contain_text("4 人")
    expect(page.get_by_role("link", name="最初のページの見本(PDF)を確認する")).to_be_visible()
    page.get_by_role("button", name="対象者を確定して作成する").click()
    expect(page.locator("#progress")).to_contain_text("完了", timeout=90_000)
    expect(page.locator("#progress")).to_contain_text("4 / 4 件")

    batch = NoticeBatch.objects.get()
    with page.expect_download() as dl:
        page.get_by_role("link", name=f"{batch.batch_ref}/{batch.batch_ref}-0001.pdf").click()
    data = Path(dl.value.path()).read_bytes()
    r = pdfread.reader(data)
    assert len(r.pages) == 8
    assert "岡崎一郎0" in pdfread.page_text(r, 0).replace("　", "")

    page.goto(f"{live_server.url}/residents/{elders[2].pk}/")
    history = page.locator("#notice-history")
    expect(history).to_contain_text("未接種勧奨はがき")
    expect(history).to_contain_text(batch.batch_ref)
    expect(history.get_by_role("link", name="5〜6 ページ")).to_be_visible()
