"""The map endpoint, the list and "near a postcode"."""

import math
import runpy

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select, text, update

from civicmap.extensions import db, read_connection
from civicmap.models import Initiative, Proposal
from civicmap.services import demo
from civicmap.services.pins import MAX_POINTS
from tests.conftest import ROOT
from tests.factories import ACRE_LANE, BRIXTON_STATION, WEST_DULWICH, hide, make_initiative, move

LAMBETH = "-0.16,51.40,-0.07,51.51"
AROUND_BRIXTON = "-0.13,51.45,-0.10,51.47"


def pins(visitor, **args):
    args.setdefault("bbox", LAMBETH)
    response = visitor.get("/map/items.json", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["mode"] == "points", body
    return {(row[1], row[0]): row for row in body["items"]}


def test_only_items_inside_the_view_are_answered(visitor, session):
    brixton = make_initiative(session, at=BRIXTON_STATION)
    dulwich = make_initiative(session, at=WEST_DULWICH)
    found = pins(visitor, bbox=AROUND_BRIXTON)
    assert ("project", brixton.id) in found
    assert ("project", dulwich.id) not in found


def test_a_pin_carries_id_kind_point_title_and_appreciations(visitor, session):
    item = make_initiative(session, title="Seed swap", at=ACRE_LANE)
    row = pins(visitor)[("project", item.id)]
    assert row[0:2] == [item.id, "project"] and row[4:6] == ["Seed swap", 0]
    assert abs(row[2] - ACRE_LANE[1]) <= 1e-5 and abs(row[3] - ACRE_LANE[0]) <= 1e-5


@pytest.mark.parametrize(
    "title",
    [
        'He said "hi" \\ then left',
        "Tab\there, line\u2028break",
        "</script><b>&amp;</b>",
        "Café ☕ ñ",
    ],
)
def test_titles_of_any_text_arrive_intact_in_the_map_json(visitor, session, title):
    # The JSON is written by PostgreSQL as text: titles must come through escaped, not raw.
    item = make_initiative(session, title=title, at=ACRE_LANE)
    assert pins(visitor)[("project", item.id)][4] == title


def test_offers_are_pinned_at_their_coarse_point(visitor, session):
    offer = make_initiative(session, kind="offer", at=ACRE_LANE)
    session.refresh(offer)
    row = pins(visitor)[("offer", offer.id)]
    public = to_shape(offer.public_location)
    assert abs(row[2] - public.x) <= 1e-5 and abs(row[3] - public.y) <= 1e-5
    assert abs(row[2] - ACRE_LANE[1]) > 1e-4 or abs(row[3] - ACRE_LANE[0]) > 1e-4


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"kind": "idea"}, {"idea"}),
        ({"kind": "project,offer"}, {"project", "offer"}),
        ({"category": "food"}, {"food"}),
        ({"status": "completed"}, {"completed"}),
        ({"ward": "west-dulwich"}, {"dulwich"}),
        ({"q": "allotments"}, {"allotment"}),
    ],
)
def test_each_filter_narrows_the_pins(visitor, session, args, expected):
    made = {
        "idea": make_initiative(session, kind="idea"),
        "project": make_initiative(session, kind="project"),
        "offer": make_initiative(session, kind="offer"),
        "food": make_initiative(session, category="food"),
        "completed": make_initiative(session, status="completed"),
        "dulwich": make_initiative(session, at=WEST_DULWICH),
        "allotment": make_initiative(session, title="Shared allotments for Brixton"),
    }
    found = {(kind, id_) for kind, id_ in pins(visitor, **args)}
    wanted = {(made[k].kind, made[k].id) for k in expected}
    assert wanted <= found
    others = {(m.kind, m.id) for name, m in made.items() if name not in expected}
    # Only the kind filters overlap with other fixtures ("project" matches several).
    if "kind" not in args:
        assert not (others & found)


def test_hidden_items_are_never_on_the_map(visitor, session):
    item = make_initiative(session)
    hide(session, item, "deleted")
    assert ("project", item.id) not in pins(visitor)


def test_open_proposals_are_a_layer_at_their_items_point(visitor, session, as_person):
    item = make_initiative(session, at=ACRE_LANE)
    proposer, _ = as_person()
    proposer.post(
        f"/projects/{item.id}/proposals",
        {"action": "Litter pick on Sunday", "volunteers_needed": "3"},
    )
    proposal = session.scalar(select(Proposal))
    row = pins(visitor, kind="proposal")[("proposal", proposal.id)]
    assert row[4] == "Litter pick on Sunday" and row[7] == item.id
    proposer.post(f"/proposals/{proposal.id}/status/done")
    assert ("proposal", proposal.id) not in pins(visitor, kind="proposal")


