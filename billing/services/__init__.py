"""Every write of the co-payment and claims business, by business step; views and tasks import from here.

- consents:        同意書 keyed, verified (four eyes), rejected, withdrawn
- decisions:       自己負担判定 runs (season, one person, re-decision of changes) and counter decisions
- engine:          the set-based decision pipeline (自己負担判定) the runs execute
- taxdata:         the one consent-gated door to resident-tax data
- fees:            料金表 periods
- claims:          monthly clinic claims: build, approve, pay
- statements:      the finance CSV and the clinics' payment statements

Each service takes `actor` (the staff member) and `origin` (core.origin.Origin), never a request.
"""

from .claims import claim_approve, claim_mark_paid, claim_unapprove, claims_prepare, month_label  # noqa: F401
from .consents import consent_create, consent_reject, consent_verify, consent_withdraw  # noqa: F401
from .decisions import (  # noqa: F401
    copayment_decide,
    copayment_decide_at_counter,
    copayment_decide_season,
    copayment_redecide_changed,
    decision_run_create,
    decision_run_execute,
)
from .fees import fee_schedule_save  # noqa: F401
from .statements import claim_statement_pdf, finance_csv  # noqa: F401
