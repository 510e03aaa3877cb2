"""The purposes (利用目的) billing writes into the audit trail: one name each, shared by services and views."""

COPAYMENT = "実費の徴収"
DECIDE = "実費の徴収 / 自己負担判定"
CONSENT = "実費の徴収 / 同意書の管理"
CONSENT_VERIFY = "実費の徴収 / 同意書の照合"
DECISION_BASIS = "実費の徴収 / 判定根拠の確認"
TAX_READ = "実費の徴収 / 課税状況の確認"
CLAIMS = "実費の徴収 / 医療機関への委託料の支払"
