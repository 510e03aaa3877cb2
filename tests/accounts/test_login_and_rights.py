"""PIA III-3 R2 / III-4: log-in, lockout until an administrator unlocks, contractor expiry, rights console."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import timezone

from accounts import roles
from accounts.menus import MENU
from audit.models import AuditRecord
from tests.factories.accounts import PASSWORD, StaffFactory


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_japanese_login_page_and_successful_login_is_recorded():
    staff = StaffFactory(username="tanaka", roles=[roles.CLERK])
    client = Client()
    page = client.get("/accounts/login/")
    assert "ログイン" in page.content.decode() and 'lang="ja"' in page.content.decode()
    assert login(client, "tanaka", PASSWORD).status_code == 302
    assert AuditRecord.objects.filter(event="login", actor=staff).count() == 1


@pytest.mark.django_db
def test_iii_3_r2_sixth_login_after_five_failures_is_refused_until_an_administrator_unlocks():
    StaffFactory(username="suzuki", roles=[roles.CLERK])
    client = Client()
    for _ in range(5):
        r = login(client, "suzuki", "wrong-password")
    assert "アカウントがロックされています" in r.content.decode()
    locked = login(client, "suzuki", PASSWORD)  # the right password, sixth try
    assert locked.status_code != 302
    assert "アカウントがロックされています" in locked.content.decode()
    assert AuditRecord.objects.filter(event="lockout").count() >= 1
    assert AuditRecord.objects.filter(event="login_failed").count() == 6  # the refused sixth try too

    # nobody but the system administrator can lift it: a clerk cannot reach the console at all
    clerk = StaffFactory(username="clerk2", roles=[roles.CLERK], is_staff=True)
    c2 = Client()
    c2.force_login(clerk, backend="accounts.backends.StaffBackend")
    assert c2.get("/console/").status_code == 302  # sent to the console's log-in, not in

    admin = StaffFactory(username="it_admin", roles=[roles.ADMIN], is_staff=True)
    console = Client()
    console.force_login(admin, backend="accounts.backends.StaffBackend")
    listing = console.get("/console/accounts/staff/")
    assert listing.status_code == 200
    from accounts.models import Staff

    target = Staff.objects.get(username="suzuki")
    r = console.post("/console/accounts/staff/", {"action": "unlock", "_selected_action": [target.pk]}, follow=True)
    assert "ロックを解除しました" in r.content.decode()
    assert AuditRecord.objects.filter(event="unlock", actor=admin).count() == 1
    assert login(Client(), "suzuki", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_iii_4_contractor_cannot_log_in_after_expiry_and_is_logged_out_when_it_passes():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    StaffFactory(username="punch_co", roles=[roles.CONTRACTOR], is_contractor=True, account_expires_on=yesterday)
    assert login(Client(), "punch_co", PASSWORD).status_code == 200  # form shown again, not logged in

    active = StaffFactory(
        username="punch_co2", roles=[roles.CONTRACTOR], is_contractor=True, account_expires_on=timezone.localdate()
    )
    client = Client()
    assert login(client, "punch_co2", PASSWORD).status_code == 302
    active.account_expires_on = yesterday
    active.save()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_contractor_account_requires_an_expiry_date():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        StaffFactory(username="no_expiry", is_contractor=True, account_expires_on=None)


@pytest.mark.django_db
def test_idle_session_ends_after_thirty_minutes(staff_client):
    client, _ = staff_client(roles.CLERK)
    client.get("/")
    assert 1790 <= client.session.get_expiry_age() <= 1800
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/residents/").status_code == 302


@pytest.mark.django_db
def test_iii_3_r2_rights_changes_in_the_console_are_audited_and_the_console_shows_no_resident_data():
    from tests.factories.residents import ResidentFactory

    resident = ResidentFactory(name="秘密　花子", name_kana="ヒミツ　ハナコ")
    admin = StaffFactory(username="it_admin", roles=[roles.ADMIN], is_staff=True)
    target = StaffFactory(username="newcomer")
    console = Client()
    console.force_login(admin, backend="accounts.backends.StaffBackend")
    clerk_group = Group.objects.get(name=roles.CLERK)
    r = console.post(
        f"/console/accounts/staff/{target.pk}/change/",
        {
            "username": "newcomer",
            "display_name": "新人",
            "section": "ワクチン接種推進室",
            "email": "",
            "is_active": "on",
            "groups": [clerk_group.pk],
            "account_expires_on": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-04-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert target.groups.filter(name=roles.CLERK).exists()
    changes = AuditRecord.objects.filter(object_pk=str(target.pk), action=AuditRecord.Action.UPDATE, actor=admin)
    group_change = changes.get(changes__has_key="groups")
    assert roles.CLERK in str(group_change.changes["groups"])
    for path in ["/console/", "/console/accounts/staff/", "/console/auth/group/", "/console/accounts/rightsreview/"]:
        body = console.get(path).content.decode()
        assert resident.name not in body and resident.atena_no not in body


@pytest.mark.django_db
def test_rights_table_export_and_review_are_recorded():
    admin = StaffFactory(username="it_admin", roles=[roles.ADMIN], is_staff=True)
    StaffFactory(username="ent1", roles=[roles.ENTRY])
    console = Client()
    console.force_login(admin, backend="accounts.backends.StaffBackend")
    r = console.post("/console/accounts/staff/", {"action": "export_rights_table", "_selected_action": [admin.pk]})
    text = r.content.decode("cp932")
    assert "ent1" in text and roles.ENTRY in text
    assert AuditRecord.objects.filter(event="export", actor=admin).count() == 1
    console.post("/console/accounts/rightsreview/add/", {"note": "令和8年度 期首確認"})
    from accounts.models import RightsReview

    review = RightsReview.objects.get()
    assert any(row["username"] == "ent1" for row in review.snapshot)


@pytest.mark.django_db
@pytest.mark.parametrize("item", MENU, ids=lambda i: i.url_name)
def test_iii_3_r1_every_menu_item_is_a_refused_url_for_roles_without_it(item, staff_client):
    from django.urls import reverse

    for role, perms in roles.ROLE_PERMISSIONS.items():
        client, _ = staff_client(role)
        home = client.get("/").content.decode()
        url = reverse(item.url_name)
        if item.perm in perms:
            assert f'href="{url}"' in home
            assert client.get(url).status_code == 200
        else:
            assert f'href="{url}"' not in home
            assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_portal_single_sign_on_header_is_ignored_unless_enabled():
    StaffFactory(username="sso_user", roles=[roles.CLERK])
    client = Client(HTTP_X_PORTAL_USER="sso_user")
    assert client.get("/").status_code == 302  # off by default: the header is not trusted
    with override_settings(PORTAL_SSO_HEADER="X-Portal-User"):
        from django.test import Client as FreshClient

        fresh = FreshClient(HTTP_X_PORTAL_USER="sso_user")
        assert fresh.get("/").status_code == 200
