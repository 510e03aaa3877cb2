"""Co-payment decisions: exemptions, their basis, history and re-decision (domain.md §1 step 1)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditRecord
from billing import purposes, selectors, services
from billing.models import Consent, CopaymentDecision, Reason
from tests.factories.billing import ConsentFactory
from tests.factories.residents import HouseholdFactory, ResidentFactory, StatusFactory

from .conftest import ORIGIN, REF

pytestmark = pytest.mark.django_db


def decide(resident, clerk, ref=REF, vaccine="flu_elderly"):
    return services.copayment_decide(
        resident=resident, vaccine=vaccine, fiscal_year=2026, actor=clerk, origin=ORIGIN, reference_date=ref
    )


def tax_reads(resident) -> int:
    return AuditRecord.objects.filter(subject_atena=resident.atena_no, purpose=purposes.TAX_READ, event="view").count()


def test_non_taxed_household_with_consents_is_exempt_and_the_basis_explains_it(elder, clerk):
    hh = HouseholdFactory()
    me = elder("非課税", household=hh)
    spouse = elder("非課税", household=hh, name="岡崎　花子", sex="2")
    grandchild = ResidentFactory(household=hh, birth_date=datetime.date(2015, 6, 1))  # under 16: not assessed
    c1, _c2 = ConsentFactory(resident=me), ConsentFactory(resident=spouse)

    d = decide(me, clerk)

    assert d.exempt is True, d.basis
    assert d.reason == Reason.TAX_EXEMPT_HOUSEHOLD
    assert d.consent_id == c1.pk
    assert d.tax_fiscal_year == 2026
    assert d.reference_date == REF
    states = {m["atena_no"]: m["state"] for m in d.basis["household"]}
    assert states == {me.atena_no: "non_taxed", spouse.atena_no: "non_taxed", grandchild.atena_no: "minor"}
    # both adults' tax rows were read, each with its own access record; the child's was not
    assert tax_reads(me) == 1
    assert tax_reads(spouse) == 1
    assert tax_reads(grandchild) == 0


def test_one_taxed_household_member_means_the_copayment_applies(elder, clerk):
    hh = HouseholdFactory()
    me = elder("非課税", household=hh)
    son = elder("課税", household=hh, birth_date=datetime.date(1985, 1, 1))
    ConsentFactory(resident=me)
    ConsentFactory(resident=son)

    d = decide(me, clerk)

    assert d.exempt is False
    assert d.reason == Reason.TAXED
    assert {"atena_no": son.atena_no, "state": "taxed"}.items() <= next(
        m for m in d.basis["household"] if m["atena_no"] == son.atena_no
    ).items()


def test_consent_expired_the_day_before_means_tax_data_is_not_read(elder, clerk):
    me = elder("非課税")
    ConsentFactory(resident=me, filed_on=datetime.date(2025, 10, 1), expires_on=REF - datetime.timedelta(days=1))

    d = decide(me, clerk)

    assert d.exempt is False
    assert d.reason == Reason.NO_CONSENT
    assert d.consent_id is None
    assert tax_reads(me) == 0


def test_privacy_no_tax_status_read_is_logged_for_a_person_without_consent(elder, clerk):
    """PIA/domain §1 step 1: tax data only for people who filed a consent form."""
    without = elder("非課税")
    with_consent = elder("非課税")
    ConsentFactory(resident=with_consent)
    pending = elder("非課税")
    ConsentFactory(resident=pending, state=Consent.State.PENDING)  # keyed but not yet verified

    services.copayment_decide_season(
        vaccine="flu_elderly", fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
    )

    assert tax_reads(without) == 0
    assert tax_reads(pending) == 0
    assert tax_reads(with_consent) == 1
    record = AuditRecord.objects.get(subject_atena=with_consent.atena_no, purpose=purposes.TAX_READ)
    assert record.actor_id == clerk.pk
    assert record.additional_data["fiscal_year"] == 2026


def test_household_member_without_consent_is_not_read_and_blocks_the_exemption(elder, clerk):
    hh = HouseholdFactory()
    me = elder("非課税", household=hh)
    spouse = elder("非課税", household=hh)
    ConsentFactory(resident=me)

    d = decide(me, clerk)

    assert d.reason == Reason.MEMBER_NO_CONSENT
    assert d.exempt is False
    assert tax_reads(spouse) == 0


def test_unfiled_member_needs_a_declaration(elder, clerk):
    me = elder("未申告")
    ConsentFactory(resident=me)
    assert decide(me, clerk).reason == Reason.UNFILED


def test_a_person_who_moved_in_after_the_levy_date_is_not_read_and_can_be_decided_at_the_counter(elder, clerk):
    newcomer = elder(tax=None, became_resident_on=datetime.date(2026, 2, 10), became_resident_reason="転入")
    ConsentFactory(resident=newcomer)

    d = decide(newcomer, clerk)

    assert d.exempt is False
    assert d.reason == Reason.MOVED_IN
    assert tax_reads(newcomer) == 0

    counter = services.copayment_decide_at_counter(
        resident=newcomer,
        vaccine="flu_elderly",
        fiscal_year=2026,
        exempt=True,
        reason="前住所地(豊田市)の令和8年度非課税証明書で世帯全員の非課税を確認",
        evidence="非課税証明書",
        effective_from=datetime.date(2026, 10, 5),
        actor=clerk,
        origin=ORIGIN,
    )
    d.refresh_from_db()
    assert counter.exempt
    assert counter.method == "counter"
    assert d.superseded_by_id == counter.pk
    assert d.effective_to == datetime.date(2026, 10, 4)
    cls = selectors.copayment_class_on
    assert cls(resident_id=newcomer.pk, dose_code="flu_elderly", on=datetime.date(2026, 10, 4)) == "charged"
    assert cls(resident_id=newcomer.pk, dose_code="flu_elderly", on=datetime.date(2026, 10, 5)) == "exempt"
    # an automatic re-decision never overwrites the counter decision
    run = services.copayment_decide_season(
        vaccine="flu_elderly", fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
    )
    assert run.skipped_counter == 1
    assert CopaymentDecision.objects.get(resident=newcomer, superseded_at__isnull=True).pk == counter.pk


def test_mover_in_who_arrived_before_the_levy_date_is_read_as_usual(elder, clerk):
    r = elder("非課税", became_resident_on=datetime.date(2025, 12, 20), became_resident_reason="転入")
    ConsentFactory(resident=r)
    assert decide(r, clerk).reason == Reason.TAX_EXEMPT_HOUSEHOLD


def test_welfare_starting_mid_season_is_picked_up_by_the_redecision_and_history_is_kept(elder, clerk):
    me = elder("課税")
    ConsentFactory(resident=me)
    first = decide(me, clerk)
    assert first.exempt is False
    assert first.reason == Reason.TAXED

    StatusFactory(
        resident=me,
        kind="welfare",
        code="受給中",
        fiscal_year=None,
        valid_from=datetime.date(2026, 12, 1),
        valid_to=None,
    )
    runs = services.copayment_redecide_changed(as_of=datetime.date(2026, 12, 3), actor=clerk, origin=ORIGIN)

    assert [r.created for r in runs] == [1]
    now = CopaymentDecision.objects.get(resident=me, superseded_at__isnull=True)
    assert now.exempt is True
    assert now.reason == Reason.WELFARE
    assert now.effective_from == datetime.date(2026, 12, 3)
    assert now.basis["welfare"]["code"] == "受給中"
    first.refresh_from_db()
    assert first.superseded_by_id == now.pk
    assert first.effective_to == datetime.date(2026, 12, 2)
    assert CopaymentDecision.objects.filter(resident=me).count() == 2
    cls = selectors.copayment_class_on
    assert cls(resident_id=me.pk, dose_code="flu_elderly", on=datetime.date(2026, 11, 20)) == "charged"
    assert cls(resident_id=me.pk, dose_code="flu_elderly", on=datetime.date(2026, 12, 5)) == "exempt"
    # nothing changed since: a second pass adds nothing
    assert services.copayment_redecide_changed(as_of=datetime.date(2026, 12, 4), actor=clerk, origin=ORIGIN) == []


def test_welfare_is_decided_without_reading_tax(elder, clerk):
    me = elder("課税")
    ConsentFactory(resident=me)
    StatusFactory(
        resident=me,
        kind="welfare",
        code="受給中",
        fiscal_year=None,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=None,
    )
    d = decide(me, clerk)
    assert d.reason == Reason.WELFARE
    assert tax_reads(me) == 0


def test_china_support_recipient_is_exempt(elder, clerk):
    me = elder("課税")
    StatusFactory(
        resident=me,
        kind="china_support",
        code="受給中",
        fiscal_year=None,
        valid_from=datetime.date(2019, 4, 1),
        valid_to=None,
    )
    assert decide(me, clerk).reason == Reason.CHINA_SUPPORT


def test_season_run_targets_the_elderly_is_idempotent_and_set_based(elder, clerk):
    young = ResidentFactory(birth_date=datetime.date(1990, 1, 1))
    olds = [elder("非課税") for _ in range(3)]
    for r in olds[:2]:
        ConsentFactory(resident=r)

    with CaptureQueriesContext(connection) as small:
        run = services.copayment_decide_season(
            vaccine="flu_elderly", fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
        )
    assert run.targets == 3
    assert run.created == 3
    assert run.exempt == 2
    assert not CopaymentDecision.objects.filter(resident=young).exists()

    again = services.copayment_decide_season(
        vaccine="flu_elderly", fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
    )
    assert again.created == 0
    assert again.unchanged == 3

    for _ in range(12):
        ConsentFactory(resident=elder("非課税"))
    with CaptureQueriesContext(connection) as big:
        services.copayment_decide_season(
            vaccine="flu_elderly", fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
        )

    # no query per person: five times the people, the same statements (audit bulk inserts aside)
    def statements(ctx):
        return [q["sql"] for q in ctx.captured_queries if "audit_auditrecord" not in q["sql"]]

    assert len(statements(big)) == len(statements(small))


def test_counter_decision_without_reason_is_refused_with_nothing_stored(elder, clerk):
    me = elder("課税")
    with pytest.raises(ValidationError) as err:
        services.copayment_decide_at_counter(
            resident=me,
            vaccine="flu_elderly",
            fiscal_year=2026,
            exempt=True,
            reason=" ",
            evidence="",
            actor=clerk,
            origin=ORIGIN,
        )
    assert "窓口判定の理由を入力してください。" in err.value.message_dict["reason"]
    assert not CopaymentDecision.objects.filter(resident=me).exists()
    assert AuditRecord.objects.filter(subject_atena=me.atena_no, event="denied", outcome="invalid").exists()


def test_only_the_taxdata_module_names_the_tax_status_kind():
    """The one-door rule for tax data, checked on the source itself."""
    root = Path(__file__).resolve().parents[2] / "billing"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "taxdata.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "'tax'" in text or '"tax"' in text or "StatusKind.TAX" in text:
            offenders.append(path.name)
    assert offenders == []


def test_withdrawn_consent_stops_tax_reads_from_that_day(elder, clerk):
    me = elder("非課税")
    consent = ConsentFactory(resident=me)
    assert decide(me, clerk).exempt is True
    services.consent_withdraw(consent=consent, withdrawn_on=datetime.date(2026, 11, 1), actor=clerk, origin=ORIGIN)
    reads_before = tax_reads(me)

    runs = services.copayment_redecide_changed(as_of=datetime.date(2026, 11, 2), actor=clerk, origin=ORIGIN)

    assert [r.created for r in runs] == [1]
    now = CopaymentDecision.objects.get(resident=me, superseded_at__isnull=True)
    assert now.reason == Reason.NO_CONSENT
    assert tax_reads(me) == reads_before


@pytest.mark.parametrize(
    ("birth", "vaccine", "included"),
    [
        (datetime.date(1961, 4, 1), "ppv_elderly", False),  # reached 65 on 2026-03-31: FY2025's cohort
        (datetime.date(1961, 4, 2), "ppv_elderly", True),  # 65 at the end of FY2026
        (datetime.date(1962, 4, 1), "ppv_elderly", True),  # reaches 65 on 2027-03-31 (day-before rule)
        (datetime.date(1962, 4, 2), "ppv_elderly", False),  # turns 65 in FY2027
        (datetime.date(1956, 5, 5), "hz", True),  # 70 at FY end: transitional cohort
        (datetime.date(1955, 5, 5), "hz", False),  # 71
        (datetime.date(1930, 5, 5), "flu_elderly", True),
        (datetime.date(1962, 4, 1), "flu_elderly", True),
        (datetime.date(1962, 4, 2), "flu_elderly", False),
    ],
)
def test_season_population_by_fiscal_year_end_age(clerk, birth, vaccine, included):
    r = ResidentFactory(birth_date=birth)
    run = services.copayment_decide_season(
        vaccine=vaccine, fiscal_year=2026, reference_date=REF, actor=clerk, origin=ORIGIN
    )
    assert run.targets == int(included)
    assert CopaymentDecision.objects.filter(resident=r, vaccine=vaccine).exists() is included


def test_notices_print_the_class_in_force_and_to_confirm_without_a_decision(elder, clerk):
    from notices.hooks import copayment_classes

    me = elder("非課税")
    other = elder("課税")
    ConsentFactory(resident=me)
    decide(me, clerk)
    on = datetime.date(2026, 11, 1)
    assert copayment_classes([me.pk, other.pk], "flu_elderly", on) == {me.pk: "免除(非課税世帯)", other.pk: "要確認"}
    assert copayment_classes([me.pk], "mr", on) == {me.pk: "要確認"}


def test_vouchers_get_classes_for_many_people_at_once(elder, clerk):
    from billing.selectors import copayment_classes_for_notice

    poor, rich, undecided = elder("非課税"), elder("課税"), elder("非課税")
    for r in (poor, rich):
        ConsentFactory(resident=r)
        decide(r, clerk)
    classes = copayment_classes_for_notice([poor.pk, rich.pk, undecided.pk], "flu_elderly", REF)
    assert classes == {poor.pk: "免除(非課税世帯)", rich.pk: "自己負担あり"}
    assert copayment_classes_for_notice([poor.pk], "hz_rzv_2", REF) == {}
    assert copayment_classes_for_notice([poor.pk], "mr_1", REF) == {}


@pytest.mark.parametrize(
    ("ref", "tax_year"),
    [
        (datetime.date(2026, 4, 1), 2025),  # the new year's tax is decided in June
        (datetime.date(2026, 5, 31), 2025),
        (datetime.date(2026, 6, 1), 2026),
        (datetime.date(2027, 3, 31), 2026),
    ],
)
def test_the_tax_year_the_rule_names_switches_in_june(ref, tax_year):
    from billing.vaccines import tax_fiscal_year_for

    assert tax_fiscal_year_for(ref) == tax_year
