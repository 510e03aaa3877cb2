"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are still
# synchronous and safe (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo", "accept_downloads": True}


@pytest.fixture
def log_in(live_server):
    """log_in(page, username, password): type the credentials into the Japanese log-in page."""

    def do(page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("職員ID").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{live_server.url}/")

    return do


@pytest.fixture(autouse=True)
def _patient_assertions():
    # a 2-core CI machine busy with the live server and PostgreSQL: allow 15 s before an assertion fails
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _migrated_reference_data(transactional_db):
    """The flush that ends every transactional test empties the tables that migrations filled (the schedule
    rules); put them back so each browser test starts from the database as migrated."""
    import importlib

    from django.apps import apps

    if not apps.get_model("immunization", "Vaccine").objects.exists():
        importlib.import_module("immunization.migrations.0003_schedule_data").load(apps, None)
