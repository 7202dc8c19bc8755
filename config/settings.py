"""Tally settings. Every value comes from the environment (twelve-factor).

| variable | meaning | default |
|---|---|---|
| DATABASE_URL | database to use | SQLite file `db.sqlite3` beside manage.py |
| TALLY_SECRET_KEY | Django secret key | a fixed development key (only when TALLY_DEBUG=1) |
| TALLY_DEBUG | `1` turns on Django's debug mode | `0` |
| TALLY_ALLOWED_HOSTS | comma-separated host names | `localhost,127.0.0.1,[::1]` |
| TALLY_TEST_CLOCK | `1`: time is real time plus an offset kept in the database | `0` |
| TALLY_TIME_ZONE | the site's time zone for owner-facing pages | `UTC` |
| TALLY_ORDER_SESSION_KEYS | comma-separated `id:secret` master secrets, first encrypts | none |
| TALLY_MAX_BODY_BYTES | largest request body accepted (413 above) | 1048576 |
| TALLY_DB_PREPARED_STATEMENTS | `1`: server-side binding, prepared statements (PostgreSQL) | `0` |
| TALLY_ACCESS_TOKEN_RATE | attempts at POST /accessToken/get per client address | `60/min` |
| TALLY_PAYMENT_PROVIDER | dotted path of the payment provider class | the test provider |
| TALLY_DRAFT_TTL | how long an unpaid online draft lives (`48h`, `2d`) | `48h` |
| TALLY_PAYMENT_RETRY_DAYS | days after a declined renewal that the clock tries again | `1,3,5,7` |
| TALLY_SITE_URL | the site's address, for links in emails | `http://127.0.0.1:8000` |
| TALLY_EMAIL_FROM | sender of emails to members | `Tally <noreply@localhost>` |
| TALLY_EMAIL_HOST | SMTP server; unset: emails are printed on the console | none |
| TALLY_EMAIL_PORT | SMTP port | 587 |
| TALLY_EMAIL_USER, TALLY_EMAIL_PASSWORD | SMTP login | none |
| TALLY_EMAIL_SSL | `1`: implicit TLS (port 465); else STARTTLS unless TALLY_EMAIL_TLS=0 | `0` |
| TALLY_PUBLIC_URL | the base URL webhook receivers know Tally by (JWT `iss`) | 127.0.0.1:8000 |
| TALLY_WEBHOOK_ALLOW_PRIVATE | `1`: webhooks may go to http and private/loopback addresses | `0` |
| TALLY_WEBHOOK_RETENTION_DAYS | days delivered and failed webhook deliveries are kept | 30 |
| TALLY_WEBHOOK_TIMEOUT_SECONDS | how long a receiver has to answer a delivery | 15 |
| TALLY_WEBHOOK_CA_BUNDLE | PEM file of extra CAs trusted for https webhook receivers | none |
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("TALLY_DEBUG")
SECRET_KEY = os.environ.get("TALLY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not os.environ.get("PYTEST_VERSION"):
        raise ImproperlyConfigured("Set TALLY_SECRET_KEY (or TALLY_DEBUG=1 for development).")
    SECRET_KEY = "tally-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TALLY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

TALLY_TEST_CLOCK = env_flag("TALLY_TEST_CLOCK")
TALLY_MAX_BODY_BYTES = int(os.environ.get("TALLY_MAX_BODY_BYTES", str(1024 * 1024)))
# Paths that legitimately carry larger bodies (a 2 MB image is about 2.7 MB of base64).
TALLY_BODY_LIMIT_OVERRIDES = {"/order-management/v1/image": 4 * 1024 * 1024}
TALLY_DB_PREPARED_STATEMENTS = env_flag("TALLY_DB_PREPARED_STATEMENTS")
# Attempts at POST /accessToken/get per client address (DRF rate: "60/min", "1000/hour").
TALLY_ACCESS_TOKEN_RATE = os.environ.get("TALLY_ACCESS_TOKEN_RATE", "60/min")
TALLY_PUBLIC_URL = os.environ.get("TALLY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
TALLY_WEBHOOK_ALLOW_PRIVATE = env_flag("TALLY_WEBHOOK_ALLOW_PRIVATE")
TALLY_WEBHOOK_RETENTION_DAYS = int(os.environ.get("TALLY_WEBHOOK_RETENTION_DAYS", "30"))
TALLY_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("TALLY_WEBHOOK_TIMEOUT_SECONDS", "15"))
TALLY_WEBHOOK_CA_BUNDLE = os.environ.get("TALLY_WEBHOOK_CA_BUNDLE", "")
# Posts one worker process has in flight to one endpoint, and in all.
TALLY_WEBHOOK_ENDPOINT_CONCURRENCY = 8
TALLY_WEBHOOK_WORKER_THREADS = 64
TALLY_ORDER_SESSION_KEYS = [
    k.strip() for k in os.environ.get("TALLY_ORDER_SESSION_KEYS", "").split(",") if k.strip()
]
TALLY_DRAFT_TTL = os.environ.get("TALLY_DRAFT_TTL", "48h")
TALLY_PAYMENT_RETRY_DAYS = os.environ.get("TALLY_PAYMENT_RETRY_DAYS", "1,3,5,7")

TALLY_SITE_URL = os.environ.get("TALLY_SITE_URL", "http://127.0.0.1:8000")
if os.environ.get("TALLY_PAYMENT_PROVIDER"):
    TALLY_PAYMENT_PROVIDER = os.environ["TALLY_PAYMENT_PROVIDER"]

# Email: SMTP when TALLY_EMAIL_HOST is set, else printed on the console (``make run``).
DEFAULT_FROM_EMAIL = os.environ.get("TALLY_EMAIL_FROM", "Tally <noreply@localhost>")
EMAIL_TIMEOUT = 10
if os.environ.get("TALLY_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["TALLY_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("TALLY_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("TALLY_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("TALLY_EMAIL_PASSWORD", "")
    EMAIL_USE_SSL = env_flag("TALLY_EMAIL_SSL")
    EMAIL_USE_TLS = not EMAIL_USE_SSL and env_flag("TALLY_EMAIL_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "config.apps.ConfigConfig",
    "accounts",
    "orders",
    "sessions_app",
    "receipts",
    "members",
    "webhooks",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "config.middleware.BodySizeLimitMiddleware",
    "config.middleware.NulByteGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "config.urls"
APPEND_SLASH = False

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front, so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif TALLY_DB_PREPARED_STATEMENTS:
    # Opt-in, off by default as in Django: parameters travel apart from the SQL and a statement
    # is prepared after five runs on a connection. It breaks behind a pooler that shares server
    # connections between transactions (PgBouncer's transaction mode), and no statement may
    # then carry more than 65,535 parameters.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TALLY_TIME_ZONE", "UTC")
USE_I18N = True
# Dates and times as people read them ("5 Jan 2027, 12:08"): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
# Nothing is served from MEDIA_URL; setting it keeps test servers from treating every path
# as a media file (an unset MEDIA_URL matches all paths, and a 4 KiB path then fails to stat).
MEDIA_URL = "media/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "members:orders"
LOGOUT_REDIRECT_URL = "members:plans"

# Request bodies are capped by BodySizeLimitMiddleware; keep Django's own cap just above it.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(TALLY_BODY_LIMIT_OVERRIDES.values()) + 1024

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.throttling.GuardedBearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.HasScopes"],
    "DEFAULT_RENDERER_CLASSES": ["config.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["config.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "config.api.wix_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tally API",
    "DESCRIPTION": "Pricing-plan orders (Wix Pricing Plans v2 wire format), order sessions, "
    "receipts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every error answer of every operation, in its API's envelope (config/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tally": {"level": "INFO"}},
}


# ---- Security: login lockout, API throttling, HTTPS, Content Security Policy -----------------
# (docs/operations.md explains each variable.)
#
# | variable | meaning | default |
# |---|---|---|
# | TALLY_HTTPS | `1`: HSTS, SSL redirect, Secure `__Host-` cookies | `0` |
# | TALLY_PROXY_SSL_HEADER | header the proxy sets to `https` (`X-Forwarded-Proto`) | none |
# | TALLY_PROXY_COUNT | reverse proxies that append to X-Forwarded-For (0: REMOTE_ADDR) | `0` |
# | TALLY_HSTS_SECONDS | HSTS max-age when TALLY_HTTPS=1 | 31536000 |
# | TALLY_LOGIN_FAILURE_LIMIT | failed sign-ins per username and address before a pause | 5 |
# | TALLY_LOGIN_LOCKOUT_MINUTES | how long that pause lasts | 15 |
# | TALLY_THROTTLE_CALLER | API requests per token (`N/s`, `N/min`, `N/hour`; `off`) | 3000/min |
# | TALLY_THROTTLE_ADDRESS | API requests per client address | 6000/min |
# | TALLY_THROTTLE_AUTH_FAILURES | failed API authentications per client address | 30/min |
# | TALLY_THROTTLE_ANONYMOUS | API requests without credentials per client address | 600/min |
# | TALLY_THROTTLE_CACHE | throttle counts: `memory` (per process) or `database` | memory |

INSTALLED_APPS += ["axes", "csp", "drf_spectacular_sidecar"]
# The policy is added early, so every page (debug and error pages too) carries it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires


def env_rate(name: str, default: str) -> str | None:
    value = os.environ.get(name, default).strip()
    return None if value.lower() in {"", "0", "off", "none"} else value


# Sign-in lockout (django-axes): admin and member login alike, per username and address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("TALLY_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("TALLY_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_SENSITIVE_PARAMETERS = ["password"]

# API throttling (config/throttling.py), answered 429 with Retry-After in each API's envelope.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "config.throttling.CallerRateThrottle",
    "config.throttling.AddressRateThrottle",
    "config.throttling.AnonymousRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "caller": env_rate("TALLY_THROTTLE_CALLER", "3000/min"),
    "address": env_rate("TALLY_THROTTLE_ADDRESS", "6000/min"),
    "auth_failures": env_rate("TALLY_THROTTLE_AUTH_FAILURES", "30/min"),
    "anonymous": env_rate("TALLY_THROTTLE_ANONYMOUS", "600/min"),
}
REST_FRAMEWORK["NUM_PROXIES"] = int(os.environ.get("TALLY_PROXY_COUNT", "0"))
# Counts are per process by default (`make run` is one process). Several processes enforce
# the limits together only through a shared cache: `database` (run `manage.py
# createcachetable` once), or point this alias at Redis or Memcached.
if os.environ.get("TALLY_THROTTLE_CACHE", "memory") == "database":
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tally_throttle_cache",
    }
else:
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tally-throttle",
    }

# HTTPS (TALLY_HTTPS=1). Off, a `make run` site works on plain http.
TALLY_HTTPS = env_flag("TALLY_HTTPS")
if TALLY_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's health check may use plain http
    SECURE_HSTS_SECONDS = int(os.environ.get("TALLY_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over https, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
_proxy_ssl_header = os.environ.get("TALLY_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    # Only behind a proxy that sets (and overwrites) this header: the request then counts as
    # https when the header says so.
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Content Security Policy (django-csp) on every response: scripts only from our own static
# files (no inline script runs), nothing from another host, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Django's admin and our pages use style attributes; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
