"""Every write the immunization records business does (keyword-only `<entity>_<verb>` functions)."""

from .vouchers import (  # noqa: F401
    VoucherItem,
    voucher_issue,
    voucher_issue_bulk,
    voucher_reissue,
    voucher_replace,
    voucher_void,
)
