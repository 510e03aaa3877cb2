"""The synthetic demo city: households, residents, My Numbers and status periods, loaded with COPY.

Deterministic for a given seed. About 95% have a My Number; movers in and out, the deceased, welfare,
tax status for two fiscal years, long-term care, late-stage elderly insurance, and some DV-protected
people with a protected mailing address.
"""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import access_record
from core.legal_age import fiscal_year
from core.origin import Origin
from ops.demo.residents_data import APARTMENTS, FAMILY, FOREIGN, GIVEN_F, GIVEN_M, TOWNS
from residents import mynumber as mn
from residents.bulk import copy_rows
from residents.services import search_keys

# Japan's population by 5-year band (0-4 … 95-99), percent; roughly 2025.
PYRAMID = [3.6, 4.0, 4.3, 4.5, 4.9, 5.1, 5.0, 5.4, 6.0, 7.2, 7.9, 6.8, 6.0, 6.0, 7.3, 6.0, 4.7, 3.2, 1.6, 0.5]
ADULT_BANDS = range(4, len(PYRAMID))  # 20 and over: a householder (an age below clamped to 20 made a spike)
ADULT_WEIGHTS = PYRAMID[4:]
ADULT_WEIGHTS_SMALL = [w * (1.6 if band >= 13 else 1) for band, w in zip(ADULT_BANDS, ADULT_WEIGHTS, strict=True)]
HOUSEHOLD_SIZES = [(1, 0.36), (2, 0.28), (3, 0.17), (4, 0.13), (5, 0.06)]
CITY = "愛知県岡崎市"

RESIDENT_COLUMNS = (
    "id",
    "atena_no",
    "unified_no",
    "resident_type",
    "status",
    "name",
    "name_kana",
    "alias_name",
    "alias_kana",
    "alpha_name",
    "sex",
    "birth_date",
    "household_id",
    "relation1",
    "relation2",
    "relation3",
    "postal_code",
    "address",
    "katagaki",
    "town_code",
    "block_code",
    "school_district",
    "prev_address",
    "next_address",
    "became_resident_on",
    "became_resident_reason",
    "ceased_on",
    "ceased_reason",
    "kana_key",
    "given_kana_key",
    "name_key",
    "address_key",
    "created_at",
    "updated_at",
)
STATUS_COLUMNS = (
    "resident_id",
    "kind",
    "code",
    "fiscal_year",
    "valid_from",
    "valid_to",
    "detail",
    "source",
    "recorded_at",
)


class City:
    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.numbers: set[str] = set()

    def adult_age(self, *, small_household: bool) -> int:
        """A householder's age (20+). Elderly people more often live alone or as a couple: weighting them up
        there gives the city Okazaki's shape (about 24% aged 65 and over, 15% under 15)."""
        weights = ADULT_WEIGHTS_SMALL if small_household else ADULT_WEIGHTS
        band = self.rng.choices(ADULT_BANDS, weights=weights)[0]
        return band * 5 + self.rng.randrange(5)

    def child_age(self, parent_age: int) -> int:
        age = parent_age - self.rng.randint(22, 42)
        return age if age >= 0 else self.rng.randrange(max(1, parent_age - 17))

    def birth(self, age: int) -> datetime.date:
        days = age * 365 + self.rng.randrange(365)
        return self.today - datetime.timedelta(days=days)

    def mynumber(self) -> str:
        while True:
            base = f"{self.rng.randrange(10**11):011d}"
            number = base + str(mn.check_digit(base))
            if number not in self.numbers:
                self.numbers.add(number)
                return number


