"""Follow a ward or an item and be told in civicmap: who hears of what, never of their own doing
or from someone they blocked; the bell's count; reading them by POST."""

import re

from sqlalchemy import func, insert, select, text

from civicmap import tasks
from civicmap.models import Comment, Follow, Notification, Proposal, TopicFollow, User
from civicmap.services import notifications
from tests.conftest import run_jobs
from tests.factories import ACRE_LANE, WEST_DULWICH, make_initiative

ACRE_LANE_WARD = "brixton-acre-lane"


def events(session, user) -> list[str]:
    return session.scalars(
        select(Notification.event).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def ward_id(visitor) -> int:
    page = visitor.get(f"/areas/{ACRE_LANE_WARD}").get_data(as_text=True)
    return int(re.search(r'action="/follow/ward/(\d+)"', page)[1])


def share(visitor, title):
    return visitor.post(
        "/projects/new",
        {
            "title": title,
            "description": "Come along.",
            "category": "environment",
            "lat": str(ACRE_LANE[0]),
            "lon": str(ACRE_LANE[1]),
        },
    )


def test_following_a_ward_tells_of_new_items_there_and_the_bell_counts(as_person, session):
    follower, follower_user = as_person()
    sharer, _ = as_person()
    assert follower.post(f"/follow/ward/{ward_id(follower)}").status_code == 302
    assert share(sharer, "Seed library at the station").status_code == 302
    assert events(session, follower_user) == []  # the worker tells followers
    assert run_jobs(session, "fan_out") == 1
    assert events(session, follower_user) == ["new_item"]
    page = follower.get("/").get_data(as_text=True)
    assert "Notifications" in page and "(1 new)" in page
    listing = follower.get("/me/notifications").get_data(as_text=True)
    assert "New in a ward you follow: Seed library at the station" in listing
    assert "(1 new)" in follower.get("/").get_data(as_text=True)  # reading is not a GET
    assert follower.post("/me/notifications/read").status_code == 302
    assert "(1 new)" not in follower.get("/").get_data(as_text=True)


def test_authors_hear_of_comments_appreciations_and_proposals_and_nobody_of_their_own(
    as_person, session
):
    author_visitor, author = as_person()
    assert share(author_visitor, "Community fridge").status_code == 302
    item_id = session.scalar(select(func.max(Follow.target_id)).where(Follow.user_id == author.id))
    fan, fan_user = as_person()
    fan.post(f"/follow/item/{item_id}")
    neighbour, neighbour_user = as_person()
    neighbour.post(f"/projects/{item_id}/comments", {"body": "Great"})
    neighbour.post(f"/projects/{item_id}/appreciate", {"note": ""})
    neighbour.post(
        f"/projects/{item_id}/proposals", {"action": "I will paint it", "volunteers_needed": 2}
    )
    author_visitor.post(f"/projects/{item_id}/comments", {"body": "Thanks all"})
    run_jobs(session, "fan_out")
    assert events(session, author) == ["comment", "appreciation", "proposal"]
    assert events(session, fan_user) == ["comment", "proposal", "comment"]
    assert events(session, neighbour_user) == []  # their own doing, and they follow nothing


def test_proposers_hear_of_volunteers_and_volunteers_follow_the_item(as_person, session):
    proposer, proposer_user = as_person()
    idea = make_initiative(session, kind="idea", at=ACRE_LANE)
    proposer.post(
        f"/ideas/{idea.id}/proposals", {"action": "Paint the hall", "volunteers_needed": 2}
    )
    proposal_id = session.scalar(select(Proposal.id))
    helper, helper_user = as_person()
    helper.post(f"/proposals/{proposal_id}/volunteer", {"note": ""})
    helper.post(f"/proposals/{proposal_id}/withdraw")
    assert events(session, proposer_user) == ["volunteer", "withdraw"]
    assert session.get(Follow, (helper_user.id, "item", idea.id)) is not None


def test_a_message_and_a_moderators_hiding_are_told(as_person, session):
    writer, _ = as_person()
    recipient_visitor, recipient = as_person()
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=recipient)
    writer.post(f"/offers/{offer.id}/contact", {"body": "Hello"})
    moderator, _ = as_person(role="moderator")
    moderator.post(f"/moderation/item/{offer.id}/hide", {"reason": "Duplicate"})
    assert events(session, recipient) == ["message", "hidden"]
    page = recipient_visitor.get("/me/notifications").get_data(as_text=True)
    assert "sent you a message" in page and "A moderator hid something of yours" in page


def test_nobody_hears_from_someone_they_blocked(as_person, session):
    author_visitor, author = as_person()
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, author=author)
    pest, pest_user = as_person()
    author_visitor.post(f"/people/{pest_user.id}/block")
    pest.post(f"/ideas/{idea.id}/comments", {"body": "Still here"})
    assert events(session, author) == []


def test_three_hundred_followers_each_hear_once(as_person, session):
    idea = make_initiative(session, kind="idea", at=ACRE_LANE)
    ids = session.scalars(
        insert(User).returning(User.id),
        [
            {"email": f"f{n}@example.org", "display_name": f"F{n}", "password_hash": "x"}
            for n in range(300)
        ],
    ).all()
    session.execute(
        insert(Follow), [{"user_id": i, "target_kind": "item", "target_id": idea.id} for i in ids]
    )
    session.commit()
    commenter, _ = as_person()
    commenter.post(f"/ideas/{idea.id}/comments", {"body": "Hello everyone"})
    job_id, args = session.execute(
        text("SELECT id, args FROM procrastinate_jobs WHERE task_name = 'fan_out'")
    ).one()
    assert tasks._fan_out(job_id, **args) == 300
    # The same job again, as after a worker that died between its commit and saying so.
    assert tasks._fan_out(job_id, **args) == 0
    counts = session.execute(
        select(Notification.user_id, func.count()).group_by(Notification.user_id)
    ).all()
    assert len(counts) == 301 and {n for _, n in counts} == {1}  # 300 followers + its author


