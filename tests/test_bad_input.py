"""Input the database would refuse is refused first: ids checked against their range and
existence, ASCII numbers only, bodies capped. A clear 4xx with the form kept, never a 500."""

import pytest
from sqlalchemy import func, select

from civicmap.models import Comment, Initiative
from tests.factories import make_initiative

NOT_IDS = ["2147483648", "1e20", "-1", "\u0661", "0x10"]


@pytest.mark.parametrize("parent", NOT_IDS)
def test_a_reply_to_no_comment_is_refused_and_kept(as_person, session, parent):
    idea = make_initiative(session, kind="idea")
    me, _ = as_person()
    response = me.post(f"/ideas/{idea.id}/comments", {"body": "My reply", "parent_id": parent})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "My reply" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


@pytest.mark.parametrize("ward", [*NOT_IDS, "999999"])
def test_an_offer_in_a_ward_that_does_not_exist_is_refused_and_kept(as_person, session, ward):
    me, _ = as_person()
    response = me.post(
        "/offers/new",
        {
            "title": "Garden tools to lend",
            "description": "Spades and forks.",
            "category": "environment",
            "offer_type": "equipment",
            "ward": ward,
            "lat": "",
            "lon": "",
        },
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "Garden tools to lend" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0


@pytest.mark.parametrize("ward", [*NOT_IDS, "999999"])
def test_a_home_ward_that_does_not_exist_is_refused_and_kept(as_person, session, ward):
    me, user = as_person()
    response = me.post(
        "/me/profile", {"display_name": "Kept Name", "bio": "", "skills": "", "home_ward": ward}
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "Kept Name" in response.get_data(as_text=True)
    session.refresh(user)
    assert user.home_ward_id is None


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/projects/items/%C2%B2",
        "/ogc/collections/projects/items/2147483648",
        "/ogc/collections/proposals/items/%D9%A1",
    ],
)
def test_feature_ids_that_are_not_ids_are_404(client, session, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "args", [{"limit": "\u0661\u0660"}, {"offset": "\u0665"}, {"limit": "1e3"}, {"limit": "+5"}]
)
def test_paging_numbers_are_plain_ascii(client, session, args):
    response = client.get("/api/v1/projects", query_string=args)
    assert response.status_code == 400


def test_a_body_over_the_limit_is_413_with_a_way_back(as_person, session):
    me, _ = as_person()
    idea = make_initiative(session, kind="idea")
    response = me.post(
        f"/ideas/{idea.id}/comments",
        {"body": "x" * (2 * 1024 * 1024)},
        headers={"Referer": f"http://localhost/ideas/{idea.id}"},
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "too much to send" in text
    assert f'href="/ideas/{idea.id}"' in text
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
