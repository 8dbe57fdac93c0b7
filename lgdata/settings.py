"""Settings for the LAO central data portal.

Every setting comes from the environment (see README, "Configuration"). Bad values fail loudly
at start-up rather than half-working.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "insecure-development-key-only-for-debug-and-tests"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it to a long random string, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "lgdata.admin.PortalAdminConfig",
    "lgdata",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "records",
    "accounts",
    "deadlines",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lgdata.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lgdata.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lgdata.urls"
WSGI_APPLICATION = "lgdata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.can",
                "deadlines.context_processors.unread_notices",
            ],
            "builtins": ["lgdata.templatetags.thai"],
        },
    },
]

# The embedded default is a SQLite file under var/; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let gunicorn workers share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account+address pair after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"  # honours PROXY_COUNT

# Sessions end after a working day, or earlier when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", "") or BASE_DIR / "var" / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Uploads: refuse anything larger before reading it (registry files are a few MB).
# A form's fields without its files: the largest is a pasted circular (100,000 characters at
# most, 0.9 MB percent-encoded Thai); 5 MB lets a paste several times too long still reach the
# form and get its message there. Past this, Django refuses the request: templates/400.html.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 40) * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL (smtp://user:pass@host:587, consolemail://) or Django's EMAIL_* variables.
_email_url = os.environ.get("EMAIL_URL", "")
if _email_url:
    from urllib.parse import unquote, urlsplit

    _parts = urlsplit(_email_url)
    _schemes = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
        "consolemail": "django.core.mail.backends.console.EmailBackend",
        "memorymail": "django.core.mail.backends.locmem.EmailBackend",
    }
    if _parts.scheme not in _schemes:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(_schemes)}")
    EMAIL_BACKEND = _schemes[_parts.scheme]
    EMAIL_HOST = _parts.hostname or "localhost"
    EMAIL_PORT = _parts.port or (465 if _parts.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_parts.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parts.password or "")
    EMAIL_USE_SSL = _parts.scheme == "smtps"
    EMAIL_USE_TLS = _parts.scheme == "submission" or "tls=1" in _parts.query
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# The portal's public address, for links in e-mails (reminders).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LAO data portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("ADMINS", "")]

# Production hardening. The portal sits behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; HTTPS can be switched off only for a plain-HTTP demo with DEBUG on.
SECURE = env_bool("SECURE", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Everything the pages use is served by the portal itself; no inline or foreign script runs.
# Inline styles stay allowed: the server-drawn SVG charts and a few bars are styled inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
AXES_VERBOSE = False

# --- API for the MOC link and the open-data feed (api app, docs/api.md) ----------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "api"]
# Requests per token, as "<number>/<second|minute|hour|day>". Counted in Django's cache: with
# several gunicorn workers and the default local-memory cache each worker counts on its own,
# so set a shared cache (e.g. Redis or the database cache) to make the limit exact.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "") or "120/minute"
_rate_number, _, _rate_period = API_RATE_LIMIT.partition("/")
if not (
    _rate_number.isdigit()
    and int(_rate_number) > 0
    and _rate_period in ("s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day")
):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must look like 120/minute (per second, minute, hour or day), "
        f"not {API_RATE_LIMIT!r}"
    )
# The daily national completeness files under /opendata/, downloadable without login; off → 404.
OPEN_DATA_FEED = env_bool("OPEN_DATA_FEED", False)
REST_FRAMEWORK = {
    # Bearer tokens only: no session authentication, so no CSRF exposure through the API.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LAO central data portal API",
    "DESCRIPTION": "Read-only API of the Department of Local Administration's LAO central data "
    "for the Ministry of Interior Operations Center. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "LAOTypeEnum": "api.serializers.LAO_TYPES",
        "FieldTypeEnum": "api.serializers.FIELD_TYPES",
        "CircularLevelEnum": "api.serializers.CIRCULAR_LEVELS",
    },
}

# --- Background tasks, shared cache, sessions and files: nothing held on one machine ----------
# See docs/DEPLOYMENT.md. Exports, large imports, reminder runs and snapshots run as tasks of
# Django's tasks API (the django-tasks backport) on its database backend: the queue is a table
# of the database the portal already has (SQLite by default, PostgreSQL with SKIP LOCKED for
# many workers), so there is no broker to run; `manage.py db_worker` runs them.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# From this size up a web export or a confirmed registry import runs as a task (a worker's job)
# rather than in the request; lowered by `make cluster-test` so its small dataset uses workers.
EXPORT_BACKGROUND_LAOS = env_int("EXPORT_BACKGROUND_LAOS", 2000)
REGISTRY_IMPORT_BACKGROUND_ROWS = env_int("REGISTRY_IMPORT_BACKGROUND_ROWS", 1000)

# CACHE_URL=redis://127.0.0.1:6379/0 shares the cache (rate limits, cached sessions, dashboard
# figures) between every app server and worker; without it each process has its own memory.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    from urllib.parse import urlsplit as _urlsplit

    if _urlsplit(CACHE_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis address such as redis://127.0.0.1:6379/0, not {CACHE_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "lgdata"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database: any app server reads any session, and a cache restart logs
# nobody out. They are read through the cache only when the cache is shared (CACHE_URL): each
# gunicorn worker's own memory would keep a copy that another worker's change (an upload kept
# for its confirmation, a language) leaves stale.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# Uploaded files kept between preview and confirmation, and finished exports, go through
# Django's storage API (STORAGES["default"]): MEDIA_ROOT must be a volume every app server and
# worker shares, or configure object storage there instead.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "") or BASE_DIR / "var" / "media")

# PgBouncer in transaction mode (PGBOUNCER=1): a server connection serves one transaction, so no
# server-side cursors (they outlive it) and no persistent connections on Django's side.
PGBOUNCER = env_bool("PGBOUNCER", False)
if PGBOUNCER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica (REPLICA_URL) serves the read-only pages' reads while it lags the primary
# by at most REPLICA_MAX_LAG_SECONDS (checked every REPLICA_CHECK_SECONDS); see lgdata/replica.py.
REPLICA_URL = os.environ.get("REPLICA_URL", "")
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
# A replica host that takes the connection but never answers (hung, or a black-holed address)
# costs the page that checks it this long, then the primary is read (libpq's least is 2 s).
REPLICA_CONNECT_TIMEOUT = env_int("REPLICA_CONNECT_TIMEOUT", 2)


def replica_database(url: str) -> dict:
    """The replica's connection settings: those of REPLICA_URL, with a connect timeout (unless
    the URL gives one)."""
    database = dj_database_url.parse(
        url, conn_max_age=0 if PGBOUNCER else env_int("CONN_MAX_AGE", 60)
    )
    database.setdefault("OPTIONS", {}).setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
    database["TEST"] = {"MIRROR": "default"}
    if PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database


if REPLICA_URL:
    DATABASES["replica"] = replica_database(REPLICA_URL)
DATABASE_ROUTERS = ["lgdata.replica.ReplicaRouter"]
MIDDLEWARE.insert(0, "lgdata.replica.ReplicaReadsMiddleware")
