"""Projects that show their progress (issue #13): stages, updates on a timeline, photos checked
by content, re-encoded without metadata, stored only when their row commits."""

import contextlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from civicmap.models import Notification, Photo, Update
from civicmap.services import photos
from tests.factories import make_initiative


def jpeg_with_gps(size=(1200, 800), colour=(200, 60, 40)) -> bytes:
    """A real JPEG carrying EXIF with a GPS position, a camera name and an orientation."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 27.0, 45.0)
    gps[3], gps[4] = "W", (0.0, 6.0, 52.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bomb() -> bytes:
    """A tiny file that would decode to 100 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def update_form(body="We planted the first bed.", stage="active", files=()):
    data = {"update_body": body, "update_stage": stage}
    for n, (content, name, alt) in enumerate(files):
        data[f"photos-{n}-file"] = (io.BytesIO(content), name)
        data[f"photos-{n}-alt"] = alt
    return data


@pytest.fixture
def project_of(session, as_person):
    def make(**values):
        visitor, author = as_person()
        item = make_initiative(session, "project", author=author, status="planning", **values)
        return visitor, author, item

    return make


def stored_files(app) -> set[str]:
    root = photos.Path(app.config["UPLOADS_DIR"])
    return {p.name for p in root.rglob("*.webp")}


