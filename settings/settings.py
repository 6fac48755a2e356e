"""Settings of the example host project, read from the environment.

Two database aliases reach the same PostgreSQL database as two roles:

- ``default``, from DATABASE_URL: the runtime role, which owns nothing and
  is bound by row-level security. Everything but migrations runs on it.
- ``migrations``, from MIGRATION_DATABASE_URL (DATABASE_URL when unset):
  the migration role, which owns the schema. Run
  ``manage.py migrate --database migrations`` and
  ``manage.py ue_store_grants --apply --database migrations`` with it.

When DATABASE_URL is unset, both URLs are read from the private server that
``scripts/devdb.py start`` runs (``.pgdata/runtime_url`` and
``.pgdata/migration_url``). docs/roles-and-rls.md explains the roles.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_STATE = BASE_DIR / ".pgdata"

env = environ.Env()


def _embedded_url(name: str) -> str:
    path = EMBEDDED_STATE / name
    if path.exists():
        return path.read_text().strip()
    if (EMBEDDED_STATE / "database_url").exists():
        raise ImproperlyConfigured(
            f"the private PostgreSQL server runs but {path} is missing; create "
            "the migration and runtime roles with 'python scripts/devdb.py roles'"
        )
    raise ImproperlyConfigured(
        "DATABASE_URL is not set and the private PostgreSQL server is not "
        "running; start it with 'python scripts/devdb.py start' or set "
        "DATABASE_URL (runtime role) and MIGRATION_DATABASE_URL (migration "
        "role) to postgres:// URLs"
    )


def _database_urls() -> tuple[str, str]:
    """Return the runtime and the migration role's URLs."""
    runtime: str = env.str("DATABASE_URL", default="")
    if not runtime:
        return _embedded_url("runtime_url"), _embedded_url("migration_url")
    migration: str = env.str("MIGRATION_DATABASE_URL", default="")
    return runtime, migration or runtime


def _database(url: str) -> dict[str, object]:
    config: dict[str, object] = env.db_url_config(url)
    # Safe behind a transaction-mode pooler such as PgBouncer: psycopg
    # prepares no server-side statement that a later transaction could miss
    # on another server connection. ue_store sets no session-level setting.
    # Keep what the URL's query string set (sslmode, sslrootcert, passfile,
    # service), and add the pooler-safe defaults next to it.
    from_url = config.get("OPTIONS")
    options: dict[str, object] = dict(from_url) if isinstance(from_url, dict) else {}
    options["prepare_threshold"] = None
    if env.bool("DATABASE_POOL", default=False):
        # Django's psycopg pool; it rejects a non-zero CONN_MAX_AGE.
        options["pool"] = True
    else:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    config["OPTIONS"] = options
    return config


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="ue-store-example-host-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ue_store",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "settings.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# Lowercase names: Django's error reports show uppercase settings, and only
# DATABASES masks the passwords these URLs contain.
_runtime_url, _migration_url = _database_urls()
DATABASES = {
    "default": _database(_runtime_url),
    "migrations": _database(_migration_url),
}
del _runtime_url, _migration_url
#: The role that ``manage.py ue_store_grants`` grants to by default: the
#: runtime role that DATABASE_URL connects as, unless named otherwise.
UE_STORE_RUNTIME_ROLE = env.str(
    "UE_STORE_RUNTIME_ROLE", default=str(DATABASES["default"]["USER"])
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        "ue_store": {
            "handlers": ["console"],
            "level": env.str("UE_STORE_LOG_LEVEL", default="INFO"),
        },
    },
}
