"""Accounts: signing up, logging in, profiles and passwords."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from civicmap.errors import Invalid
from civicmap.models import ModerationEntry, User, Ward
from civicmap.services import skills as skill_tags

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# Compared against when no account matches, so a wrong email costs as long as a wrong password.
_NO_SUCH_USER_HASH = generate_password_hash("civicmap: no such user")


def password_problem(password: str, *context: str) -> str | None:
    """Why a new password is refused, or None. `context` (email, name) makes guessing easier."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    # zxcvbn knows the commonest passwords, keyboard walks and dates; score 0-1 is guessable.
    # zxcvbn refuses more than 72 characters; a passphrase that long is judged by its start.
    if zxcvbn(password[:72], user_inputs=[c[:72] for c in context if c])["score"] < 2:
        return _l("This password is too common or easy to guess. Try a few unrelated words.")
    return None


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register(session: Session, email: str, display_name: str, password: str) -> User:
    """Create a resident's account; Invalid if the email is taken or the password is weak."""
    email = email.strip()
    if find_by_email(session, email):
        raise Invalid("email", _l("An account with this email already exists. Try logging in."))
    problem = password_problem(password, email, display_name)
    if problem:
        raise Invalid("password", problem)
    user = User(
        email=email,
        display_name=" ".join(display_name.split()),
        password_hash=generate_password_hash(password),
        role="resident",
    )
    session.add(user)
    session.flush()
    ask_to_confirm(session, user)
    return user


def ask_to_confirm(session: Session, user: User) -> None:
    """Mail a confirmation link (once per minute at most: the key carries the minute)."""
    from civicmap.services import mail

    minute = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    mail.write(session, user, "confirm", f"confirm:{user.id}:{minute}")


def confirm_email(session: Session, user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = datetime.now(UTC)
        session.flush()


def ask_for_reset(session: Session, email: str) -> None:
    """Mail a reset link if an account has this address; the caller says the same either way."""
    from civicmap.services import mail

    user = find_by_email(session, email)
    if user is None or user.deleted_at or user.suspended_at:
        return
    minute = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    mail.write(session, user, "reset", f"reset:{user.id}:{minute}")


def reset_password(session: Session, user: User, new: str) -> None:
    """Set a new password from a reset link: it also confirms the address the link went to,
    and ends every session (the old password may be what someone else knows)."""
    problem = password_problem(new, user.email, user.display_name)
    if problem:
        raise Invalid("password", problem)
    user.password_hash = generate_password_hash(new)
    user.end_sessions()
    confirm_email(session, user)
    session.flush()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None — the same answer and cost either way."""
    user = find_by_email(session, email)
    ok = check_password_hash(user.password_hash if user else _NO_SUCH_USER_HASH, password)
    if not (user and ok):
        return None
    user.last_seen_at = datetime.now(UTC)
    return user


def update_profile(
    session: Session,
    user: User,
    display_name: str,
    bio: str,
    skills: str,
    home_ward_id: int | None,
) -> User:
    if home_ward_id is not None and session.get(Ward, home_ward_id) is None:
        raise Invalid("home_ward", _l("Choose a ward from the list."))
    user.display_name = " ".join(display_name.split())
    user.bio = bio.strip()
    user.skills = skill_tags.parse(session, skills)
    user.home_ward_id = home_ward_id
    session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise Invalid("current_password", _l("That is not your current password."))
    problem = password_problem(new, user.email, user.display_name)
    if problem:
        raise Invalid("new_password", problem)
    user.password_hash = generate_password_hash(new)
    user.end_sessions()  # every other session and remember-me cookie; the caller logs in again
    session.flush()


def set_role(session: Session, email: str, role: str, reason: str = "") -> User:
    """Appoint an officer, moderator or admin (or make them a resident again); the change goes
    in the moderation log (done from the command line: no actor in the site)."""
    user = find_by_email(session, email)
    if user is None:
        raise Invalid("email", _l("No account has the email %(email)s.", email=email))
    before, user.role = user.role, role
    session.add(
        ModerationEntry(
            action=f"role: {before} -> {role}",
            target_kind="profile",
            target_id=user.id,
            reason=reason.strip() or "flask people set-role",
        )
    )
    session.flush()
    return user
