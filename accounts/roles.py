"""Roles are groups with a fixed set of permissions; this table is the single source of truth.

`sync_roles()` (run after every migrate) makes the groups match it. Each app declares its own
permissions in its models' Meta; a role names them here as "app_label.codename".
"""

from __future__ import annotations

CLERK = "予防接種担当"
MYNUMBER = "番号利用事務従事者"
ENTRY = "入力担当"
VERIFIER = "照合担当"
RELIEF = "健康被害救済担当"
RELIEF_LEAD = "健康被害救済責任者"
AUDITOR = "監査担当"
ADMIN = "システム管理者"
CONTRACTOR = "委託事業者"
DISCLOSURE = "開示請求担当"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CLERK: [
        "residents.view_register",
        "immunization.view_schedule",
        "notices.view_noticebatch",
        "notices.manage_batch",
        "notices.download_printfile",
    ],
    MYNUMBER: [
        "residents.view_register",
        "residents.use_mynumber",
        "immunization.view_schedule",
    ],
    ENTRY: [
        "residents.view_register",
        "immunization.view_schedule",
    ],
    VERIFIER: [
        "residents.view_register",
        "immunization.view_schedule",
    ],
    RELIEF: [
        "residents.view_register",
        "relief.access_relief",
    ],
    # relief supervisor: every claim, assignment of workers, rates, the finance CSV
    RELIEF_LEAD: [
        "residents.view_register",
        "relief.access_relief",
        "relief.supervise_claims",
        "relief.export_payments",
        "relief.manage_rates",
        "integration.network_inquiry",  # the public-funds account lookup goes through the network
    ],
    # requests from residents about their own information (PIA V): the register and the holdings report
    DISCLOSURE: [
        "residents.view_register",
        "residents.handle_disclosure",
    ],
    AUDITOR: [
        "audit.view_access_log",
        "audit.export_access_log",
    ],
    # the admin console only: manages accounts and rights, sees no resident data
    ADMIN: [
        "accounts.view_staff",
        "accounts.add_staff",
        "accounts.change_staff",
        "accounts.view_rightsreview",
        "accounts.add_rightsreview",
        "auth.view_group",
        "auth.change_group",
        "auth.view_permission",
        # recurring notice batches (django-celery-beat schedules) are edited in the console
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.add_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
    ],
    CONTRACTOR: [],
}

# billing: 予防接種担当 decides co-payments and runs claims; 入力担当 keys consents, 照合担当 verifies them;
# the system administrator keeps the fee schedules (reference data).
ROLE_PERMISSIONS[CLERK] += [
    "billing.view_consent",
    "billing.view_copaymentdecision",
    "billing.decide_copayment",
    "billing.view_feeschedule",
    "billing.view_claim",
    "billing.run_claims",
    "billing.export_claims",
]
ROLE_PERMISSIONS[ENTRY] += ["billing.view_consent", "billing.add_consent"]
ROLE_PERMISSIONS[VERIFIER] += ["billing.view_consent", "billing.verify_consent"]
ROLE_PERMISSIONS[ADMIN] += [
    "billing.view_feeschedule",
    "billing.add_feeschedule",
    "billing.change_feeschedule",
]

ALL_ROLES = list(ROLE_PERMISSIONS)


def sync_roles() -> None:
    """Create every role group with the permissions listed above.

    New groups get exactly the list; existing groups get missing permissions added, so that what the
    system administrator changed in the console is not undone by a deploy.
    """
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)


# immunization records (issue 3: records, entry and verification, punch import, surveys, vouchers)
ROLE_PERMISSIONS[CLERK] += [
    "immunization.view_history",
    "immunization.search_lot",
    "immunization.list_movein",
    "immunization.issue_voucher",
]
ROLE_PERMISSIONS[ENTRY] += ["immunization.key_record"]
ROLE_PERMISSIONS[CONTRACTOR] += ["immunization.key_record"]
ROLE_PERMISSIONS[VERIFIER] += [
    "immunization.verify_record",
    "immunization.reconcile_punch",
    "immunization.view_history",
]

# integration (issue 7): linkage feeds, network inquiries, and the supervisor (所属長) who approves
# answers flagged "no automatic answer" (PIA III-6)
SUPERVISOR = "情報提供承認者"
ROLE_PERMISSIONS[SUPERVISOR] = ["residents.view_register", "integration.view_feeds", "integration.approve_answer"]
ALL_ROLES.append(SUPERVISOR)
ROLE_PERMISSIONS[CLERK] += ["integration.view_feeds", "integration.run_feeds"]
ROLE_PERMISSIONS[MYNUMBER] += ["integration.view_feeds", "integration.network_inquiry"]
ROLE_PERMISSIONS[RELIEF] += ["integration.network_inquiry"]
