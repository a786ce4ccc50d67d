"""The database keeps the data consistent: each unique and check constraint is proven here."""

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from civicmap.models import Appreciation, Comment, Message, Proposal, Volunteering
from tests.factories import make_initiative, make_user


def refused(session, constraint: str, statement, params=None):
    """Run a write in a savepoint and assert the named constraint refused it."""
    with pytest.raises(IntegrityError) as exc, session.begin_nested():
        session.execute(statement, params or {})
    assert exc.value.orig.diag.constraint_name == constraint, exc.value.orig


def update(table: str, column: str, value, row_id: int):
    return text(f"UPDATE {table} SET {column} = :v WHERE id = :id").bindparams(v=value, id=row_id)


# --- people -----------------------------------------------------------------------------------


def test_emails_are_unique_whatever_their_case(session):
    make_user(session, email="ann@example.org")
    refused(
        session,
        "uq_users_email_lower",
        text(
            "INSERT INTO users (email, display_name, password_hash)"
            " VALUES ('ANN@Example.org', 'Ann again', 'x')"
        ),
    )


@pytest.mark.parametrize(
    ("column", "value", "constraint"),
    [
        ("role", "overlord", "ck_users_role"),
        ("display_name", "   ", "ck_users_display_name"),
        ("email", "not-an-email", "ck_users_email_shape"),
    ],
)
def test_user_checks(session, column, value, constraint):
    user = make_user(session)
    refused(session, constraint, update("users", column, value, user.id))


def test_ward_codes_are_unique(session):
    refused(
        session,
        "wards_code_key",
        text(
            "INSERT INTO wards (code, name, slug, geom) SELECT code, 'Copy', 'copy', geom"
            " FROM wards WHERE code = 'E05014095'"
        ),
    )


def test_ward_geometry_must_be_valid(session):
    bowtie = "SRID=4326;MULTIPOLYGON(((0 0, 1 1, 1 0, 0 1, 0 0)))"
    refused(
        session,
        "ck_wards_geom_valid",
        text(
            "INSERT INTO wards (code, name, slug, geom) VALUES ('E99999999', 'Bow', 'bow',"
            " ST_GeomFromEWKT(:g))"
        ),
        {"g": bowtie},
    )


# --- initiatives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "column", "value", "constraint"),
    [
        ("project", "status", "open", "ck_initiatives_status"),
        ("idea", "status", "active", "ck_initiatives_status"),
        ("offer", "status", "completed", "ck_initiatives_status"),
        ("project", "category", "crypto", "ck_initiatives_category"),
        ("project", "title", " a ", "ck_initiatives_title"),
        ("project", "description", "x" * 10001, "ck_initiatives_description"),
        ("idea", "website", "https://example.org", "ck_initiatives_website"),
        ("project", "offer_type", "skills", "ck_initiatives_offer_type"),
        ("offer", "offer_type", "money", "ck_initiatives_offer_type"),
        ("offer", "offer_type", None, "ck_initiatives_offer_type"),
        ("project", "hidden", True, "ck_initiatives_hidden_reason"),
        ("project", "hidden_reason", "bored", "ck_initiatives_hidden_reason"),
    ],
)
def test_initiative_checks(session, kind, column, value, constraint):
    item = make_initiative(session, kind=kind)
    refused(session, constraint, update("initiatives", column, value, item.id))


def test_only_a_project_comes_from_an_idea(session):
    idea = make_initiative(session, kind="idea")
    other = make_initiative(session, kind="idea")
    refused(
        session,
        "ck_initiatives_from_idea",
        update("initiatives", "from_idea_id", idea.id, other.id),
    )


def test_kind_must_be_known(session):
    item = make_initiative(session)
    refused(session, "ck_initiatives_kind", update("initiatives", "kind", "petition", item.id))


# --- engagement -------------------------------------------------------------------------------


def test_a_person_appreciates_an_item_once(session):
    item = make_initiative(session)
    fan = make_user(session)
    row = {"initiative_id": item.id, "initiative_kind": "project", "user_id": fan.id}
    session.execute(insert(Appreciation), [row])
    refused(session, "uq_appreciations_once_per_person", insert(Appreciation), [row])


