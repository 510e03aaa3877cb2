"""Every write the immunization records business does (keyword-only `<entity>_<verb>` functions)."""

from .payments import records_mark_paid  # noqa: F401
from .punch import punch_import, punch_line_resolve  # noqa: F401
from .records import (  # noqa: F401
    Extras,
    FourEyesViolation,
    entry_batch_create,
    record_key,
    record_reject,
    record_second_key,
    record_verify,
    survey_record_history,
    survey_register,
)
from .vouchers import (  # noqa: F401
    VoucherItem,
    voucher_issue,
    voucher_issue_bulk,
    voucher_reissue,
    voucher_replace,
    voucher_void,
)
