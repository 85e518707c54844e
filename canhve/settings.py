"""Settings for canhve.

Development and the demo run with no environment at all (SQLite under var/). Production is chosen by
CANHVE_ENV=production and then reads everything that differs from the environment:
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS. The app keeps no state in process memory
between requests (sessions and cache live in the database or Redis), so any number of app servers can
run behind one reverse proxy.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CANHVE_VAR_DIR", PROJECT_DIR / "var"))
DATA_DIR = Path(os.environ.get("CANHVE_DATA_DIR", PROJECT_DIR / "data"))

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("CANHVE_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
    DEBUG = False
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:  # every request would get 400; `check --deploy` warns (security.W020)
        raise ImproperlyConfigured("CANHVE_ENV=production needs ALLOWED_HOSTS (comma-separated host names).")
    CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
    # Off unless asked for (DEBUG=1): a traceback page shows settings and data to whoever hit the error.
    DEBUG = os.environ.get("DEBUG", "0") == "1"
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "canhve.core",
    "canhve.accounts",
    "canhve.agencies",
    "canhve.geo",
    "canhve.exchange",
    "canhve.protectees",
    "canhve.operations",
    "canhve.sites",
    "canhve.staffing",
    "canhve.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "canhve.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL bytes in any parameter: 400 naming it, before a view reaches the database (ADR 0106).
    "canhve.core.input_guard.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Clearance Tối mật and above: no page before the second factor (docs/decisions/0101-login-hardening.md).
    "canhve.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "canhve.core.middleware.AuditContextMiddleware",
    "canhve.core.middleware.PrivateResponseMiddleware",
    # Last, so it sees the login attempts every view above it handled.
    "axes.middleware.AxesMiddleware",
    # Innermost: runs the view in its ATOMIC_REQUESTS transaction and rolls it back when the view answers
    # 4xx/5xx, so a refused request changes nothing (ADR 0106, canhve/core/transactions.py).
    "canhve.core.transactions.RollbackOnRefusalMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins per account and per address and refuses a locked one before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Lockout (docs/decisions/0101-login-hardening.md): 5 failures for one account (from anywhere) or from one
# address (against any accounts) lock that account or address for 15 minutes; the right password is refused
# meanwhile. The address is the one the audit trail records (client_ip, proxy-aware).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "canhve.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "canhve.accounts.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "canhve"

ROOT_URLCONF = "canhve.urls"
WSGI_APPLICATION = "canhve.wsgi.application"
ASGI_APPLICATION = "canhve.asgi.application"

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
                "django.template.context_processors.i18n",
                "canhve.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'canhve.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Every request runs in one transaction, so a write and its audit row commit or roll back together; it rolls
# back when the view answers 4xx/5xx as well as when it raises (RollbackOnRefusalMiddleware, ADR 0106).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several planners at once (ADR 0105): WAL lets readers run beside the one writer; IMMEDIATE takes the
    # write lock at BEGIN (ATOMIC_REQUESTS), so a read that later writes an audit row waits on busy_timeout
    # instead of failing with "database is locked" when it upgrades its lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["canhve.formats"]

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the source folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("CANHVE_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session dies after 30 minutes without a request. Every request saves the session, so its
# expiry (kept server-side in the database, not only in the cookie) slides forward with each use.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The reverse proxies whose X-Forwarded-For is believed (comma-separated addresses). Empty: the peer
# address is the client, so a forged header cannot change what the audit trail records.
FORWARDED_ALLOW_IPS = frozenset(_env_list("FORWARDED_ALLOW_IPS"))
# Sent on every response: no page may use a device feature except what the checkpoint pages need.
PERMISSIONS_POLICY = (
    "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Content-Security-Policy on every response (django-csp 4.0, ADR 0104). Nothing inline runs: no <script>
# body, no on…= attribute, no javascript: URL, no style= attribute or <style> block; every script and
# stylesheet is a file under /static/. JSON for a page travels in <script type="application/json">
# (json_script), which the browser never executes. Scripts may still set styles through the CSSOM
# (Leaflet positions its panes that way), which style-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Domain settings.
# At most 90 days whatever the environment asks (ApiToken.issue refuses longer too).
CANHVE_API_TOKEN_DAYS = min(int(os.environ.get("CANHVE_API_TOKEN_DAYS", "90")), 90)
CANHVE_ROAD_GRAPH = Path(
    os.environ.get("CANHVE_ROAD_GRAPH", DATA_DIR / "roads" / "hanoi_core_2026-04-11.osm.pbf")
)
