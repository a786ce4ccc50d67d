"""Abuse limits that hold: who is counted, and how much each kind of write may happen.

Counts live in RATELIMIT_STORAGE_URI: Redis in production, so every gunicorn worker (and every
host) shares them; memory only for `make run`. Behind a proxy the client's own address comes
from X-Forwarded-For (CIVICMAP_PROXY_HOPS), never the proxy's, so one person's mistakes never
lock out a whole building.
"""

from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from civicmap.extensions import limiter

# Per account, per hour: generous for a person, small for a script.
ITEMS = "30 per hour"
COMMENTS = "60 per hour"
PROPOSALS = "30 per hour"
MESSAGES = "30 per hour"
ENGAGEMENT = "120 per hour"  # appreciating, volunteering and taking either back
REPORTS = "30 per hour"
# Log-in: per email (guessing one account's password) and per address (one attacker).
LOGIN_PER_EMAIL = "10 per 15 minutes"
LOGIN_PER_ADDRESS = "60 per 15 minutes"
# Sign-up per address: a community meeting of 40 people on one Wi-Fi must not hit it.
SIGNUPS_PER_ADDRESS = "100 per hour"
# Links by mail (reset, confirm again): per address asked for, so nobody floods one inbox.
MAIL_LINKS_PER_EMAIL = "5 per hour"


def account_key() -> str:
    """The logged-in person (their account, wherever they are), else their address."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{get_remote_address()}"


def login_email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def per_account(limit: str):
    """Limit a view's POSTs per person."""
    return limiter.limit(limit, key_func=account_key, methods=["POST"])


def login_limits(view):
    per_email = limiter.limit(LOGIN_PER_EMAIL, key_func=login_email_key, methods=["POST"])
    per_address = limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
    return per_address(per_email(view))


def signup_limit(view):
    return limiter.limit(SIGNUPS_PER_ADDRESS, methods=["POST"])(view)


def mail_link_limit(view):
    """A mailed link may be asked for a few times an hour per address, and per client as sign-up."""
    per_email = limiter.limit(MAIL_LINKS_PER_EMAIL, key_func=login_email_key, methods=["POST"])
    per_address = limiter.limit(SIGNUPS_PER_ADDRESS, methods=["POST"])
    return per_address(per_email(view))