def test_a_dense_view_is_answered_with_server_side_clusters(visitor, session):
    added, _ = demo.seed_synthetic(session, MAX_POINTS + 200, seed=7)
    response = visitor.get("/map/items.json", query_string={"bbox": LAMBETH, "zoom": 12})
    body = response.get_json()
    assert body["mode"] == "clusters"
    assert body["total"] == added
    assert sum(cell[2] for cell in body["cells"]) == added
    assert len(body["cells"]) < 300  # bounded, whatever the number of items
    kinds = {}
    for cell in body["cells"]:
        for kind, n in cell[3].items():
            kinds[kind] = kinds.get(kind, 0) + n
    assert kinds == dict(
        session.execute(select(Initiative.kind, func.count()).group_by(Initiative.kind)).all()
    )
    # Zoomed in on a street, the same data comes back as pins again.
    street = visitor.get(
        "/map/items.json", query_string={"bbox": "-0.1150,51.4620,-0.1140,51.4630", "zoom": 18}
    ).get_json()
    assert street["mode"] == "points"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"bbox": "nonsense"}, "four numbers"),
        ({"bbox": "-0.1,51.5,-0.2,51.4"}, "west < east"),
        ({"bbox": "-10,40,10,60"}, "too large"),
        ({}, "bbox is required"),
        ({"bbox": LAMBETH, "kind": "petition"}, "kind must be among"),
        ({"bbox": LAMBETH, "category": "crypto"}, "Unknown category"),
        ({"bbox": LAMBETH, "zoom": "lots"}, "zoom must be"),
    ],
)
def test_bad_map_requests_get_a_400_problem_document(visitor, session, args, message):
    response = visitor.get("/map/items.json", query_string=args)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert message in response.get_json()["detail"]