def test_an_update_with_photos_moves_the_stage_and_strips_every_tag(app, session, project_of):
    visitor, _author, item = project_of()
    response = visitor.post(
        f"/projects/{item.id}/updates",
        update_form(files=[(jpeg_with_gps(), "IMG_0001.JPG", "Volunteers planting the first bed")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session.refresh(item)
    assert item.status == "active"
    photo = session.scalar(select(Photo).join(Update, Photo.update_id == Update.id))
    assert (photo.width, photo.height) == (800, 1200)  # turned upright by its orientation

    page = visitor.get(f"/projects/{item.id}").get_data(as_text=True)
    assert "We planted the first bed." in page
    assert 'aria-current="step">Doing<' in page
    assert 'alt="Volunteers planting the first bed"' in page

    for size, longest in (("small", 480), ("large", 1200)):
        served = visitor.get(f"/photos/{size}/{photo.key}.webp")
        assert served.status_code == 200
        assert served.mimetype == "image/webp"
        assert "max-age=604800" in served.headers["Cache-Control"]
        image = Image.open(io.BytesIO(served.data))
        assert image.format == "WEBP"
        assert max(image.size) == longest
        # Nothing of the original's metadata: no EXIF (so no GPS, no camera), no XMP.
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info
        assert b"PhoneMaker" not in served.data and b"GPS" not in served.data


def test_followers_hear_of_an_update(session, project_of, as_person):
    visitor, _author, item = project_of()
    follower_visitor, follower = as_person()
    assert follower_visitor.post(f"/follow/item/{item.id}").status_code in (200, 302)
    visitor.post(f"/projects/{item.id}/updates", update_form(stage=""))
    from tests.conftest import run_jobs

    run_jobs(session, "fan_out")
    note = session.scalar(select(Notification).where(Notification.user_id == follower.id))
    assert note is not None and note.event == "update"
    assert "posted an update on" in follower_visitor.get("/me/notifications").get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "name", "alt", "message"),
    [
        (b"%PDF-1.4 not a photo at all", "holiday.jpg", "A photo", "not a photo we can use"),
        (b"GIF89a" + b"\0" * 100, "anim.gif", "A gif", "not a photo we can use"),
        (None, "bomb.png", "A bomb", "too large to process"),
        (b"\xff\xd8" + b"\0" * (10 * 1024 * 1024 + 10), "big.jpg", "Too big", "at most 10 MB"),
        (b"\xff\xd8" + b"\0" * (50 * 1024 * 1024), "fifty.jpg", "50 MB", "at most 10 MB"),
        (None, "ok.jpg", "", "Describe the photo in a few words"),
    ],
)
def test_a_refused_photo_is_explained_keeps_the_text_and_saves_nothing(
    app, session, project_of, content, name, alt, message
):
    if content is None:
        content = png_bomb() if name == "bomb.png" else jpeg_with_gps()
    visitor, _author, item = project_of()
    before = stored_files(app)
    response = visitor.post(
        f"/projects/{item.id}/updates",
        update_form(body="Kept words, typed once", files=[(content, name, alt)]),
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "Kept words, typed once" in body
    assert session.scalar(select(func.count()).select_from(Update)) == 0
    assert session.scalar(select(func.count()).select_from(Photo)) == 0
    assert stored_files(app) == before
    session.refresh(item)
    assert item.status == "planning"  # the stage did not move either


def test_an_upload_beyond_what_a_request_may_carry_is_a_413(session, project_of):
    visitor, _, item = project_of()
    huge = b"\0" * (photos.MAX_REQUEST_BYTES + 1024)
    response = visitor.post(
        f"/projects/{item.id}/updates",
        update_form(files=[(huge, "huge.jpg", "Huge")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_only_the_author_posts_updates_and_only_on_projects(session, project_of, as_person):
    _, _, item = project_of()
    stranger, _ = as_person()
    assert stranger.post(f"/projects/{item.id}/updates", update_form()).status_code == 403
    idea_author, me = as_person()
    idea = make_initiative(session, "idea", author=me)
    assert idea_author.post(f"/projects/{idea.id}/updates", update_form()).status_code == 404


def test_a_photo_on_an_item_is_added_and_a_hidden_one_is_not_served(session, project_of, as_person):
    visitor, _author, item = project_of()
    added = visitor.post(
        f"/projects/{item.id}/photos",
        {"photo": (io.BytesIO(jpeg_with_gps((640, 480))), "a.jpg"), "photo_alt": "The garden"},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    photo = session.scalar(select(Photo).where(Photo.initiative_id == item.id))
    page = visitor.get(f"/projects/{item.id}").get_data(as_text=True)
    small = f"/photos/small/{photo.key}.webp"
    assert small in page
    assert visitor.get(small).status_code == 200

    moderator, _ = as_person(role="moderator")
    hidden = moderator.post(f"/moderation/photo/{photo.id}/hide", {"reason": "A face"})
    assert hidden.status_code == 302
    assert visitor.get(small).status_code == 404
    assert small not in visitor.get(f"/projects/{item.id}").get_data(as_text=True)


def test_photos_of_a_hidden_project_are_not_served(session, project_of):
    visitor, _, item = project_of()
    visitor.post(
        f"/projects/{item.id}/photos",
        {"photo": (io.BytesIO(jpeg_with_gps((300, 300))), "a.jpg"), "photo_alt": "The garden"},
        content_type="multipart/form-data",
    )
    key = session.scalar(select(Photo.key).where(Photo.initiative_id == item.id))
    session.execute(
        text("UPDATE initiatives SET hidden = true, hidden_reason = 'deleted' WHERE id = :i"),
        {"i": item.id},
    )
    assert visitor.get(f"/photos/large/{key}.webp").status_code == 404


def test_photo_addresses_cannot_be_guessed_or_walked(client):
    assert client.get("/photos/small/../../etc/passwd.webp").status_code == 404
    assert client.get("/photos/huge/" + "a" * 32 + ".webp").status_code == 404
    assert re.fullmatch(r"[0-9a-f]{32}", photos.secrets.token_hex(16))


@pytest.fixture
def s3_bucket(app):
    """An S3-compatible server on loopback (moto's, over real HTTP) with a bucket, and the app
    storing photos there for the length of the test."""
    import os

    import boto3
    from moto.server import ThreadedMotoServer

    from tests.conftest import free_port

    port = free_port()
    os.environ.update(
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="eu-west-2"
    )
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    client.create_bucket(
        Bucket="civicmap-photos",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
    )
    saved = {k: app.config[k] for k in ("S3_BUCKET", "S3_ENDPOINT", "S3_REGION")}
    app.config.update(S3_BUCKET="civicmap-photos", S3_ENDPOINT=endpoint, S3_REGION="eu-west-2")
    app.extensions.pop("civicmap_photo_store", None)
    try:
        yield client, server
    finally:
        app.config.update(saved)
        app.extensions.pop("civicmap_photo_store", None)
        with contextlib.suppress(Exception):  # the test may have stopped it already
            server.stop()


def test_photos_go_to_s3_compatible_storage_when_configured(app, session, project_of, s3_bucket):
    client, server = s3_bucket
    visitor, _, item = project_of()
    before = stored_files(app)
    added = visitor.post(
        f"/projects/{item.id}/photos",
        {"photo": (io.BytesIO(jpeg_with_gps((900, 600))), "a.jpg"), "photo_alt": "The garden"},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    key = session.scalar(select(Photo.key).where(Photo.initiative_id == item.id))
    names = {o["Key"] for o in client.list_objects_v2(Bucket="civicmap-photos")["Contents"]}
    assert names == {f"{key[:2]}/{key[2:4]}/{key}-{size}.webp" for size in ("small", "large")}
    stored = client.get_object(
        Bucket="civicmap-photos", Key=f"{key[:2]}/{key[2:4]}/{key}-large.webp"
    )
    assert stored["ContentType"] == "image/webp"
    assert stored_files(app) == before  # nothing on the local disk

    served = visitor.get(f"/photos/large/{key}.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert Image.open(io.BytesIO(served.data)).size == (600, 900)  # turned upright
    again = visitor.get(
        f"/photos/large/{key}.webp", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304

    server.stop()  # the store is down: a 503 to try again, not a 500
    down = visitor.get(f"/photos/small/{key}.webp")
    assert down.status_code == 503 and "Please try again" in down.get_data(as_text=True)


def test_a_projects_updates_have_a_feed(session, project_of, client):
    import feedparser

    visitor, _, item = project_of()
    visitor.post(f"/projects/{item.id}/updates", update_form(body="First beds dug.", stage=""))
    visitor.post(f"/projects/{item.id}/updates", update_form(body="Seeds in.", stage=""))
    response = client.get(f"/projects/{item.id}/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0
    assert [e.summary for e in feed.entries] == ["Seeds in.", "First beds dug."]
    assert all(f"/projects/{item.id}#update-" in e.link for e in feed.entries)
    page = client.get(f"/projects/{item.id}").get_data(as_text=True)
    assert f'href="/projects/{item.id}/feed.atom"' in page