def test_offers_cannot_be_appreciated(session):
    offer = make_initiative(session, kind="offer")
    fan = make_user(session)
    row = {"initiative_id": offer.id, "initiative_kind": "offer", "user_id": fan.id}
    refused(session, "ck_appreciations_target", insert(Appreciation), [row])


def test_an_appreciation_must_name_the_items_real_kind(session):
    idea = make_initiative(session, kind="idea")
    fan = make_user(session)
    row = {"initiative_id": idea.id, "initiative_kind": "project", "user_id": fan.id}
    refused(session, "fk_appreciations_initiative", insert(Appreciation), [row])


def test_a_reply_stays_in_its_parents_discussion(session):
    first, second = make_initiative(session, kind="idea"), make_initiative(session, kind="idea")
    author = make_user(session)
    parent_id = session.scalar(
        insert(Comment).returning(Comment.id),
        [
            {
                "initiative_id": first.id,
                "initiative_kind": "idea",
                "author_id": author.id,
                "body": "Top-level",
            }
        ],
    )
    stray = {
        "initiative_id": second.id,
        "initiative_kind": "idea",
        "author_id": author.id,
        "body": "Reply in the wrong place",
        "parent_id": parent_id,
    }
    refused(session, "fk_comments_parent_same_initiative", insert(Comment), [stray])


def test_an_empty_comment_is_refused(session):
    item = make_initiative(session)
    row = {
        "initiative_id": item.id,
        "initiative_kind": "project",
        "author_id": item.author_id,
        "body": "   ",
    }
    refused(session, "ck_comments_body_length", insert(Comment), [row])


@pytest.mark.parametrize(
    ("column", "value", "constraint"),
    [
        ("volunteers_needed", 101, "ck_proposals_volunteers_needed"),
        ("volunteers_needed", -1, "ck_proposals_volunteers_needed"),
        ("status", "maybe", "ck_proposals_status"),
        ("action", "", "ck_proposals_action_length"),
    ],
)
def test_proposal_checks(session, column, value, constraint):
    item = make_initiative(session)
    proposal_id = session.scalar(
        insert(Proposal).returning(Proposal.id),
        [
            {
                "initiative_id": item.id,
                "initiative_kind": "project",
                "author_id": item.author_id,
                "action": "I will bring tools",
                "volunteers_needed": 2,
            }
        ],
    )
    refused(session, constraint, update("proposals", column, value, proposal_id))


def test_proposals_on_offers_are_refused(session):
    offer = make_initiative(session, kind="offer")
    row = {
        "initiative_id": offer.id,
        "initiative_kind": "offer",
        "author_id": offer.author_id,
        "action": "I will help",
    }
    refused(session, "ck_proposals_target", insert(Proposal), [row])


def test_a_person_volunteers_once_per_proposal(session):
    item = make_initiative(session)
    proposal_id = session.scalar(
        insert(Proposal).returning(Proposal.id),
        [
            {
                "initiative_id": item.id,
                "initiative_kind": "project",
                "author_id": item.author_id,
                "action": "I will bring tools",
                "volunteers_needed": 3,
            }
        ],
    )
    helper = make_user(session)
    row = {"proposal_id": proposal_id, "user_id": helper.id}
    session.execute(insert(Volunteering), [row])
    refused(session, "uq_volunteerings_once_per_person", insert(Volunteering), [row])
    refused(
        session,
        "ck_volunteerings_status",
        text("UPDATE volunteerings SET status = 'maybe' WHERE proposal_id = :p"),
        {"p": proposal_id},
    )


def test_nobody_messages_themselves(session):
    me = make_user(session)
    row = {"sender_id": me.id, "recipient_id": me.id, "body": "Hello me"}
    refused(session, "ck_messages_not_to_self", insert(Message), [row])


def test_an_empty_message_is_refused(session):
    me, you = make_user(session), make_user(session)
    row = {"sender_id": me.id, "recipient_id": you.id, "body": " "}
    refused(session, "ck_messages_body", insert(Message), [row])
