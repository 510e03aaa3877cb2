import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("schedule_forecast", *args, stdout=out)
    return out.getvalue()


def test_json_has_one_entry_per_dose_with_status_dates_and_reason():
    out = run(
        "--birth-date",
        "2025-06-10",
        "--on",
        "2026-06-20",
        "--sex",
        "M",
        "--dose",
        "dpt_ipv_hib_1i1:2025-08-20",
        "--dose",
        "mr_1:2026-06-15",
        "--json",
    )
    data = json.loads(out)
    doses = {d["code"]: d for d in data["doses"]}
    listed = json.loads(run("--list-codes", "--json"))["codes"]
    assert list(doses) == [c["code"] for c in listed]
    assert set(doses["mr_1"]) >= {"code", "status", "earliest", "latest", "reason"}
    assert doses["dpt_ipv_hib_1i1"]["status"] == "completed"
    assert doses["dpt_ipv_hib_1i2"]["status"] == "overdue"
    assert doses["dpt_ipv_hib_1i2"]["earliest"] == "2025-09-10"
    assert doses["dpt_ipv_hib_1i2"]["latest"] == "2032-12-09"
    # 27 days after MR before the varicella vaccine
    assert doses["varicella_1"]["status"] == "upcoming"
    assert doses["varicella_1"]["earliest"] == "2026-07-13"
    assert doses["hpv9_1"]["status"] == "not_applicable"  # a boy
    assert doses["rubella_5"]["status"] == "not_applicable"


def test_list_codes_uses_the_reference_codes():
    out = run("--list-codes")
    codes = [line.split("\t")[0] for line in out.splitlines()]
    for code in (
        "mr_1",
        "mr_2",
        "bcg",
        "hepb_1",
        "hepb_3",
        "rota1_1",
        "dpt_ipv_hib_1i1",
        "dpt_ipv_hib_1b",
        "varicella_1",
        "je_1i1",
        "hpv9_1",
        "flu_elderly",
        "ppv_elderly",
        "hz_live",
        "hz_rzv_1",
    ):
        assert code in codes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--birth-date", "2025-02-30", "--on", "2026-01-01"], "日付が正しくありません"),
        (["--birth-date", "2025-01-01", "--on", "2026-01-01", "--dose", "xyz_1:2025-05-01"], "xyz_1"),
        (["--birth-date", "2025-01-01", "--on", "2026-01-01", "--dose", "bcg:2024-12-01"], "生年月日より前"),
        (["--birth-date", "2025-01-01", "--on", "2026-01-01", "--dose", "bcg"], "CODE:YYYY-MM-DD"),
        (["--birth-date", "2025-01-01", "--on", "2026-01-01", "--sex", "X"], "F または M"),
    ],
)
def test_bad_input_is_refused_in_japanese(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
