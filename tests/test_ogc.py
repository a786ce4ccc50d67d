"""OGC API - Features: the documents themselves, and proof that GDAL's OAPIF driver reads them."""

import re
import shutil
import subprocess

from civicmap.extensions import db
from civicmap.filters import COLLECTIONS
from civicmap.services import features

OGRINFO = shutil.which("ogrinfo")


def test_landing_conformance_and_collections(client, session):
    landing = client.get("/ogc").get_json()
    assert {link["rel"] for link in landing["links"]} >= {
        "self",
        "conformance",
        "data",
        "service-desc",
    }
    conforms = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conforms
    ids = [c["id"] for c in client.get("/ogc/collections").get_json()["collections"]]
    assert ids == ["projects", "ideas", "offers", "events", "proposals", "wards"]
    assert client.get("/ogc/collections/nothing").status_code == 404


def test_items_page_with_limit_offset_bbox_and_datetime(client, session):
    from tests.factories import ACRE_LANE, WEST_DULWICH, make_initiative

    a = make_initiative(session, at=ACRE_LANE)
    b = make_initiative(session, at=WEST_DULWICH)
    page = client.get("/ogc/collections/projects/items?limit=1").get_json()
    assert page["numberMatched"] == 2 and [f["id"] for f in page["features"]] == [a.id]
    nxt = next(link for link in page["links"] if link["rel"] == "next")
    assert "offset=1" in nxt["href"]
    boxed = client.get("/ogc/collections/projects/items?bbox=-0.10,51.43,-0.09,51.45").get_json()
    assert [f["id"] for f in boxed["features"]] == [b.id]
    future = client.get("/ogc/collections/projects/items?datetime=2100-01-01T00:00:00Z/..")
    assert future.get_json()["numberMatched"] == 0
    bad = client.get("/ogc/collections/projects/items?datetime=soon")
    assert bad.status_code == 400
    one = client.get(f"/ogc/collections/projects/items/{a.id}").get_json()
    assert one["id"] == a.id
    assert client.get("/ogc/collections/projects/items?f=html").mimetype == "text/html"
    for missing in ("99999999999", "0", "abc"):
        assert client.get(f"/ogc/collections/projects/items/{missing}").status_code == 404


def test_gdal_reads_every_collection_and_its_counts_match_the_database(app, live_server, demo_data):
    assert OGRINFO, "ogrinfo is missing: make test installs gdal-bin"
    source = f"OAPIF:{live_server}/ogc"
    listing = subprocess.run(
        [OGRINFO, "-ro", source], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    for name in COLLECTIONS:
        assert re.search(rf"^\d+: {name} ", listing, re.M), listing
    with app.app_context():
        expected = {name: features.count(db.session, name) for name in COLLECTIONS}
        db.session.remove()
    for name in COLLECTIONS:
        summary = subprocess.run(
            [OGRINFO, "-ro", "-so", source, name],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        count = int(re.search(r"Feature Count: (\d+)", summary)[1])
        assert count == expected[name], (name, summary)
    assert expected["projects"] > 0 and expected["proposals"] > 0
    # Reading every feature makes GDAL follow the `next` links page by page.
    dump = subprocess.run(
        [OGRINFO, "-ro", "-al", "-q", source, "projects"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert dump.count("OGRFeature(projects)") == expected["projects"]


def test_counts_in_a_box_from_stored_cells_are_exact(session):
    """numberMatched for a bbox comes from stored cells plus border strips: it must equal a
    plain count for boxes of every size and position, edges included."""
    import random

    from sqlalchemy import func, select

    from civicmap.geo import BBox
    from civicmap.models import Initiative
    from civicmap.services import demo
    from civicmap.services.cells import count_in_box

    demo.seed_synthetic(session, 3000, seed=21)
    rng = random.Random(4)
    for _ in range(40):
        west = rng.uniform(-0.16, -0.08)
        south = rng.uniform(51.40, 51.50)
        size = rng.choice([0.001, 0.01, 0.05, 0.2])
        box = BBox(west, south, west + size * rng.uniform(0.5, 2), south + size)
        for kind in ("project", "idea", "offer"):
            plain = session.scalar(
                select(func.count())
                .select_from(Initiative)
                .where(
                    Initiative.kind == kind,
                    Initiative.hidden.is_(False),
                    Initiative.public_location.op("&&")(box.envelope()),
                )
            )
            assert count_in_box(session, kind, box) == plain, (box, kind)
