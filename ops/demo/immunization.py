"""Demo and benchmark data: masters (institutions, doctors, manufacturers, lots) and a realistic verified
vaccination history for every resident, loaded with COPY (about 7 records per resident).

Children get the routine series at their usual ages with realistic coverage; the elderly get yearly
influenza (and COVID-19 from FY2024), pneumococcal at 65 and some shingles from FY2025. Records start
in FY2010 (older ones were kept on paper). Doses before a resident moved in are survey records.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Staff
from audit.models import Event
from audit.services import access_record
from core.legal_age import fiscal_year

FIRST_DAY = datetime.date(2001, 4, 1)  # elderly influenza became routine (B-class) in 2001
# A dose is generated only from the day its vaccine was routine (a 2005 birth got no Hib: it came in 2013).
ROUTINE_FROM = {
    "hepb": datetime.date(2016, 10, 1),
    "rota": datetime.date(2020, 10, 1),
    "pcv": datetime.date(2013, 4, 1),
    "hib": datetime.date(2013, 4, 1),
    "dpt_ipv": datetime.date(2012, 11, 1),
    "dpt_ipv_hib": datetime.date(2024, 4, 1),
    "varicella": datetime.date(2014, 10, 1),
    "hpv": datetime.date(2013, 4, 1),
    "mr": datetime.date(2006, 4, 1),
    "covid": datetime.date(2024, 10, 1),
    "ppv": datetime.date(2014, 10, 1),
    "hz": datetime.date(2025, 4, 1),
}
# HPV recommendations were suspended from June 2013 to March 2022: few doses in those years.
HPV_PAUSE = (datetime.date(2013, 6, 14), datetime.date(2022, 3, 31))

# (code, age in days, spread in days, coverage, vaccine key for lots, volume mL, only for sex)
CHILD_DOSES: list[tuple[str, int, int, float, str, str, str]] = [
    ("hepb_1", 62, 20, 0.97, "hepb", "0.25", ""),
    ("hepb_2", 92, 25, 0.96, "hepb", "0.25", ""),
    ("hepb_3", 230, 40, 0.94, "hepb", "0.25", ""),
    ("rota1_1", 62, 15, 0.9, "rota", "1.50", ""),
    ("rota1_2", 92, 15, 0.89, "rota", "1.50", ""),
    ("pcv_1i1", 62, 20, 0.97, "pcv", "0.50", ""),
    ("pcv_1i2", 92, 20, 0.96, "pcv", "0.50", ""),
    ("pcv_1i3", 122, 25, 0.95, "pcv", "0.50", ""),
    ("pcv_1b", 400, 40, 0.93, "pcv", "0.50", ""),
    ("dpt_ipv_hib_1i1", 62, 20, 0.97, "dpt_ipv_hib", "0.50", ""),
    ("dpt_ipv_hib_1i2", 92, 20, 0.96, "dpt_ipv_hib", "0.50", ""),
    ("dpt_ipv_hib_1i3", 122, 25, 0.95, "dpt_ipv_hib", "0.50", ""),
    ("dpt_ipv_hib_1b", 480, 60, 0.93, "dpt_ipv_hib", "0.50", ""),
    ("bcg", 160, 30, 0.97, "bcg", "0.03", ""),
    ("mr_1", 380, 20, 0.96, "mr", "0.50", ""),
    ("varicella_1", 390, 30, 0.94, "varicella", "0.50", ""),
    ("varicella_2", 600, 60, 0.88, "varicella", "0.50", ""),
    ("mr_2", 2250, 120, 0.93, "mr", "0.50", ""),
    ("je_1i1", 1120, 90, 0.85, "je", "0.50", ""),
    ("je_1i2", 1145, 90, 0.84, "je", "0.50", ""),
    ("je_1b", 1500, 90, 0.8, "je", "0.50", ""),
    ("je_2", 3400, 200, 0.65, "je", "0.50", ""),
    ("dt_2", 4200, 150, 0.75, "dt", "0.10", ""),
    ("hpv9_1", 4800, 150, 0.35, "hpv", "0.50", "2"),
    ("hpv9_2", 4990, 150, 0.3, "hpv", "0.50", "2"),
]
# Before 5-in-1 (April 2024) children had 4-in-1 plus Hib.
LEGACY_SERIES = {"dpt_ipv_hib_1i1": ("dpt_ipv_1i1", "hib_1i1"), "dpt_ipv_hib_1i2": ("dpt_ipv_1i2", "hib_1i2"),
                 "dpt_ipv_hib_1i3": ("dpt_ipv_1i3", "hib_1i3"), "dpt_ipv_hib_1b": ("dpt_ipv_1b", "hib_1b")}  # fmt: skip

MAKERS = [
    ("11", "KMバイオロジクス"),
    ("12", "第一三共"),
    ("13", "阪大微生物病研究会(BIKEN)"),
    ("14", "MSD"),
    ("15", "ファイザー"),
    ("16", "グラクソ・スミスクライン"),
    ("17", "武田薬品工業"),
    ("18", "日本ビーシージー製造"),
]
VACCINES = {  # key: (product name, makers)
    "hepb": ("組換え沈降B型肝炎ワクチン", ["11", "14"]),
    "rota": ("経口弱毒生ヒトロタウイルスワクチン", ["16"]),
    "pcv": ("沈降20価肺炎球菌結合型ワクチン", ["15", "14"]),
    "dpt_ipv_hib": ("5種混合ワクチン", ["13", "11"]),
    "dpt_ipv": ("4種混合ワクチン", ["13", "11"]),
    "hib": ("乾燥ヘモフィルスb型ワクチン", ["16"]),
    "bcg": ("乾燥BCGワクチン", ["18"]),
    "mr": ("乾燥弱毒生麻しん風しん混合ワクチン", ["13", "12", "17"]),
    "varicella": ("乾燥弱毒生水痘ワクチン", ["13"]),
    "je": ("乾燥細胞培養日本脳炎ワクチン", ["13", "11"]),
    "dt": ("沈降ジフテリア破傷風混合トキソイド", ["13", "11"]),
    "hpv": ("9価ヒトパピローマウイルスワクチン", ["14"]),
    "flu": ("インフルエンザHAワクチン", ["11", "12", "13"]),
    "covid": ("新型コロナウイルスワクチン", ["15", "12", "17"]),
    "ppv": ("肺炎球菌ワクチン", ["14", "15"]),
    "hz": ("乾燥弱毒生水痘ワクチン(帯状疱疹)", ["13"]),
}
TOWNS = ["康生", "籠田", "伊賀", "大樹寺", "矢作", "岩津", "美合", "六ツ美", "本宿", "額田", "羽根", "大門"]
KINDS = ["こどもクリニック", "小児科", "内科", "医院", "クリニック", "診療所", "内科小児科"]
COLUMNS = (
    "resident_id", "dose_code", "vaccinated_on", "date_unknown", "dose_volume_ml", "manufacturer_id", "lot_id",
    "lot_no", "institution_id", "doctor_id", "doctor_name", "venue_name", "outside_city", "high_risk",
    "administrative_measure", "dpt_class", "bcg_class", "claim_on", "copayment_class", "collection_class",
    "copayment_amount", "remarks", "source", "status", "keyed_at", "verified_by_id", "verified_at",
    "rejected_reason", "problems", "rules_checked",
)  # fmt: skip


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        lots, institutions = _masters(rng, today)
        verifier = _verifier()
        n = _records(rng, today, lots, institutions, verifier.pk)
        access_record(event=Event.BATCH, purpose="デモデータの作成(予防接種記録)", detail={"records": n})
    with connection.cursor() as cur:
        cur.execute("ANALYZE immunization_vaccinationrecord")
    stdout.write(f"  接種記録 {n:,} 件、医療機関 {len(institutions)}、ロット {sum(len(v) for v in lots.values())}")


def _verifier() -> Staff:
    staff = Staff.objects.filter(username="verifier").first()
    if staff is None:
        staff, _ = Staff.objects.get_or_create(username="migration", defaults={"display_name": "データ移行"})
    return staff


def _masters(
    rng: random.Random, today: datetime.date
) -> tuple[dict[str, list[tuple[int, int, int, str]]], list[tuple[int, list[int]]]]:
    """Masters in bulk (reference data, so no per-row change log), or the ones already there."""
    from immunization.models import Doctor, Institution, Manufacturer, VaccineLot

    if not Manufacturer.objects.exists():
        Manufacturer.objects.bulk_create([Manufacturer(code=c, name=n) for c, n in MAKERS])
    makers = {m.code: m for m in Manufacturer.objects.all()}
    if not Institution.objects.exists():
        Institution.objects.bulk_create(
            [
                Institution(
                    code=f"{2310000 + i}",
                    name=f"{rng.choice(TOWNS)}{rng.choice(KINDS)}",
                    address=f"愛知県岡崎市{rng.choice(TOWNS)}町{rng.randint(1, 30)}番地",
                    in_city=i <= 160,
                    kouiki=i > 160,
                )
                for i in range(1, 181)
            ]
        )
        doctors, doc_no = [], 50000
        for inst in Institution.objects.order_by("code"):
            for _ in range(rng.choice([1, 1, 2, 3])):
                doc_no += 1
                doctors.append(Doctor(code=str(doc_no), name=f"医師{doc_no}", institution=inst))
        Doctor.objects.bulk_create(doctors)
    docs_by_inst: dict[int, list[int]] = {}
    for doc_id, inst_id in Doctor.objects.values_list("id", "institution_id"):
        docs_by_inst.setdefault(inst_id, []).append(doc_id)
    institutions = [
        (i, docs_by_inst[i])
        for i in Institution.objects.order_by("code").values_list("id", flat=True)
        if i in docs_by_inst
    ]
    if not VaccineLot.objects.exists():
        new_lots = []
        for key, (product, maker_codes) in VACCINES.items():
            for year in range(FIRST_DAY.year, today.year + 1):
                for j in range(3):
                    new_lots.append(
                        VaccineLot(
                            manufacturer=makers[rng.choice(maker_codes)],
                            lot_no=f"{key[:3].upper()}{year % 100:02d}{j + 1:02d}{rng.randint(10, 99)}",
                            product_name=product,
                            vaccine=key,
                            expires_on=datetime.date(year + 2, 3, 31),
                        )
                    )
        VaccineLot.objects.bulk_create(new_lots, ignore_conflicts=True)
    lots: dict[str, list[tuple[int, int, int, str]]] = {}
    for lot_id, maker_id, lot_no, key, expires in VaccineLot.objects.values_list(
        "id", "manufacturer_id", "lot_no", "vaccine", "expires_on"
    ):
        lots.setdefault(key, []).append((expires.year - 2, lot_id, maker_id, lot_no))
    return lots, institutions


def _records(rng, today, lots, institutions, verifier_id) -> int:  # type: ignore[no-untyped-def]
    from residents.models import Resident

    now = timezone.now().isoformat()
    by_year: dict[str, dict[int, list]] = {}
    for key, entries in lots.items():
        for year, lot_id, maker_id, lot_no in entries:
            by_year.setdefault(key, {}).setdefault(year, []).append((lot_id, maker_id, lot_no))
    tail = f"\tverified\t{now}\t{verifier_id}\t{now}\t\t[]\tf\n"
    # all in memory first: a server-side cursor cannot be read while the same connection is in COPY
    people = list(Resident.objects.values_list("id", "birth_date", "sex", "became_resident_on", "ceased_on"))
    count = 0

    def line(rid, code, on, key, vol, moved_in, copay_class="", copay="\\N"):  # type: ignore[no-untyped-def]
        year_lots = by_year[key].get(on.year) or by_year[key][max(by_year[key])]
        lot_id, maker_id, lot_no = rng.choice(year_lots)
        inst_id, docs = rng.choice(institutions)
        before = moved_in is not None and on < moved_in
        source = "survey" if before else "voucher"
        doc = "\\N" if before else str(rng.choice(docs))
        inst = "\\N" if before else str(inst_id)
        outside = "t" if before else "f"
        claim = "\\N" if before else (on + datetime.timedelta(days=35)).isoformat()
        collection = "徴収" if copay not in ("\\N", "0") else ""
        return (
            f"{rid}\t{code}\t{on.isoformat()}\tf\t{vol}\t{maker_id}\t{lot_id}\t{lot_no}\t{inst}\t{doc}\t\t\t{outside}"
            f"\tf\tf\t\t\t{claim}\t{copay_class}\t{collection}\t{copay}\t\t{source}" + tail
        )

    indexes = _drop_secondary_indexes()
    try:
        with (
            connection.cursor() as cur,
            cur.copy(f"COPY immunization_vaccinationrecord ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            buf: list[str] = []
            for rid, birth, sex, moved_in, ceased in people:
                last = min(today, ceased) if ceased else today
                for code, age, spread, coverage, key, vol, only_sex in CHILD_DOSES:
                    if only_sex and sex != only_sex:
                        continue
                    on = birth + datetime.timedelta(days=age + int(rng.random() * spread))
                    if on < FIRST_DAY or on > last or rng.random() > coverage:
                        continue
                    if code in LEGACY_SERIES and on < ROUTINE_FROM["dpt_ipv_hib"]:
                        for legacy in LEGACY_SERIES[code]:
                            legacy_key = legacy.split("_1")[0]
                            if on >= ROUTINE_FROM[legacy_key]:
                                buf.append(line(rid, legacy, on, legacy_key, "0.50", moved_in))
                        continue
                    if on < ROUTINE_FROM.get(key, FIRST_DAY):
                        continue
                    if key == "hpv" and HPV_PAUSE[0] <= on <= HPV_PAUSE[1] and rng.random() > 0.05:
                        continue
                    buf.append(line(rid, code, on, key, vol, moved_in))
                turned65 = _add_years(birth, 65)
                if turned65 <= last:
                    if turned65 >= ROUTINE_FROM["ppv"] and rng.random() < 0.4:
                        on = turned65 + datetime.timedelta(days=rng.randrange(200))
                        if on <= last:
                            buf.append(line(rid, "ppv_elderly", on, "ppv", "0.50", moved_in, "課税", "4000"))
                    flu_rate = 0.45 + 0.25 * rng.random()
                    for fy in range(max(fiscal_year(turned65), FIRST_DAY.year), fiscal_year(last) + 1):
                        if rng.random() < flu_rate:
                            on = datetime.date(fy, 10, 15) + datetime.timedelta(days=rng.randrange(90))
                            if turned65 <= on <= last:
                                buf.append(line(rid, "flu_elderly", on, "flu", "0.50", moved_in, "課税", "1500"))
                        if fy >= 2024 and rng.random() < 0.25:
                            on = datetime.date(fy, 10, 1) + datetime.timedelta(days=rng.randrange(120))
                            if turned65 <= on <= last:
                                buf.append(line(rid, "covid_elderly", on, "covid", "0.30", moved_in, "課税", "7000"))
                    age_fy2025 = 2025 - birth.year - (1 if (birth.month, birth.day) > (3, 31) else 0)
                    if age_fy2025 in (65, 70, 75, 80, 85, 90, 95, 100) and rng.random() < 0.25:
                        on = datetime.date(2025, 7, 1) + datetime.timedelta(days=rng.randrange(200))
                        if on <= last:
                            buf.append(line(rid, "hz_live", on, "hz", "0.50", moved_in, "課税", "4000"))
                if len(buf) >= 20000:
                    copy.write("".join(buf))
                    count += len(buf)
                    buf = []
            if buf:
                copy.write("".join(buf))
                count += len(buf)
    finally:
        _recreate_indexes(indexes)
    return count


def _add_years(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _drop_secondary_indexes() -> list[str]:
    """COPY into a table without its secondary indexes, then build them once: minutes become seconds.

    The rows are generated from ids just read, so the per-row foreign-key triggers are skipped where the
    database role may do so (session_replication_role needs a superuser: the local demo database).
    """
    with connection.cursor() as cur:
        try:
            with transaction.atomic():
                cur.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass
        cur.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
               WHERE i.tablename = 'immunization_vaccinationrecord' AND NOT x.indisunique AND NOT x.indisprimary"""
        )
        found = cur.fetchall()
        for name, _definition in found:
            cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _recreate_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cur:
        # back to normal triggers at once: the audit chain's trigger must see every later insert
        cur.execute("SET LOCAL session_replication_role = origin")
        # the COPY may have left deferred foreign-key checks queued; run them now, an index cannot be built before
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for definition in definitions:
            cur.execute(definition)
