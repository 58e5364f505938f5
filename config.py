"""Configuration classes. Secrets and addresses come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - the value production refuses
DEFAULT_PESEL_HMAC_KEY = "dev-only-pesel-key"  # the value production refuses


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given without one."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Development defaults: SQLite in instance/, mail to a file outbox."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'agora.db'}")
    )
    # hide_parameters: database errors (and so the logs) never carry the values of a statement.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    # Sessions: cookie holds only an opaque login id; the login itself lives in the database.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_NAME = "agora_session"
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    REMEMBER_COOKIE_DURATION = 0

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)))

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    WTF_CSRF_SSL_STRICT = True

    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/Warsaw")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("pl", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per minute")
    REGISTER_LIMIT_PER_IP = os.environ.get("REGISTER_LIMIT_PER_IP", "10 per hour")
    RESET_LIMIT_PER_ACCOUNT = os.environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour")
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "20 per hour")

    # Anti-spam on the registration, proposal and comment forms (app/antispam.py): a form sent
    # back sooner than this after it was shown is refused (0 turns the timing check off), and
    # so is one shown longer ago than the maximum age (it can simply be sent again).
    FORM_MIN_FILL_SECONDS = float(os.environ.get("FORM_MIN_FILL_SECONDS", "3"))
    FORM_MAX_AGE_SECONDS = int(os.environ.get("FORM_MAX_AGE_SECONDS", str(60 * 60 * 8)))

    # Argon2id cost; the defaults follow RFC 9106's second recommended option.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 1

    CONFIRM_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Agora <no-reply@localhost>")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(BASE_DIR / "instance" / "outbox"))

    # Used to build links in mail sent from the command line.
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    HSTS = False

    # Key of the keyed hash (HMAC) that replaces every PESEL on the census list
    # (app/accounts/census.py). Changing it orphans an imported census.
    PESEL_HMAC_KEY = os.environ.get("PESEL_HMAC_KEY", DEFAULT_PESEL_HMAC_KEY)
    # Residents entering their PESEL on /account/verify: every attempt counts, whatever its
    # outcome, so parallel requests cannot slip past the count (app/verification/routes.py).
    VERIFY_LIMIT_PER_ACCOUNT = os.environ.get("VERIFY_LIMIT_PER_ACCOUNT", "5 per hour")
    VERIFY_LIMIT_PER_IP = os.environ.get("VERIFY_LIMIT_PER_IP", "20 per hour")

    # Logs go to stderr: JSON lines (one object per line, with the request id) or plain text.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

    # Pages kept for visitors who are not signed in (app/page_cache.py); 0 seconds turns it off.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))
    # How often a worker asks the database whether another worker changed content.
    PAGE_CACHE_CHECK_SECONDS = float(os.environ.get("PAGE_CACHE_CHECK_SECONDS", "1"))
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SOURCE_CODE_URL = os.environ.get("SOURCE_CODE_URL", "")
    # /.well-known/security.txt (RFC 9116): where to report a vulnerability, and until when
    # that statement holds (renew it at least yearly).
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "mailto:security@localhost")
    SECURITY_TXT_EXPIRES = os.environ.get("SECURITY_TXT_EXPIRES", "2027-11-30T23:00:00Z")
    # The licence of the open data (/open-data, /api/v1/): the city decides; shown on the page,
    # in the API's index and in its OpenAPI document.
    OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "CC BY 4.0")
    OPEN_DATA_LICENSE_URL = os.environ.get("OPEN_DATA_LICENSE_URL",
                                           "https://creativecommons.org/licenses/by/4.0/")


class TestConfig(Config):
    """Fast, isolated settings for the test suite; CSRF stays on."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    # Tests post forms at machine speed; the anti-spam tests turn the check back on.
    FORM_MIN_FILL_SECONDS = 0
    MAIL_SERVER = ""
    SERVER_NAME = None
    # The page store is on, and asks the database on every visit, so a test never sees a
    # page older than what it just wrote.
    PAGE_CACHE_SECONDS = 60.0
    PAGE_CACHE_CHECK_SECONDS = 0.0


class ProductionConfig(Config):
    """Production: secrets must come from the environment, cookies are Secure, HSTS on."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    HSTS = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")

    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "PESEL_HMAC_KEY")

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a default or missing secret or database."""
        missing = [name for name in cls.REQUIRED if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration is missing: " + ", ".join(missing)
                + ". Set them in the environment (see README, Configuration)."
            )
        secret = os.environ["SECRET_KEY"]
        if secret == DEFAULT_SECRET_KEY or len(secret) < 32:
            raise RuntimeError(
                "SECRET_KEY must be a random value of at least 32 characters, "
                "not the development default."
            )
        pesel_key = os.environ["PESEL_HMAC_KEY"]
        if pesel_key == DEFAULT_PESEL_HMAC_KEY or len(pesel_key) < 32:
            raise RuntimeError(
                "PESEL_HMAC_KEY must be a random value of at least 32 characters, "
                "not the development default; it must never change once a census is imported."
            )


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by AGORA_ENV (production when unset)."""
    name = os.environ.get("AGORA_ENV", "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"AGORA_ENV={name!r} is not one of: {', '.join(CONFIGS)}"
        ) from None
