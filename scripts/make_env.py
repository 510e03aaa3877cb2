"""Write .env for development and tests with fresh random secrets (once; an existing .env is kept)."""

import base64
import os
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
if path.exists():
    sys.exit(0)


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


path.write_text(
    "\n".join(
        [
            "# Development settings written by `make` (scripts/make_env.py). Never use these in production.",
            "DEBUG=true",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/okazaki_vax",
            "REDIS_URL=redis://127.0.0.1:6379/0",
            f"MYNUMBER_KEYS=k1:{key()}",
            "MYNUMBER_ACTIVE_KEY_ID=k1",
            f"MYNUMBER_INDEX_KEY={key()}",
            "DEMO_PASSWORD=okazaki-demo-2026",
            "",
        ]
    )
)
print(f"wrote {path}")
