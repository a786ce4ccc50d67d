"""Configuration, read from the environment."""

import hashlib
import os
import tempfile
from pathlib import Path


def code_version() -> str:
    """A digest of the code and templates: kept pages carry their parts' contexts pickled, so a
    host running other code must not read them (during a rolling deploy, say)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *(root.parent / "templates").rglob("*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/civicmap"
    )
    # Statements prepared by psycopg would switch to a generic plan after five runs, and for
    # bbox queries a generic plan cannot know how small the box is: plan each time. JIT is off:
    # on a million rows it compiles for branches a statement never runs (measured: 25-40 ms
    # added to a 1 ms map query).
    DATABASE_SESSION_OPTIONS = "-c plan_cache_mode=force_custom_plan -c jit=off"
    # No ping before each checkout: it is a round trip on every request (measured: 13 % of a map
    # request's Python time). A connection found dead instead invalidates the pool, that one
    # request answers 503 "try again" (error_pages), and the next reconnects.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": False,
        # At least one connection per gunicorn thread: past pool_size, connections are closed
        # on return and reopened, each a new backend with cold caches (measured: ~20 % fewer
        # map requests per second with 8 threads and the default 5).
        "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
        "connect_args": {"options": DATABASE_SESSION_OPTIONS},
    }
    # A PostgreSQL streaming replica for the read-only parts of the site (civicmap/replica.py).
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL") or None
    REPLICA_MAX_LAG = float(os.environ.get("CIVICMAP_REPLICA_MAX_LAG", "5"))  # seconds
    REPLICA_PROBE_SECONDS = float(os.environ.get("CIVICMAP_REPLICA_PROBE_SECONDS", "1"))
    # From the environment in production; otherwise create_app makes one and keeps it in
    # instance/secret_key, so every worker and every restart signs cookies with the same key.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None
    # Forms are small: a larger body is refused (413) before it is read into a worker's memory.
    # A sign-up or new item sent sooner than this after its form was shown is a script's.
    HUMAN_MIN_SECONDS = float(os.environ.get("CIVICMAP_HUMAN_MIN_SECONDS", "3"))
    # Reports from this many different people hide a thing until a moderator reviews it.
    AUTO_HIDE_REPORTS = int(os.environ.get("CIVICMAP_AUTO_HIDE_REPORTS", "3"))
    MAX_CONTENT_LENGTH = int(os.environ.get("CIVICMAP_MAX_BODY_BYTES", str(1024 * 1024)))
    BABEL_DEFAULT_LOCALE = "en"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Kept pages (civicmap/pagecache.py): in each process, or in a Redis that every host
    # shares (CIVICMAP_CACHE_URL=redis://...). Kept at most a minute, and for this code only.
    PAGE_CACHE = os.environ.get("CIVICMAP_PAGE_CACHE", "1") == "1"
    CACHE_TYPE = "RedisCache" if os.environ.get("CIVICMAP_CACHE_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("CIVICMAP_CACHE_URL")
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CIVICMAP_CACHE_SECONDS", "60"))
    CACHE_THRESHOLD = 2000  # pages per process for the in-process store
    CACHE_KEY_PREFIX = f"civicmap:page:{code_version()}:"
    # A Redis that does not answer within this is skipped, and the page rendered.
    CACHE_OPTIONS = (
        {"socket_timeout": 0.25, "socket_connect_timeout": 0.25} if CACHE_REDIS_URL else None
    )
    # Proxies in front that set X-Forwarded-For/-Proto (1 behind deploy/nginx.conf): the client's
    # real address for rate limits and logs. 0 (the default) trusts no such header.
    PROXY_HOPS = int(os.environ.get("CIVICMAP_PROXY_HOPS", "0"))
    # The host names this site answers to (comma-separated); any other Host header is a 400,
    # so absolute links in the API, OGC, feeds and downloads can never point elsewhere.
    TRUSTED_HOSTS = [
        h.strip()
        for h in os.environ.get("CIVICMAP_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
        if h.strip()
    ]
    RATELIMIT_HEADERS_ENABLED = True
    # The area this deployment serves; any council can set its own.
    AREA_NAME = os.environ.get("CIVICMAP_AREA_NAME", "Lambeth")
    SITE_NAME = os.environ.get("CIVICMAP_SITE_NAME", "civicmap")
    TILE_URL = os.environ.get("CIVICMAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    TILE_ATTRIBUTION = os.environ.get(
        "CIVICMAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
    )
    MAP_MAX_AGE = int(os.environ.get("CIVICMAP_MAP_MAX_AGE", "15"))  # seconds browsers may reuse
    # Where people report an accessibility problem (the statement at /accessibility names it).
    ACCESSIBILITY_CONTACT = os.environ.get(
        "CIVICMAP_ACCESSIBILITY_CONTACT", "the council that runs this site"
    )
    # The area's local time: what people type and read (proposal times, digest hour).
    TIMEZONE = os.environ.get("CIVICMAP_TIMEZONE", "Europe/London")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    # Volunteers are reminded this many hours before a proposal starts.
    REMIND_HOURS = int(os.environ.get("CIVICMAP_REMIND_HOURS", "24"))
    # Mail goes out through this SMTP server (smtp://, smtp+starttls:// or smtps://, with
    # user:password@ if it needs a log-in). `make run` starts a local one that keeps every
    # message under instance/mail/ (tools/mail.sh).
    MAIL_URL = os.environ.get("MAIL_URL", "smtp://127.0.0.1:58025")
    MAIL_FROM = os.environ.get("MAIL_FROM", "civicmap <no-reply@civicmap.localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "20"))
    # Links in mail point here: the address people reach the site at.
    BASE_URL = os.environ.get("CIVICMAP_BASE_URL", "http://127.0.0.1:5000")
    # Photos' files (re-encoded WebP); instance/uploads/ unless set. Shared storage (a mounted
    # volume) when more than one host serves the site.
    UPLOADS_DIR = os.environ.get("CIVICMAP_UPLOADS_DIR") or None
    # Or an S3-compatible bucket (credentials as boto3 finds them: AWS_ACCESS_KEY_ID, ...).
    S3_BUCKET = os.environ.get("CIVICMAP_S3_BUCKET") or None
    S3_ENDPOINT = os.environ.get("CIVICMAP_S3_ENDPOINT") or None  # e.g. a MinIO or R2 address
    S3_REGION = os.environ.get("CIVICMAP_S3_REGION") or None
    BOUNDARY_ATTRIBUTION = (
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
        "Contains OS data © Crown copyright and database right 2022."
    )


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/civicmap_test"
    )
    UPLOADS_DIR = os.environ.get("CIVICMAP_TEST_UPLOADS_DIR") or tempfile.mkdtemp(
        prefix="civicmap-uploads-"
    )
    SECRET_KEY = "test-secret-key"  # noqa: S105 - fixed so signed cookies are reproducible in tests
    RATELIMIT_ENABLED = False
    HUMAN_MIN_SECONDS = 0  # tests post at once; tests/test_public_safety.py switches it on
    TILE_URL = ""  # tests never reach the network: maps draw on a plain background
    # Each test runs in one transaction it rolls back, in which the database snapshot the page
    # cache is keyed on does not move: tests/test_page_cache.py runs it in gunicorn instead.
    PAGE_CACHE = False
