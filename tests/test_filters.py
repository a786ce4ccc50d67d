"""One question, one answer: the map, the list, the JSON API, OGC API - Features and the CSV
export return the same items for the same filters, so the paths can never drift apart."""

import csv
import io
import re

import pytest
from sqlalchemy import update

from civicmap.filters import COLLECTIONS, MAP, Filters, openapi_parameters, parse_filters
from civicmap.models import Initiative
from civicmap.models.vocabulary import KINDS, PLURALS
from tests.factories import ACRE_LANE, BRIXTON_STATION, WEST_DULWICH, make_initiative

LAMBETH = "-0.16,51.40,-0.07,51.51"
AROUND_BRIXTON = "-0.13,51.45,-0.10,51.47"
AROUND_ACRE_LANE = "-0.1250,51.4565,-0.1220,51.4585"
IN_THE_THAMES = "-0.125,51.500,-0.120,51.502"


@pytest.fixture
def neighbourhood(session):
    """Items of every kind, in three wards, with distinct categories, statuses, words and
    ages, so that each filter below keeps some and drops others."""
    made = [
        make_initiative(session, "project", ACRE_LANE, title="Community orchard on Acre Lane"),
        make_initiative(session, "project", ACRE_LANE, category="food", status="completed"),
        make_initiative(session, "project", BRIXTON_STATION, title="Repair café", status="active"),
        make_initiative(session, "project", WEST_DULWICH, title="Orchard gardens", status="active"),
        make_initiative(session, "project", WEST_DULWICH, category="food", status="planning"),
        make_initiative(session, "idea", ACRE_LANE, title="Plant an orchard by the school"),
        make_initiative(session, "idea", BRIXTON_STATION, category="food", title="Food market"),
        make_initiative(session, "idea", WEST_DULWICH, category="arts", title="Mural walk"),
        make_initiative(session, "offer", ACRE_LANE, title="Gardening help", status="available"),
        make_initiative(session, "offer", BRIXTON_STATION, category="food", status="paused"),
        make_initiative(
            session, "offer", WEST_DULWICH, title="Orchard pruning", status="available"
        ),
    ]
    old = [made[0].id, made[3].id, made[6].id, made[9].id]
    session.execute(
        update(Initiative).where(Initiative.id.in_(old)).values(updated_at="2020-06-01T12:00:00Z")
    )
    session.commit()
    return made


COMBINATIONS = [
    {},
    {"kind": "project"},
    {"kind": "idea,offer"},
    {"bbox": AROUND_BRIXTON},
    {"bbox": AROUND_ACRE_LANE},
    {"bbox": IN_THE_THAMES},
    {"ward": "brixton-acre-lane"},
    {"ward": "no-such-ward"},
    {"category": "food"},
    {"status": "completed"},
    {"status": "available"},
    {"q": "orchard"},
    {"q": "orchards garden"},
    {"q": '"repair café"'},
    {"ward": "west-dulwich", "q": "orchard"},
    {"ward": "brixton-acre-lane", "category": "food"},
    {"bbox": AROUND_BRIXTON, "category": "food"},
    {"bbox": AROUND_BRIXTON, "status": "active"},
    {"ward": "west-dulwich", "q": "orchard", "bbox": LAMBETH, "status": "active"},
    {"kind": "offer", "ward": "west-dulwich"},
    {"kind": "project", "status": "active", "category": "environment"},
    {"kind": "idea", "q": "orchard", "category": "environment"},
    {"datetime": "2024-01-01T00:00:00Z/.."},
    {"datetime": "../2021-01-01T00:00:00Z"},
    {"datetime": "2024-01-01T00:00:00Z/..", "ward": "west-dulwich"},
    {"datetime": "2019-01-01/2021-01-01", "q": "orchard", "kind": "project,offer"},
]