def test_map_answers_can_be_revalidated_with_an_etag(visitor, session):
    make_initiative(session)
    first = visitor.get("/map/items.json", query_string={"bbox": LAMBETH})
    again = visitor.get(
        "/map/items.json",
        query_string={"bbox": LAMBETH},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert "max-age" in first.headers["Cache-Control"]


def test_the_list_works_without_javascript_newest_first_and_paged(visitor, session):
    items = [make_initiative(session, title=f"Numbered item {n:02d}") for n in range(25)]
    page = visitor.get("/list").get_data(as_text=True)
    assert "25 items, newest first" in page
    assert page.index("Numbered item 24") < page.index("Numbered item 23")
    assert "Numbered item 04" not in page
    second = visitor.get("/list?page=2").get_data(as_text=True)
    assert "Numbered item 04" in second and "Numbered item 00" in second
    assert items


def test_near_a_postcode_lists_the_nearest_first_with_distances(
    visitor, session, cli, postcodes_file
):
    result = cli.invoke(args=["areas", "import-postcodes", str(postcodes_file)])
    assert result.exit_code == 0, result.output
    assert "Imported 6128 postcodes" in result.output
    near = make_initiative(session, title="Right by the station", at=BRIXTON_STATION)
    far = make_initiative(session, title="Far away in Dulwich", at=WEST_DULWICH)
    page = visitor.get("/list?postcode=sw2+1rw").get_data(as_text=True)
    assert "nearest to SW2 1RW first" in page
    assert page.index(near.title) < page.index(far.title)
    assert " m away" in page


def test_an_unknown_postcode_is_explained(visitor, session):
    response = visitor.get("/list?postcode=ZZ9 9ZZ")
    assert response.status_code == 422
    assert "We do not know the postcode ZZ9 9ZZ" in response.get_data(as_text=True)


def cells_now(session, level: int) -> dict:
    rows = session.execute(
        text("SELECT kind, gx, gy, n, sx, sy FROM map_cells WHERE level = :l AND n <> 0"),
        {"l": level},
    ).all()
    return {(k, gx, gy): (n, float(sx), float(sy)) for k, gx, gy, n, sx, sy in rows}


def cells_live(session, level: int) -> dict:
    rows = session.execute(
        text(
            "SELECT kind, floor(ST_X(public_location) / c)::int,"
            " floor(ST_Y(public_location) / c)::int, count(*),"
            " sum(ST_X(public_location)), sum(ST_Y(public_location))"
            " FROM initiatives, (SELECT 360.0 / (2 ^ :l) / 6 AS c) s"
            " WHERE NOT hidden GROUP BY 1, 2, 3"
        ),
        {"l": level},
    ).all()
    return {(k, gx, gy): (n, float(sx), float(sy)) for k, gx, gy, n, sx, sy in rows}


def test_precomputed_cells_follow_inserts_moves_hides_and_deletes(session, as_person):
    demo.seed_synthetic(session, 500, seed=3)
    moved = make_initiative(session, at=BRIXTON_STATION)
    hidden = make_initiative(session, kind="idea", at=ACRE_LANE)
    gone = make_initiative(session, kind="offer", at=WEST_DULWICH)
    me, author = as_person()
    item = make_initiative(session, author=author, at=ACRE_LANE)
    me.post(f"/projects/{item.id}/delete")  # hidden through the site
    move(session, moved, (51.4401, -0.0975))
    hide(session, hidden)
    session.execute(
        update(Initiative).where(Initiative.id == moved.id).values(title="Renamed, not moved")
    )
    session.execute(Initiative.__table__.delete().where(Initiative.id == gone.id))
    for level in (10, 13, 17, 18):
        assert same_cells(cells_now(session, level), cells_live(session, level)), level


def same_cells(stored: dict, live: dict) -> bool:
    """Equal counts in the same cells; coordinate sums equal up to float summation order."""
    return stored.keys() == live.keys() and all(
        stored[key][0] == live[key][0]
        and all(
            math.isclose(a, b, abs_tol=1e-9)
            for a, b in zip(stored[key][1:], live[key][1:], strict=True)
        )
        for key in stored
    )


def test_clusters_from_precomputed_cells_match_live_ones(visitor, session):
    demo.seed_synthetic(session, MAX_POINTS + 300, seed=11)
    precomputed = visitor.get(
        "/map/items.json", query_string={"bbox": LAMBETH, "zoom": 13}
    ).get_json()
    # A filter that matches everything forces the live path.
    live = visitor.get(
        "/map/items.json", query_string={"bbox": LAMBETH, "zoom": 13, "q": "synthetic"}
    ).get_json()
    assert precomputed["mode"] == live["mode"] == "clusters"

    def as_set(body):
        return {(round(c[0], 4), round(c[1], 4), c[2]) for c in body["cells"]}

    assert as_set(precomputed) == as_set(live)


def test_emptying_the_items_table_empties_the_cells(session):
    demo.seed_synthetic(session, 50, seed=5)
    session.execute(text("TRUNCATE initiatives CASCADE"))
    assert session.scalar(text("SELECT count(*) FROM map_cells")) == 0


def test_map_reads_run_outside_a_transaction_unless_one_is_open(app):
    # Not the rolled-back test session: the app's own, as in production.
    with app.app_context():
        try:
            dbapi = read_connection(db.session).connection.dbapi_connection
            assert dbapi.autocommit  # no BEGIN/ROLLBACK: prepared statements survive
            db.session.remove()
            db.session.execute(text("SELECT 1"))  # a transaction is open: the read joins it
            dbapi = read_connection(db.session).connection.dbapi_connection
            assert not dbapi.autocommit
        finally:
            db.session.remove()


def test_every_gunicorn_thread_keeps_a_pooled_connection(app):
    """Past the pool's size, a connection is closed when returned and opened again next time."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    with app.app_context():
        assert db.engine.pool.size() >= settings["threads"]


def test_the_list_holds_what_the_map_shows_open_proposals_included(client, session):
    from civicmap.models import Proposal

    idea = make_initiative(session, kind="idea", title="Benches for the green")
    make_initiative(session, kind="project", title="Tool library")
    for action, status in (("Paint the benches", "open"), ("Sand the benches", "done")):
        session.add(
            Proposal(
                initiative_id=idea.id,
                initiative_kind="idea",
                author_id=idea.author_id,
                action=action,
                volunteers_needed=2,
                status=status,
            )
        )
    session.commit()
    everything = client.get("/list").get_data(as_text=True)
    assert "3 items, newest first" in everything
    assert "Paint the benches" in everything and "Sand the benches" not in everything
    assert "on Benches for the green" in everything
    only = client.get("/list", query_string={"kind": "proposal"}).get_data(as_text=True)
    assert "1 item, newest first" in only
    assert "Paint the benches" in only and "Tool library" not in only
    items_only = client.get("/list", query_string={"kind": "project,idea"}).get_data(as_text=True)
    assert "Paint the benches" not in items_only and "2 items, newest first" in items_only
