"""Returned-voucher punch files: whole-file validation and reconciliation, each category from a real file."""

import datetime

import pytest

from audit.models import AuditRecord
from immunization import punch
from immunization.models import PunchImport, PunchLine, VaccinationRecord, Voucher
from immunization.services import punch_import, punch_line_resolve, voucher_issue, voucher_reissue
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2025, 3, 1)


def line(voucher, w, **over):
    row = {
        "voucher_no": voucher.number,
        "atena_no": voucher.resident.atena_no,
        "dose_code": voucher.dose_code,
        "vaccinated_on": "20250410",
        "institution_code": w.institution.code,
        "doctor_code": w.doctor.code,
        "manufacturer_code": w.maker.code,
        "lot_no": w.lot.lot_no,
        "dose_volume_ml": "0.50",
        "copayment_amount": "0",
    }
    row.update(over)
    return row


def child(**kw):
    kw.setdefault("birth_date", datetime.date(2024, 3, 15))
    return ResidentFactory(**kw)


def issue(resident, code="mr_1", batch="MR1"):
    return voucher_issue(resident=resident, dose_code=code, issued_on=ISSUED, batch_ref=batch)


@pytest.fixture
def importer():
    return StaffFactory(roles=["照合担当"])


def test_a_file_with_one_bad_line_imports_nothing(masters, importer):
    vouchers = [issue(child()) for _ in range(3)]
    rows = [line(v, masters) for v in vouchers]
    rows[1]["vaccinated_on"] = "20250230"
    imp = punch_import(data=punch.render(rows), file_name="202504.csv", actor=importer, origin=ORIGIN)
    assert imp.status == PunchImport.Status.REJECTED
    assert imp.errors == ["3行目: 接種日: 存在しない日付です: 20250230"]
    assert not PunchLine.objects.exists()
    assert not VaccinationRecord.objects.exists()
    assert Voucher.objects.filter(status="used").count() == 0
    audit = AuditRecord.objects.get(event="denied")
    assert audit.outcome == "invalid"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("見出し,だけ\r\n".encode(), "UTF-8"),
        (b"", "空"),
        ("接種券番号,宛番号\r\n1,2\r\n".encode("cp932"), "見出し行が様式と違います"),
    ],
)
def test_wrong_encoding_or_columns_are_refused(masters, importer, data, message):
    imp = punch_import(data=data, file_name="bad.csv", actor=importer, origin=ORIGIN)
    assert imp.status == PunchImport.Status.REJECTED
    assert message in imp.errors[0]


def test_line_errors_are_numbered_and_all_listed(masters, importer):
    v = issue(child())
    rows = [
        line(v, masters, voucher_no=v.number[:-1] + str((int(v.number[-1]) + 1) % 10)),
        line(v, masters, institution_code="9999999", lot_no="ZZZ"),
        line(v, masters, vaccinated_on="20990101"),
    ]
    data = punch.render(rows) + "1,2,3\r\n".encode("cp932")
    imp = punch_import(data=data, file_name="x.csv", actor=importer, origin=ORIGIN)
    text = "\n".join(imp.errors)
    assert "2行目: 接種券番号: 接種券番号のチェックデジット" in text
    assert "3行目: 医療機関コード: 医療機関コード「9999999」はマスタにありません。" in text
    assert "4行目: 接種日: 接種日が未来の日付です" in text
    assert "5行目: 項目数が3です" in text