def from_map(visitor, args: dict) -> set[int]:
    query = {"bbox": LAMBETH, "zoom": 16, **args}
    query.setdefault("kind", ",".join(KINDS))
    response = visitor.get("/map/items.json", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["mode"] == "points"
    return {row[0] for row in body["items"]}


def from_list(visitor, args: dict) -> set[int]:
    ids: set[int] = set()
    for page in range(1, 10):
        response = visitor.get("/list", query_string={**args, "page": page})
        assert response.status_code == 200, response.get_data(as_text=True)
        html = response.get_data(as_text=True)
        listing = html[html.index('id="item-list"') :]
        ids |= {int(n) for n in re.findall(r'href="/(?:projects|ideas|offers)/(\d+)"', listing)}
        if 'rel="next"' not in listing:
            return ids
    raise AssertionError("more pages than expected")


def _collections(args: dict):
    """The item collections a combination asks about (a status names the kinds it exists for:
    the database allows each kind only its own statuses)."""
    kinds = args["kind"].split(",") if "kind" in args else list(KINDS)
    rest = {k: v for k, v in args.items() if k != "kind"}
    for kind in kinds:
        collection = PLURALS[kind]
        if "status" in args and args["status"] not in COLLECTIONS[collection].statuses:
            continue
        yield collection, rest


def from_api(visitor, args: dict) -> set[int]:
    ids = set()
    for collection, rest in _collections(args):
        response = visitor.get(f"/api/v1/{collection}", query_string={**rest, "limit": 1000})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert body["numberMatched"] == body["numberReturned"]
        ids |= {f["id"] for f in body["features"]}
    return ids


def from_ogc(visitor, args: dict) -> set[int]:
    ids = set()
    for collection, rest in _collections(args):
        response = visitor.get(
            f"/ogc/collections/{collection}/items",
            query_string={**rest, "limit": 1000, "f": "json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert body["numberMatched"] == body["numberReturned"]
        ids |= {f["id"] for f in body["features"]}
    return ids


def from_csv(visitor, args: dict) -> set[int]:
    response = visitor.get("/data/all.csv", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    return {int(row["id"]) for row in rows}


@pytest.mark.parametrize(
    "args", COMBINATIONS, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()) or "nothing"
)
def test_every_surface_answers_the_same_items(visitor, neighbourhood, args):
    answers = {
        "map": from_map(visitor, args),
        "list": from_list(visitor, args),
        "api": from_api(visitor, args),
        "ogc": from_ogc(visitor, args),
        "csv": from_csv(visitor, args),
    }
    assert len({frozenset(ids) for ids in answers.values()}) == 1, answers


def test_the_combinations_keep_some_items_and_drop_others(visitor, neighbourhood):
    # The table above proves something only if its filters really narrow.
    everything = {item.id for item in neighbourhood}
    sizes = [len(from_csv(visitor, args)) for args in COMBINATIONS]
    assert sizes[0] == len(everything)
    narrowing = [n for n in sizes[1:] if 0 < n < len(everything)]
    assert len(narrowing) >= 20, sizes
    assert sizes.count(0) >= 2  # a box in the river, a ward that does not exist


def test_proposals_are_the_same_on_the_map_the_api_and_ogc(visitor, session, as_person):
    author, _ = as_person()
    near = make_initiative(session, "project", ACRE_LANE, category="food")
    far = make_initiative(session, "idea", WEST_DULWICH)
    for item in (near, far):
        author.post(
            f"/{PLURALS[item.kind]}/{item.id}/proposals",
            {"action": "Bring tools", "volunteers_needed": 2},
        )
    for args in ({}, {"ward": "west-dulwich"}, {"category": "food"}, {"bbox": AROUND_ACRE_LANE}):
        response = visitor.get(
            "/map/items.json",
            query_string={"bbox": LAMBETH, "zoom": 16, "kind": "proposal", **args},
        )
        on_map = {row[0] for row in response.get_json()["items"]}
        api = visitor.get("/api/v1/proposals", query_string=args).get_json()
        ogc = visitor.get("/ogc/collections/proposals/items", query_string={**args, "f": "json"})
        assert (
            on_map
            == {f["id"] for f in api["features"]}
            == {f["id"] for f in ogc.get_json()["features"]}
        )
        assert on_map, args


@pytest.mark.parametrize(
    ("url", "args", "message"),
    [
        ("/map/items.json", {"bbox": LAMBETH, "category": "crypto"}, "Unknown category"),
        ("/list", {"category": "crypto"}, "Unknown category"),
        ("/api/v1/projects", {"category": "crypto"}, "Unknown category"),
        ("/ogc/collections/projects/items", {"category": "crypto"}, "Unknown category"),
        ("/data/all.csv", {"category": "crypto"}, "Unknown category"),
        ("/api/v1/ideas", {"status": "completed"}, "Unknown status"),
        ("/ogc/collections/offers/items", {"datetime": "yesterday"}, "datetime must be"),
        ("/api/v1/projects", {"bbox": "\u0661,51,0,52"}, "four numbers"),
        ("/data/all.csv", {"datetime": "2026-01-02/2026-01-01"}, "start before"),
    ],
)
def test_a_bad_filter_is_the_same_problem_everywhere(visitor, session, url, args, message):
    response = visitor.get(url, query_string=args)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text


def test_the_api_documents_the_filters_the_parser_reads(visitor, session):
    doc = visitor.get("/api/v1/openapi.json").get_json()
    for collection in ("projects", "proposals", "wards"):
        documented = {p["name"] for p in doc["paths"][f"/{collection}"]["get"]["parameters"]}
        read = {p["name"] for p in openapi_parameters(COLLECTIONS[collection])}
        assert read <= documented and {"limit", "offset"} <= documented
    status = next(p for p in doc["paths"]["/ideas"]["get"]["parameters"] if p["name"] == "status")
    assert status["schema"]["enum"] == list(COLLECTIONS["ideas"].statuses)


def test_a_filter_added_later_turns_off_the_stored_count_shortcuts():
    assert Filters().only_kinds_and_box
    assert parse_filters({"bbox": LAMBETH, "kind": "project"}, MAP).only_kinds_and_box
    for args in ({"q": "x"}, {"ward": "x"}, {"status": "open"}, {"datetime": "2026-01-01"}):
        assert not parse_filters(args, MAP).only_kinds_and_box, args
