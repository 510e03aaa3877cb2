"""Settings, all from the environment (django-environ).

Development and tests read `.env` (written by `make` with random keys on first use). In production
(DEBUG off) every secret must come from the environment: a missing one stops start-up.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(env_file).exists():
    environ.Env.read_env(env_file, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")  # no default: fail fast when missing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "auditlog",
    "axes",
    "django_celery_beat",
    # ours, from the bottom of the map up (docs/architecture.md): core, audit, accounts, residents, …
    "core",
    "audit",
    "accounts",
    "residents",
    "immunization",
    "notices",
    "billing",
    "relief",
    "integration",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PortalSSOMiddleware",
    "accounts.middleware.AccountExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "audit.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # must be last (django-axes)
]

ROOT_URLCONF = "okazaki_vax.urls"
WSGI_APPLICATION = "okazaki_vax.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.menus.menu_context",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/okazaki_vax"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first (django-axes)
    "accounts.backends.StaffBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions end after 30 minutes (PIA III-3 R2): the expiry is pushed forward on each request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: five wrong passwords lock the account until an administrator unlocks it (PIA III-3 R2).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = None
AXES_LOCKOUT_PARAMETERS = ["username"]  # by account, not by IP: one office shares one NAT address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # unlocking goes through accounts.services.staff_unlock, which is audited
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # deliberate: see AXES_LOCKOUT_PARAMETERS

# Off by default: trust the city portal's single sign-on header (see README "Single sign-on").
PORTAL_SSO_HEADER = env.str("PORTAL_SSO_HEADER", default="")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# django-auditlog writes into our own append-only, hash-chained table.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditRecord"
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDIT_RETENTION_YEARS = 7

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Hourly seals of the audit chain's head, outside the database (audit/seals.py). In production, a path that
# database administrators cannot write, and the log line shipped to the city's log server.
AUDIT_SEAL_PATH = Path(env.str("AUDIT_SEAL_PATH", default=str(BASE_DIR / "var" / "audit" / "seals.log")))

# Uploads and generated print files live outside the web root and are served only by audited views.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))

# My Number protection (residents.mynumber_crypto): AES-256-GCM keys by id, and a separate HMAC key
# for the blind index. Format: MYNUMBER_KEYS="k1:<base64 32 bytes>,k2:<base64 32 bytes>".
MYNUMBER_KEYS = env.str("MYNUMBER_KEYS")
MYNUMBER_ACTIVE_KEY_ID = env.str("MYNUMBER_ACTIVE_KEY_ID")
MYNUMBER_INDEX_KEY = env.str("MYNUMBER_INDEX_KEY")

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 512 * 1024  # KiB; WeasyPrint does not give memory back promptly

# Nothing with personal data goes into a shared cache: a local, per-process cache only.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_mynumber": {"()": "audit.logging.RedactMyNumberFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_mynumber"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Demo and benchmark
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="okazaki-demo-2026")
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# Adapters: the apps name the interface they need, `integration` implements it (apps never import
# integration). Each value is a dotted path to a callable; core.adapters.get_adapter loads it.
ADAPTERS = {
    # (resident, *, requested_by, purpose) -> dict | None: 公金受取口座 via the intermediate server
    "PUBLIC_FUNDS_ACCOUNT": env.str(
        "ADAPTER_PUBLIC_FUNDS_ACCOUNT", default="integration.intermediate.public_funds_account_lookup"
    ),
    # (notices: list[dict]) -> list[dict]: Mynaportal お知らせ via the intermediate server
    "MYNAPORTAL_NOTICE": env.str("ADAPTER_MYNAPORTAL_NOTICE", default="integration.mynaportal.send_notices"),
    # (*, mynumber, name, sex, birth_date, address, requested_by) -> dict: 住基ネット本人確認
    "JUKINET_VERIFY": env.str("ADAPTER_JUKINET_VERIFY", default="integration.jukinet.verify_mynumber"),
    # (resident_ids, dose_code, on) -> {resident_id: class}: the co-payment class notices print on vouchers
    "COPAYMENT_CLASSES": "billing.selectors.copayment_classes_for_notice",
}

# integration: which national side the connectors talk to. Only the simulator exists (tests, demo);
# the real 中間サーバー / 住基ネット connectors are deliberately not built (see integration/simulator.py).
INTEGRATION_NATIONAL_SIDE = env.str("INTEGRATION_NATIONAL_SIDE", default="simulator")
INTEGRATION_INBOX = Path(env.str("INTEGRATION_INBOX", default=str(BASE_DIR / "var" / "feeds")))

# notices: WeasyPrint logs every page at INFO; keep its warnings (a missing font or harfbuzz-subset) only.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}

# notices (notice batches). DV-protected people: "protected" = mail to the protected address in their DV
# status (held when it has none); "hold" = always held for manual handling. Never the registered address.
NOTICE_DV_POLICY = env.str("NOTICE_DV_POLICY", default="protected")
NOTICE_CHUNK_SIZE = env.int("NOTICE_CHUNK_SIZE", default=100)  # notices per print file (measured: bench)
NOTICE_CHUNK_LEASE_S = env.int("NOTICE_CHUNK_LEASE_S", default=300)  # a claimed chunk older than this is redone
NOTICE_CHUNK_MAX_ATTEMPTS = 3
# a pending chunk whose message may have died with a worker (Redis redelivers only after the 1 h visibility
# timeout) is sent again after this long; a duplicate is harmless (compare-and-set claim)
NOTICE_PENDING_REQUEUE_S = env.int("NOTICE_PENDING_REQUEUE_S", default=3600)
NOTICE_QUEUE = env.str("NOTICE_QUEUE", default="celery")
NOTICE_PREVIEW_NOTICES = 3
NOTICE_RECENT_DAYS_DEFAULT = 30
NOTICE_SENDER = {
    "name": "岡崎市保健所 保健予防課 予防接種係",
    "address": "〒444-0827 愛知県岡崎市若宮町2丁目1番地1",
    "tel": "0564-23-6714",
}
NOTICE_CLINIC_LIST_URL = env.str(
    "NOTICE_CLINIC_LIST_URL", default="https://www.city.okazaki.lg.jp/1100/1107/1146/p017817.html"
)

# Periodic jobs (django-celery-beat copies these into its tables, where the administrator can edit them)
CELERY_BEAT_SCHEDULE = {
    # integration: the linkage platform's files are polled every 5 minutes
    "integration-feeds-poll": {"task": "integration.tasks.feeds_poll", "schedule": 300.0},
    "integration-copies-refresh": {"task": "integration.tasks.copies_refresh", "schedule": 24 * 3600.0},
    "integration-links-sync": {"task": "integration.tasks.links_sync", "schedule": 24 * 3600.0},
    # billing: redo co-payment decisions whose statuses or consents changed, after the night's feeds
    "billing-redecide-changed": {"task": "billing.tasks.redecide_changed_task", "schedule": crontab(hour=6, minute=30)},
    # audit: the chain's head sealed outside the database, so a truncated tail is caught (audit/seals.py)
    "audit-seal-chain-head": {"task": "audit.tasks.seal_chain_head", "schedule": crontab(minute=0)},
    # notices: re-queues chunks whose worker died and finishes batches whose chunks are all done
    "notices-sweep": {"task": "notices.tasks.sweep", "schedule": 60.0},
}
