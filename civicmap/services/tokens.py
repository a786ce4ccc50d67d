"""Signed, expiring tokens for links in mail: confirm an address, reset a password, unsubscribe.

Each purpose has its own salt, so one kind of token never passes for another. Single use comes
from what the token is bound to: a reset token carries a digest of the password hash it may
replace (a used one no longer matches), a confirmation token the address it confirms.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from civicmap.models import User

MAX_AGE = {
    "confirm": 7 * 24 * 3600,
    "reset": 3600,
    "unsubscribe": 90 * 24 * 3600,
    "calendar": None,  # a calendar app keeps the address for years
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civicmap-{purpose}")


def _binding(purpose: str, user: User) -> str:
    if purpose == "reset":
        return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    if purpose == "confirm":
        return user.email.lower()
    return ""


def make(purpose: str, user: User) -> str:
    return _serializer(purpose).dumps([user.id, _binding(purpose, user)])


def read(session: Session, purpose: str, token: str) -> User | None:
    """The account a token was made for, or None if it is forged, expired or already used."""
    try:
        user_id, binding = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except (BadSignature, ValueError, TypeError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.deleted_at or binding != _binding(purpose, user):
        return None
    return user