def test_each_reconciliation_category_from_a_real_file(masters, importer):
    verifier = StaffFactory(roles=["照合担当"])
    # new
    v_new = issue(child())
    # exact duplicate: the same dose is already held, verified
    dup_child = child()
    v_dup = issue(dup_child)
    VaccinationRecord.objects.create(
        resident=dup_child,
        dose_code="mr_1",
        vaccinated_on=datetime.date(2025, 4, 10),
        lot_no="MR123",
        lot=masters.lot,
        manufacturer=masters.maker,
        institution=masters.institution,
        status="verified",
        verified_by=verifier,
        verified_at=datetime.datetime.now(datetime.UTC),
        voucher=v_dup,
    )
    # conflict: same dose held with another date
    con_child = child()
    v_con = issue(con_child)
    held = VaccinationRecord.objects.create(
        resident=con_child,
        dose_code="mr_1",
        vaccinated_on=datetime.date(2025, 3, 20),
        lot_no="MR123",
        institution=masters.institution,
        status="verified",
        verified_by=verifier,
        verified_at=datetime.datetime.now(datetime.UTC),
    )
    # unknown voucher (never issued) and unknown resident
    ghost = child()
    unknown_voucher_row = line(issue(ghost), masters)
    Voucher.objects.filter(resident=ghost).delete()
    v_other = issue(child())
    unknown_resident_row = line(v_other, masters, atena_no="999999999")
    # voided voucher (re-issued after loss, then the old one came back)
    v_void = issue(child())
    voucher_reissue(voucher=v_void, reason="紛失", actor=verifier, origin=ORIGIN)
    # not resident on that day: moved out before the vaccination
    gone = child(status="moved_out", ceased_on=datetime.date(2025, 4, 1), ceased_reason="転出")
    v_gone = issue(gone)

    rows = [
        line(v_new, masters),
        line(v_dup, masters),
        line(v_con, masters),
        unknown_voucher_row,
        unknown_resident_row,
        line(v_void, masters),
        line(v_gone, masters),
    ]
    imp = punch_import(data=punch.render(rows), file_name="202504.csv", actor=importer, origin=ORIGIN)
    assert imp.status == PunchImport.Status.RECONCILED, imp.errors
    got = dict(imp.lines.values_list("line_no", "category"))
    assert got == {2: "new", 3: "duplicate", 4: "conflict", 5: "unknown", 6: "unknown", 7: "voided", 8: "not_resident"}
    details = dict(imp.lines.values_list("line_no", "detail"))
    assert "2025-03-20" in details[4]
    assert details[5] == "接種券番号が発行されていません"
    assert details[6] == "宛番号の住民が登録されていません"
    assert "再発行" in details[7]
    assert "転出 2025-04-01" in details[8]
    assert imp.counts["new"] == 1
    assert imp.counts["open"] == 5  # the duplicate needs nobody

    new_record = VaccinationRecord.objects.get(punch_line__line_no=2, punch_line__punch_import=imp)
    assert new_record.status == "verified"
    assert new_record.verified_by == importer
    v_new.refresh_from_db()
    assert v_new.status == "used"
    assert VaccinationRecord.objects.filter(status="verified").count() == 3

    # the same file again is refused as a whole
    again = punch_import(data=punch.render(rows), file_name="202504.csv", actor=importer, origin=ORIGIN)
    assert again.status == "rejected"
    assert "既に取り込まれています" in again.errors[0]

    # worklist: the conflict accepted (file wins), the unknown resident corrected, the voided one rejected
    conflict = imp.lines.get(line_no=4)
    punch_line_resolve(
        line=conflict, actor=verifier, origin=ORIGIN, action="accept", reason="医療機関に確認、4/10が正しい"
    )
    held.refresh_from_db()
    assert held.status == "rejected"
    assert VaccinationRecord.objects.get(punch_line=conflict).vaccinated_on == datetime.date(2025, 4, 10)

    wrong_atena = imp.lines.get(line_no=6)
    fixed = punch_line_resolve(
        line=wrong_atena,
        actor=verifier,
        origin=ORIGIN,
        action="correct",
        reason="宛番号の誤記",
        corrections={"atena_no": v_other.resident.atena_no},
    )
    assert fixed.category == "new"
    assert fixed.resolution == "corrected"

    with pytest.raises(Exception, match="理由"):
        punch_line_resolve(line=imp.lines.get(line_no=7), actor=verifier, origin=ORIGIN, action="reject", reason=" ")
    punch_line_resolve(
        line=imp.lines.get(line_no=7), actor=verifier, origin=ORIGIN, action="reject", reason="再発行券で接種済み"
    )
    imp.refresh_from_db()
    assert imp.counts["open"] == 2
    assert AuditRecord.objects.filter(event="update", purpose="突合例外の処理").count() == 3


def test_not_eligible_is_flagged_when_the_rules_say_so(masters, importer):
    """MR 1期 given at 6 months is outside its legal window (from reaching 12 months)."""
    baby = child(birth_date=datetime.date(2024, 10, 1))
    v = issue(baby)
    ok = issue(child())
    imp = punch_import(
        data=punch.render([line(v, masters), line(ok, masters)]), file_name="e.csv", actor=importer, origin=ORIGIN
    )
    got = dict(imp.lines.values_list("line_no", "category"))
    assert got == {2: "not_eligible", 3: "new"}
    flagged = imp.lines.get(line_no=2)
    assert flagged.detail.startswith("対象外: ")
    punch_line_resolve(line=flagged, actor=importer, origin=ORIGIN, action="accept", reason="長期療養特例の届出あり")
    record = VaccinationRecord.objects.get(punch_line=flagged)
    assert record.status == "verified"
    assert record.problems == [flagged.detail]
    assert record.rules_checked


def test_same_dose_twice_in_one_file_and_a_mover_in_after_the_date(masters, importer):
    twice = child()
    first = issue(twice, batch="A")
    second = issue(twice, batch="B")  # e.g. a reissued paper that was not voided
    mover = child(became_resident_on=datetime.date(2025, 5, 1), became_resident_reason="転入")
    v_mover = issue(mover)
    rows = [line(first, masters), line(second, masters, vaccinated_on="20250412"), line(v_mover, masters)]
    imp = punch_import(data=punch.render(rows), file_name="m.csv", actor=importer, origin=ORIGIN)
    got = dict(imp.lines.values_list("line_no", "category"))
    assert got == {2: "new", 3: "conflict", 4: "not_resident"}
    assert imp.lines.get(line_no=3).detail == "同じファイルの2行目と同じ接種です"
    assert "住民となった日 2025-05-01" in imp.lines.get(line_no=4).detail


def test_claims_count_verified_doses_per_institution_and_month(masters, importer):
    from immunization import selectors

    rows = [line(issue(child()), masters) for _ in range(3)]
    punch_import(data=punch.render(rows), file_name="c.csv", actor=importer, origin=ORIGIN)
    claims = list(selectors.claims_by_institution(year=2025, month=4))
    assert [(c["institution__code"], c["dose_code"], c["doses"]) for c in claims] == [("2310001", "mr_1", 3)]
    assert list(selectors.claims_by_institution(year=2025, month=5)) == []
