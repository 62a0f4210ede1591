"""Configuration classes.

Every upper-case setting below can be overridden by an environment variable of the same name
prefixed with ``TIPBOARD_`` (``TIPBOARD_SECRET_KEY``, ``TIPBOARD_DATABASE_URL`` ...). Values are
parsed as JSON when they look like JSON (numbers, booleans, lists, objects) and kept as strings
otherwise, so ``TIPBOARD_MAX_PHOTOS=5`` is an int and ``TIPBOARD_MAP_TILE_URL=https://...`` a str.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
ENV_PREFIX = "TIPBOARD_"


def _parse_env_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class Config:
    # --- core -----------------------------------------------------------------------------
    SECRET_KEY: str | None = None
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'tipboard.sqlite3'}"
    INSTANCE_DIR = str(BASE_DIR / "instance")
    PHOTO_DIR = str(BASE_DIR / "instance" / "photos")
    LOG_LEVEL = "INFO"
    DEMO_DATA_ALLOWED = True
    # Trust this many proxies for X-Forwarded-* (0 = none). Never used to store client addresses.
    PROXY_COUNT = 0
    # Where the public reaches the app (scheme, host, port; no path): every absolute link written
    # into messages, feeds and QR codes starts with it, never with the request's Host header.
    BASE_URL: str | None = "http://127.0.0.1:5000"
    # Host names the app answers (Flask refuses others with 400); production derives it from
    # BASE_URL when unset. None = any host (development).
    TRUSTED_HOSTS: list[str] | None = None

    # --- station --------------------------------------------------------------------------
    STATION_NAME = "Weicun Community Police Station"
    STATION_NAME_ZH = "魏村派出所"
    STATION_TIMEZONE = "Asia/Shanghai"
    # The area tips may come from: [south, west, north, east] in degrees (WGS84).
    STATION_BOUNDS = [31.90, 119.90, 32.00, 120.02]
    STATION_CENTER = [31.95, 119.96]
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    # Tile presets (tipboard/maptiles.py): osm (MAP_TILE_URL as set), tianditu, amap.
    MAP_TILES = "osm"
    TIANDITU_KEY = ""
    HIDE_STAFF_NAMES = True

    # --- tips -----------------------------------------------------------------------------
    MAX_PHOTOS = 3
    MAX_PHOTO_BYTES = 8 * 1024 * 1024
    MAX_CONTENT_LENGTH = 26 * 1024 * 1024  # one request: 3 photos plus the form
    MAX_IMAGE_PIXELS = 40_000_000  # larger images are refused as decompression bombs
    # The most pixels a photo's decoding may hold (transparency counts twice; a JPEG counts at the
    # reduced scale it is decoded at): bounds what a photo costs a worker's memory.
    MAX_DECODE_PIXELS = 25_000_000
    PHOTO_MAX_SIDE = 2048
    THUMB_MAX_SIDE = 320
    DESCRIPTION_MAX_CHARS = 4000
    NEARBY_RADIUS_M = 250
    NEARBY_DAYS = 30
    PUBLIC_LOCATION_DECIMALS = 3  # about 100 m
    # --- rewards --------------------------------------------------------------------------
    REWARD_TWO_APPROVER_THRESHOLD_FEN = 10_000  # above 100 yuan two supervisors must approve
    REWARD_CLAIM_DAYS = 60  # an approved reward not collected by then expires
    # --- patrols ---------------------------------------------------------------------------
    PATROL_LATE_DROP_HOURS = 24  # dropping out later than this tells the leaders
    PATROL_QR_MAX_AGE_DAYS = 400  # printed point codes are valid this long
    PATROL_CHECKIN_OPENS_MINUTES = 30  # check-in opens this long before a shift starts
    INCIDENT_CSV_MAX_BYTES = 2 * 1024 * 1024  # an incident CSV upload; larger is refused with 413
    # --- the weekly roster -------------------------------------------------------------------
    ROSTER_CRON = {"day_of_week": "sun", "hour": 18, "minute": 0}  # station time
    ROSTER_TIME_LIMIT = 30.0  # seconds for the whole weekly build (reading, heuristic, model, solve)
    ROSTER_REL_GAP = 0.01
    ROSTER_MIN_REST_HOURS = 10
    ROSTER_MAX_HOURS_PER_WEEK = 12  # a volunteer's weekly cap on hours unless they set their own
    ROSTER_MAX_CONSECUTIVE_DAYS = 4  # at most this many days in a row with a shift
    ROSTER_LATE_HOUR = 22  # a shift ending after this hour (station time) is a late one
    ROSTER_NEW_VOLUNTEER_SHIFTS = 3  # fewer completed shifts than this: new, paired with an experienced one
    FOLLOWUP_DAYS = 7  # ask "is it fixed?" this many days after a tip is resolved
    # --- legal help ---------------------------------------------------------------------------
    LEGAL_DAY_HOURS = [9, 21]  # station time: a question asked by day has LEGAL_DAY_TARGET_HOURS
    LEGAL_DAY_TARGET_HOURS = 2  # a question asked at night is due at the next day's first hour
    LEGAL_SLOT_WEEKS = 4  # office-hour slots are open for booking this many weeks ahead

    # --- disputes (mediation) ----------------------------------------------------------------
    DISPUTE_CONSENT_DAYS = 7  # the other side's time to answer an invitation to mediation
    DISPUTE_MAX_FILE_BYTES = 8 * 1024 * 1024  # one evidence photo or PDF
    DISPUTE_MAX_FILES = 20  # evidence files (and signed scans) per case
    DISPUTE_SIGN_CODE_MINUTES = 30  # how long a one-time code to confirm an agreement is valid
    DISPUTE_LAWYER_WEEKDAY = 3  # the lawyer's day at the station (0 = Monday; 3 = Thursday)
    DISPUTE_TIP_CATEGORIES = ["dispute"]  # tip categories whose reporter is offered mediation

    # --- auth -----------------------------------------------------------------------------
    # argon2id at OWASP's m=19 MiB, t=2, p=1, the least memory of its equally strong settings: a
    # worker checking a password grows by the memory cost. Other hashes are re-hashed at the next login.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456  # KiB
    ARGON2_PARALLELISM = 1
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_RESET_HOURS = 2

    # --- rate limits (Flask-Limiter syntax) ----------------------------------------------------
    REDIS_URL: str | None = None
    RATELIMIT_ENABLED = True
    # RATE_X counts per browser (a random id in the session cookie), RATE_X_ADDRESS per client
    # address: generous, since a mobile carrier puts many phones behind one address.
    RATE_TIP_SUBMIT = "10 per hour;3 per minute"
    RATE_TIP_SUBMIT_ADDRESS = "100 per hour"
    RATE_TRACK_LOOKUP = "20 per 10 minutes"  # wrong secrets only
    RATE_TRACK_LOOKUP_ADDRESS = "100 per 10 minutes"
    RATE_NEARBY = "30 per minute;300 per hour"  # the tip form's live duplicate check
    RATE_NEARBY_ADDRESS = "600 per hour"
    RATE_LOGIN = "10 per minute"
    RATE_LOGIN_ADDRESS = "60 per minute"
    # Failed sign-ins per account and address: slows guessing, and nobody elsewhere is locked out.
    RATE_LOGIN_ACCOUNT = "5 per 15 minutes"
    RATE_REGISTER = "5 per hour"
    RATE_REGISTER_ADDRESS = "50 per hour"
    RATE_CLAIM = "10 per hour"  # a tipster asking for a claim code
    RATE_CLAIM_ADDRESS = "100 per hour"
    RATE_RECORD_CHECK = "20 per 10 minutes"  # wrong hours-record codes only
    RATE_RECORD_CHECK_ADDRESS = "100 per 10 minutes"
    RATE_CLAIM_DESK = "100 per hour"  # wrong claim codes typed per staff account at the desk
    RATE_OPEN311_POST = "120 per hour;10 per minute"  # tips posted per Open311 client key
    RATE_API_WRITE = "600 per hour"  # /api/v1 decisions and sign-ups per personal token
    RATE_PASSWORD_RESET = "5 per hour"
    RATE_PASSWORD_RESET_ADDRESS = "50 per hour"

    # --- i18n -----------------------------------------------------------------------------
    LANGUAGES = ["zh_Hans", "en"]
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    # --- forms ----------------------------------------------------------------------------
    WTF_CSRF_TIME_LIMIT = 6 * 3600

    # --- jobs -----------------------------------------------------------------------------
    SCHEDULER_TIMEZONE = "Asia/Shanghai"
    # "send" delivers by the configured channels below; "log" writes what would be sent to
    # instance/outbox.log (development); "memory" keeps it in the app (tests). Messages to a person
    # always show in their in-app inbox too.
    OUTBOX_BACKEND = "log"
    OUTBOX_RETRY_BASE_SECONDS = 60  # the wait after a failed attempt; doubled after each one
    OUTBOX_MAX_ATTEMPTS = 6  # then the delivery is marked failed and shown to admins
    # A delivery still "sending" after this long belonged to a stopped worker: marked "unknown",
    # never resent automatically (it may have gone); an admin can retry it.
    OUTBOX_SENDING_STALE_SECONDS = 600

    # --- message channels (tipboard/notify) -----------------------------------------------
    # SMS through Tencent Cloud SMS (tencentcloud-sdk-python-sms). Each message kind that may go
    # by SMS needs a template approved by the provider: {"kind": {"id": "123456", "params":
    # ["name", ...]}}, the message's parameters in the template's order. Kinds without one are
    # not sent by SMS.
    SMS_SECRET_ID: str | None = None
    SMS_SECRET_KEY: str | None = None
    SMS_SDK_APP_ID: str | None = None
    SMS_SIGN_NAME = ""
    SMS_REGION = "ap-guangzhou"
    SMS_ENDPOINT = "https://sms.tencentcloudapi.com"
    SMS_TEMPLATES: dict = {}
    # Email by SMTP (smtplib).
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_SSL = False
    MAIL_FROM = "tipboard@localhost"
    # Web Push (pywebpush); make a key pair with `flask --app wsgi tipboard vapid-keys`.
    VAPID_PRIVATE_KEY: str | None = None
    VAPID_PUBLIC_KEY: str | None = None
    VAPID_SUBJECT = "mailto:admin@localhost"
    WEBPUSH_TTL_SECONDS = 86400
    # The push services the worker posts to (a subscription's endpoint must be on one of them).
    WEBPUSH_ENDPOINT_HOSTS = [
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "notify.windows.com",
        "push.apple.com",
    ]

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    @classmethod
    def load(cls) -> dict:
        """Return this class's settings with ``TIPBOARD_*`` environment overrides applied."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key in list(settings) + _extra_env_keys(settings):
            raw = os.environ.get(ENV_PREFIX + key)
            if raw is not None:
                settings[key] = _parse_env_value(raw) if key != "SECRET_KEY" else raw
        settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
        return settings


def _extra_env_keys(known: dict) -> list[str]:
    """Settings given only by environment (not declared on a class) are accepted too."""
    return [
        name[len(ENV_PREFIX) :]
        for name in os.environ
        if name.startswith(ENV_PREFIX) and name[len(ENV_PREFIX) :] not in known
    ]


class DevelopmentConfig(Config):
    SECRET_KEY = "dev-only-not-secret"
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    DATABASE_URL = "sqlite://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    OUTBOX_BACKEND = "memory"
    LOG_LEVEL = "DEBUG"


class ProductionConfig(Config):
    DEMO_DATA_ALLOWED = False
    BASE_URL = None  # required: TIPBOARD_BASE_URL
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    LOG_LEVEL = "INFO"
    OUTBOX_BACKEND = "send"  # messages leave by the channels configured (unconfigured ones are skipped)


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
