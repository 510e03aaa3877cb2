import pytest

from accounts import roles
from audit.models import AuditRecord
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber


@pytest.mark.django_db
def test_clerk_finds_resident_by_hiragana_and_opens_the_page(staff_client):
    resident = ResidentFactory(name="山田　花子", name_kana="ヤマダ　ハナコ")
    give_mynumber(resident, valid_mynumber(1))
    client, _ = staff_client(roles.CLERK)

    found = client.get("/residents/", {"name": "やまだ　はな"})
    assert found.status_code == 200
    assert resident.atena_no in found.content.decode()

    page = client.get(f"/residents/{resident.pk}/")
    assert page.status_code == 200
    assert "登録あり" in page.content.decode()
    assert AuditRecord.objects.filter(event="view", subject_atena=resident.atena_no).count() == 1