def test_unfollowing_stops_it(as_person, session):
    follower, follower_user = as_person()
    sharer, _ = as_person()
    ward = ward_id(follower)
    follower.post(f"/follow/ward/{ward}")
    follower.post(f"/unfollow/ward/{ward}")
    share(sharer, "Another thing")
    run_jobs(session, "fan_out")
    assert events(session, follower_user) == []


def test_what_a_notification_quotes_is_escaped_on_the_page(as_person, session):
    author_visitor, author = as_person()
    item = make_initiative(session, author=author, title='Fridge <img src=x onerror="alert(1)">')
    fan, _ = as_person()
    fan.post(f"/projects/{item.id}/appreciate")
    page = author_visitor.get("/me/notifications").get_data(as_text=True)
    assert "appreciated Fridge &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "<img src=x" not in page


def test_the_proposer_hears_when_it_is_full_and_helpers_when_it_is_done(as_person, session):
    proposer, proposer_user = as_person()
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, title="Hall")
    proposer.post(
        f"/ideas/{idea.id}/proposals", {"action": "Paint the hall", "volunteers_needed": 1}
    )
    proposal_id = session.scalar(select(Proposal.id))
    helper, helper_user = as_person()
    helper.post(f"/proposals/{proposal_id}/volunteer", {"note": ""})
    assert events(session, proposer_user) == ["volunteer", "full"]
    proposer.post(f"/proposals/{proposal_id}/status/done")
    assert events(session, helper_user) == ["done"]
    page = helper.get("/me/notifications").get_data(as_text=True)
    assert "marked the action on Hall as done" in page


def test_following_a_category_or_a_skill_near_a_postcode(as_person, session, postcodes):
    follower, follower_user = as_person()
    response = follower.post("/follow/category", {"category": "food"})
    assert response.status_code == 302
    response = follower.post(
        "/follow/skill", {"skill": " Carpentry ", "postcode": "sw2 1rw", "radius_m": "1000"}
    )
    assert response.status_code == 302
    settings = follower.get("/me/email").get_data(as_text=True)
    assert "Food, anywhere" in settings and "carpentry within 1 km of SW2 1RW" in settings

    food = make_initiative(session, kind="idea", at=WEST_DULWICH, category="food", title="Soup")
    near = make_initiative(
        session, kind="offer", at=ACRE_LANE, skills=["carpentry"], title="Shelves built"
    )
    far = make_initiative(
        session, kind="offer", at=WEST_DULWICH, skills=["carpentry"], title="Far shelves"
    )
    other = make_initiative(session, kind="idea", at=ACRE_LANE, category="arts", title="Mural")
    for item in (food, near, far, other):
        notifications.tell(session, "new_item", None, item.id)
    run_jobs(session, "fan_out")
    told = session.execute(
        select(Notification.event, Notification.initiative_id)
        .where(Notification.user_id == follower_user.id)
        .order_by(Notification.id)
    ).all()
    assert told == [("new_in_category", food.id), ("new_skill_near", near.id)]
    page = follower.get("/me/notifications").get_data(as_text=True)
    assert "New in a category you follow: Soup" in page
    assert "New near you, with a skill you follow: Shelves built" in page


def test_a_skill_follow_needs_a_known_postcode_and_a_listed_distance(as_person, postcodes):
    follower, _ = as_person()
    unknown = follower.post(
        "/follow/skill", {"skill": "plumbing", "postcode": "ZZ9 9ZZ", "radius_m": "1000"}
    )
    assert unknown.status_code == 422
    page = unknown.get_data(as_text=True)
    assert "We do not know that postcode here" in page and 'value="plumbing"' in page
    odd = follower.post(
        "/follow/skill", {"skill": "plumbing", "postcode": "SW2 1RW", "radius_m": "123"}
    )
    assert odd.status_code == 422 and "Not a valid choice" in odd.get_data(as_text=True)
    bad = follower.post("/follow/category", {"category": "weather"})
    assert bad.status_code == 422


def test_a_reply_is_told_to_the_person_replied_to_once(as_person, session):
    author_visitor, author = as_person()
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, author=author, title="Benches")
    first, first_user = as_person()
    first.post(f"/ideas/{idea.id}/comments", {"body": "Where exactly?"})
    first.post(f"/follow/item/{idea.id}")
    comment_id = session.scalar(select(func.max(Comment.id)))
    author_visitor.post(
        f"/ideas/{idea.id}/comments", {"body": "By the pond", "parent_id": str(comment_id)}
    )
    run_jobs(session, "fan_out")
    assert events(session, first_user) == ["reply"]
    page = first.get("/me/notifications").get_data(as_text=True)
    assert "replied to your comment on Benches" in page


def test_only_its_owner_can_stop_a_topic_follow(as_person, session):
    owner, owner_user = as_person()
    owner.post("/follow/category", {"category": "food"})
    topic_id = session.scalar(select(TopicFollow.id).where(TopicFollow.user_id == owner_user.id))
    other, _ = as_person()
    other.post(f"/unfollow/topic/{topic_id}")
    assert session.get(TopicFollow, topic_id) is not None
    owner.post(f"/unfollow/topic/{topic_id}")
    session.expire_all()
    assert session.get(TopicFollow, topic_id) is None