def _people_for_household(city: City, size: int) -> list[tuple[int, str, str]]:
    """[(age, sex, relation)] with a plausible family shape."""
    rng = city.rng
    head_age = city.adult_age(small_household=size <= 2)
    while size >= 3 and head_age > 70:
        head_age = city.adult_age(small_household=False)
    head_sex = "1" if rng.random() < 0.7 else "2"
    people = [(head_age, head_sex, "世帯主")]
    if size >= 2:
        if rng.random() < 0.8:
            people.append(
                (
                    max(18, head_age + rng.randint(-5, 4)),
                    "2" if head_sex == "1" else "1",
                    "妻" if head_sex == "1" else "夫",
                )
            )
        else:
            people.append((city.child_age(head_age), rng.choice("12"), "子"))
    for _ in range(size - len(people)):
        if head_age > 55 and rng.random() < 0.3:
            people.append(
                (min(104, head_age + rng.randint(22, 32)), rng.choice("12"), "母" if rng.random() < 0.6 else "父")
            )
        else:
            people.append((city.child_age(head_age), rng.choice("12"), "子"))
    return people


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    today = timezone.localdate()
    city = City(rng, today)
    now = timezone.now()
    key_id = mn.keyring().active_id
    res_rows: list[tuple] = []
    hh_rows: list[tuple] = []
    num_rows: list[tuple] = []
    st_rows: list[tuple] = []
    pid = 0
    hid = 0
    fy = fiscal_year(today)
    while pid < residents:
        hid += 1
        size = min(
            residents - pid, rng.choices([s for s, _ in HOUSEHOLD_SIZES], weights=[w for _, w in HOUSEHOLD_SIZES])[0]
        )
        town, town_code, postcode, school = rng.choice(TOWNS)
        block = rng.randint(1, 9)
        address = f"{CITY}{town}{block}丁目{rng.randint(1, 30)}番地{rng.randint(1, 20)}"
        katagaki = f"{rng.choice(APARTMENTS)}{rng.randint(1, 5)}0{rng.randint(1, 9)}号" if rng.random() < 0.3 else ""
        foreign = rng.random() < 0.03
        fam, fam_kana = rng.choice(FAMILY)
        people = _people_for_household(city, size)
        head_name = ""
        household_moved_in = rng.random() < 0.04
        moved_in_on = today - datetime.timedelta(days=rng.randrange(1, 400)) if household_moved_in else None
        for idx, (age, sex, relation) in enumerate(people):
            pid += 1
            birth = city.birth(age)
            if foreign:
                name, kana, alpha = rng.choice(FOREIGN)
                resident_type = "2"
            else:
                given, given_kana = rng.choice(GIVEN_M if sex == "1" else GIVEN_F)
                name, kana, alpha = f"{fam}　{given}", f"{fam_kana}　{given_kana}", ""
                resident_type = "1"
            if idx == 0:
                head_name = name
            status, ceased_on, ceased_reason, next_address = "resident", None, "", ""
            roll = rng.random()
            if roll < 0.008 and age > 60:
                status, ceased_reason = "deceased", "死亡"
                ceased_on = today - datetime.timedelta(days=rng.randrange(1, 700))
            elif roll < 0.02:
                status, ceased_reason = "moved_out", "転出"
                ceased_on = today - datetime.timedelta(days=rng.randrange(1, 700))
                next_address = (
                    rng.choice(["愛知県豊田市", "愛知県名古屋市中区", "静岡県浜松市中央区", "東京都世田谷区"]) + "1-2-3"
                )
            if ceased_on is not None and ceased_on < birth:
                ceased_on = birth
            if moved_in_on and moved_in_on > birth:
                became_on, became_reason = moved_in_on, "転入"
                prev = (
                    rng.choice(["愛知県豊橋市", "愛知県安城市", "岐阜県岐阜市", "大阪府大阪市北区", "東京都練馬区"])
                    + "4-5-6"
                )
            else:
                became_on, became_reason, prev = birth, "出生", ""
            res_rows.append(
                (
                    pid,
                    f"{100000000 + pid:09d}",
                    f"{500000000 + pid:09d}",
                    resident_type,
                    status,
                    name,
                    kana,
                    "",
                    "",
                    alpha,
                    sex,
                    birth,
                    hid,
                    relation,
                    "",
                    "",
                    postcode,
                    address,
                    katagaki,
                    town_code,
                    f"{block:02d}",
                    school,
                    prev,
                    next_address,
                    became_on,
                    became_reason,
                    ceased_on,
                    ceased_reason,
                    *search_keys(name=name, name_kana=kana, address=address),
                    now,
                    now,
                )
            )
            if rng.random() < 0.95:
                number = city.mynumber()
                kid, ct = mn.encrypt(number, key_id=key_id)
                num_rows.append((pid, kid, ct, mn.blind_index(number), "registry", now))
            _statuses(rng, st_rows, pid, age, today, fy, now)
        if rng.random() < 0.016:  # welfare household
            start = today - datetime.timedelta(days=rng.randrange(30, 3000))
            for member in range(pid - len(people) + 1, pid + 1):
                st_rows.append((member, "welfare", "受給中", None, start, None, "{}", "demo", now))
        if rng.random() < 0.0015:  # DV support: a protected mailing address, never the registered one
            start = today - datetime.timedelta(days=rng.randrange(30, 600))
            detail = json.dumps(
                {
                    "label": "支援措置(住民票の写し等の交付制限)",
                    "postal_code": "4440001",
                    "address": "愛知県岡崎市十王町2丁目9番地 岡崎市役所 福祉総務課気付",
                },
                ensure_ascii=False,
            )
            for member in range(pid - len(people) + 1, pid + 1):
                st_rows.append(
                    (
                        member,
                        "dv",
                        "支援対象",
                        None,
                        start,
                        start + datetime.timedelta(days=365 * 3),
                        detail,
                        "demo",
                        now,
                    )
                )
        elif rng.random() < 0.005:  # 共通送付先
            detail = json.dumps(
                {
                    "label": "共通送付先",
                    "postal_code": "4440011",
                    "address": f"{CITY}欠町字清水田{rng.randint(1, 9)}番地 親族方",
                },
                ensure_ascii=False,
            )
            st_rows.append(
                (pid, "mailing", "送付先あり", None, today - datetime.timedelta(days=200), None, detail, "demo", now)
            )
        hh_rows.append((hid, f"{200000000 + hid:09d}", head_name))

    with transaction.atomic(), connection.cursor() as cur:
        copy_rows(cur, "residents_household", ("id", "household_no", "head_name"), hh_rows)
        copy_rows(cur, "residents_resident", RESIDENT_COLUMNS, res_rows)
        copy_rows(
            cur,
            "residents_mynumber",
            ("resident_id", "key_id", "ciphertext", "blind_index", "identity_check", "registered_at"),
            num_rows,
        )
        copy_rows(cur, "residents_residentstatus", STATUS_COLUMNS, st_rows)
        for table in ("residents_household", "residents_resident", "residents_residentstatus"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        access_record(
            event=Event.BATCH,
            origin=Origin.command(),
            purpose="デモデータの作成",
            detail={"residents": len(res_rows), "households": len(hh_rows)},
        )
    if not connection.in_atomic_block:  # as autovacuum would after a bulk load: visibility map and statistics
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE residents_resident, residents_mynumber, residents_residentstatus")
    stdout.write(
        f"  住民 {len(res_rows):,} 人、世帯 {len(hh_rows):,}、個人番号 {len(num_rows):,}、状態 {len(st_rows):,} 件"
    )


def _statuses(
    rng: random.Random, rows: list[tuple], pid: int, age: int, today: datetime.date, fy: int, now: datetime.datetime
) -> None:
    if age >= 16:
        taxed_share = 0.62 if age >= 65 else 0.8
        for year in (fy - 1, fy):
            roll = rng.random()
            code = "課税" if roll < taxed_share else ("未申告" if roll > 0.985 else "非課税")
            rows.append(
                (pid, "tax", code, year, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31), "{}", "demo", now)
            )
    if age >= 75:
        rows.append(
            (
                pid,
                "late_elderly",
                "被保険者",
                None,
                today - datetime.timedelta(days=(age - 75) * 365 + 30),
                None,
                json.dumps({"insured_no": f"{rng.randrange(10**8):08d}"}),
                "demo",
                now,
            )
        )
        if rng.random() < 0.3:
            rows.append(
                (
                    pid,
                    "ltc",
                    rng.choice(["要支援1", "要支援2", "要介護1", "要介護2", "要介護3"]),
                    None,
                    today - datetime.timedelta(days=rng.randrange(30, 700)),
                    today + datetime.timedelta(days=rng.randrange(30, 700)),
                    "{}",
                    "demo",
                    now,
                )
            )
    elif rng.random() < 0.2:
        rows.append(
            (
                pid,
                "nhi",
                "被保険者",
                None,
                today - datetime.timedelta(days=rng.randrange(30, 5000)),
                None,
                "{}",
                "demo",
                now,
            )
        )
    if rng.random() < 0.04:
        rows.append(
            (
                pid,
                "disability",
                rng.choice(["身体1級", "身体3級", "療育B", "精神2級"]),
                None,
                today - datetime.timedelta(days=rng.randrange(30, 5000)),
                None,
                "{}",
                "demo",
                now,
            )
        )
