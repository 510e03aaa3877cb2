"""A Mynaportal お知らせ receiver for worker tests: appends every notice it receives to a JSON-lines file
(named by NOTICE_TEST_RECORD), so the test process can count what the worker process sent."""

from __future__ import annotations

import json
import os
from typing import Any


def send_notices(notices: list[dict[str, Any]]) -> list[dict[str, str]]:
    with open(os.environ["NOTICE_TEST_RECORD"], "a", encoding="utf-8") as fh:
        for n in notices:
            fh.write(json.dumps(n, ensure_ascii=False) + "\n")
    return [{"notice_id": n["notice_id"], "status": "delivered", "message": "配信しました"} for n in notices]


def received(path: str) -> list[dict[str, Any]]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
