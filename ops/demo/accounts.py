"""One demo account per role (password from DEMO_PASSWORD)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import Staff

# (username, display name, roles, contractor)
DEMO_ACCOUNTS: list[tuple[str, str, list[str], bool]] = [
    ("clerk", "予防 花子", [roles.CLERK], False),
    ("mynumber", "番号 一郎", [roles.CLERK, roles.MYNUMBER], False),
    ("entry", "入力 次郎", [roles.ENTRY], False),
    ("verifier", "照合 三郎", [roles.VERIFIER], False),
    ("relief", "救済 四郎", [roles.RELIEF], False),
    ("auditor", "監査 五郎", [roles.AUDITOR], False),
    ("disclosure", "開示 六子", [roles.DISCLOSURE], False),
    ("admin", "情報 政策", [roles.ADMIN], False),
    ("contractor", "委託 株式会社", [roles.CONTRACTOR], True),
]


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    roles.sync_roles()
    for username, display, role_names, contractor in DEMO_ACCOUNTS:
        staff, _ = Staff.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display,
                "is_contractor": contractor,
                "account_expires_on": timezone.localdate() + datetime.timedelta(days=365) if contractor else None,
                "is_staff": roles.ADMIN in role_names,
            },
        )
        staff.set_password(settings.DEMO_PASSWORD)
        staff.save()
        staff.groups.set(Group.objects.filter(name__in=role_names))
    stdout.write(f"  アカウント {len(DEMO_ACCOUNTS)} 件")
