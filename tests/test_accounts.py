"""Signing up, logging in and out, profiles and passwords."""

from sqlalchemy import func, select

from civicmap.models import User
from tests.conftest import PASSWORD


def signup(visitor, **values):
    data = {
        "email": "new@example.org",
        "display_name": "New Person",
        "password": PASSWORD,
        "confirm": PASSWORD,
    } | values
    return visitor.post("/signup", data)


def test_signing_up_logs_you_in_and_hashes_the_password(visitor, session):
    response = signup(visitor)
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert PASSWORD not in user.password_hash
    assert "New Person" in visitor.get("/me").get_data(as_text=True)


def test_a_duplicate_email_is_refused_whatever_its_case_and_the_form_is_kept(
    visitor, person, session
):
    person(name="First")
    existing = session.scalar(select(User).order_by(User.id.desc()))
    response = signup(visitor, email=existing.email.upper(), display_name="Second Person")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An account with this email already exists" in page
    assert 'value="Second Person"' in page
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_short_and_common_passwords_are_refused(visitor, session):
    short = signup(visitor, password="short1", confirm="short1")
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    common = signup(visitor, password="password123", confirm="password123")
    assert common.status_code == 422
    assert "too common" in common.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_login_says_the_same_for_an_unknown_email_and_a_wrong_password(visitor, person):
    user = person()
    wrong_password = visitor.post("/login", {"email": user.email, "password": "wrong-password-x"})
    unknown_email = visitor.post("/login", {"email": "nobody@example.org", "password": PASSWORD})
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "That email and password do not match an account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)


def test_remember_me_sets_a_lasting_httponly_cookie(visitor, person):
    user = person()
    response = visitor.post("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_logging_out_needs_a_post_and_ends_the_session(as_person):
    visitor, _ = as_person()
    assert visitor.get("/logout").status_code == 405
    assert visitor.post("/logout").status_code == 302
    assert visitor.get("/me").status_code == 302


def test_writing_while_logged_out_sends_you_to_log_in_and_back(visitor, person):
    response = visitor.get("/projects/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/projects/new"
    user = person()
    back = visitor.post("/login?next=/projects/new", {"email": user.email, "password": PASSWORD})
    assert back.headers["Location"] == "/projects/new"


def test_log_in_never_redirects_off_the_site(visitor, person):
    user = person()
    response = visitor.post(
        "/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_profile_edit_shows_on_the_public_profile_without_the_email(as_person, session, visitor):
    me_visitor, me = as_person(name="Ann")
    response = me_visitor.post(
        "/me/profile",
        {
            "display_name": "Ann Example",
            "bio": "I grow vegetables.",
            "skills": "Gardening, bike repair, gardening",
            "home_ward": "1",
        },
    )
    assert response.status_code == 302
    session.refresh(me)
    assert me.skills == ["gardening", "bike repair"]
    page = visitor.get(f"/people/{me.id}").get_data(as_text=True)
    assert "Ann Example" in page and "I grow vegetables." in page and "bike repair" in page
    assert me.email not in page


def test_changing_password_needs_the_current_one(as_person):
    visitor, _user = as_person()
    wrong = visitor.post(
        "/me/password",
        {
            "current_password": "nope-nope-nope",
            "new_password": "another-long-passphrase",
            "confirm": "another-long-passphrase",
        },
    )
    assert wrong.status_code == 422
    assert "not your current password" in wrong.get_data(as_text=True)
    ok = visitor.post(
        "/me/password",
        {
            "current_password": PASSWORD,
            "new_password": "another-long-passphrase",
            "confirm": "another-long-passphrase",
        },
    )
    assert ok.status_code == 302
