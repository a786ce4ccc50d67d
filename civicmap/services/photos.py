"""Photos: checked by content, re-encoded, stripped of every piece of metadata, and stored only
once the row that makes them public has committed.

A file is read as JPEG, PNG or WebP by Pillow (never trusted by its name or type), refused past
10 MB or past 40 megapixels (a decompression bomb), turned upright by its EXIF orientation and
then re-encoded to WebP at two sizes with nothing of the original's metadata: no EXIF (GPS above
all), no XMP, no comments. The encoded files wait in the session until it commits; a refused
or failed write leaves no file behind.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from civicmap.errors import Invalid, NotFound
from civicmap.models import Initiative, Photo, Update

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP")
SIZES = {"large": 1600, "small": 480}  # longest side, in pixels
# The most one request can carry: six photos of 10 MB and the text with them. Anything larger
# is refused before it is read (413); each photo's own limit is explained beside its field.
MAX_REQUEST_BYTES = 6 * MAX_BYTES + 1024 * 1024
QUALITY = 82


@dataclass
class Prepared:
    """A photo checked and encoded, not yet stored."""

    key: str
    alt: str
    width: int
    height: int
    files: dict[str, bytes]  # size name -> WebP bytes


def prepare(upload, alt: str, field: str = "photo", alt_field: str = "photo_alt") -> Prepared:
    """An upload (a werkzeug FileStorage) and its alt text -> Prepared, or Invalid naming the
    form field to fix."""
    alt = " ".join((alt or "").split())
    if len(alt) < 3:
        raise Invalid(
            alt_field, _l("Describe the photo in a few words for people who cannot see it.")
        )
    if len(alt) > 300:
        raise Invalid(alt_field, _l("Keep the description under 300 characters."))
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(field, _l("A photo can be at most 10 MB. Choose a smaller one."))
    image = _open(data, field)
    image = ImageOps.exif_transpose(image)  # upright, before the orientation tag is dropped
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    files = {}
    for name, longest in SIZES.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        # Only pixels are written: no exif=, icc_profile= or xmp= is passed, so none is kept.
        copy.save(out, "WEBP", quality=QUALITY, method=4)
        files[name] = out.getvalue()
    width, height = image.size
    return Prepared(secrets.token_hex(16), alt, width, height, files)


def _open(data: bytes, field: str) -> Image.Image:
    not_an_image = Invalid(
        field, _l("That file is not a photo we can use: send a JPEG, PNG or WebP.")
    )
    try:
        with warnings.catch_warnings():
            # Past MAX_PIXELS Pillow only warns; a bomb is refused here, before it is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(
            field, _l("That image is too large to process (more than 40 megapixels).")
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    return image


def attach(
    session: Session,
    prepared: list[Prepared],
    uploader_id: int,
    *,
    item: Initiative | None = None,
    update: Update | None = None,
) -> list[Photo]:
    """Rows for the photos; their files are written when the session commits."""
    photos = [
        Photo(
            key=p.key,
            alt=p.alt,
            width=p.width,
            height=p.height,
            uploaded_by=uploader_id,
            initiative_id=item.id if item is not None else None,
            update_id=update.id if update is not None else None,
        )
        for p in prepared
    ]
    session.add_all(photos)
    session.info.setdefault("photos_to_store", []).extend(prepared)
    return photos


# --- storage ------------------------------------------------------------------------------------


class LocalStorage:
    """Files under a directory (instance/uploads/ unless CIVICMAP_UPLOADS_DIR says otherwise)."""

    def __init__(self, root: str):
        self.root = Path(root)

    def put(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # readers see the whole file or none

    def get(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.exists() else None


class S3Storage:
    """Objects in an S3-compatible bucket (CIVICMAP_S3_BUCKET, and CIVICMAP_S3_ENDPOINT for one
    that is not Amazon's), through boto3; its credentials come the usual boto3 ways."""

    def __init__(self, bucket: str, endpoint: str | None, region: str | None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # A page waits for a photo seconds, not boto3's default minute of retries.
        quick = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2})
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=region, config=quick)

    def put(self, name: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentType="image/webp",
                CacheControl=CACHE_CONTROL,
            )
        except (BotoCoreError, ClientError) as exc:
            raise OSError(str(exc)) from exc

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageUnavailable from exc
        except BotoCoreError as exc:
            raise StorageUnavailable from exc


class StorageUnavailable(Exception):
    """The photo store did not answer: a 503, try again."""


# Browsers keep a photo a week (a file never changes under its key); shared caches an hour, so
# a photo a moderator hides is gone from them soon.
CACHE_CONTROL = "public, max-age=604800, s-maxage=3600"


def storage():
    config = current_app.config
    if config.get("S3_BUCKET"):
        store = current_app.extensions.get("civicmap_photo_store")
        if store is None or store.bucket != config["S3_BUCKET"]:
            store = S3Storage(
                config["S3_BUCKET"], config.get("S3_ENDPOINT"), config.get("S3_REGION")
            )
            current_app.extensions["civicmap_photo_store"] = store
        return store
    return LocalStorage(config["UPLOADS_DIR"])


def name_of(key: str, size: str) -> str:
    # Two levels of directories from the key, so no directory holds millions of files.
    return f"{key[:2]}/{key[2:4]}/{key}-{size}.webp"


def _write(prepared: Prepared) -> None:
    store = storage()
    for size, data in prepared.files.items():
        store.put(name_of(prepared.key, size), data)


@event.listens_for(Session, "after_commit")
def _store_committed(session: Session) -> None:
    for prepared in session.info.pop("photos_to_store", []):
        try:
            _write(prepared)
        except OSError:
            # The row is committed; its file is not: the photo answers 404 until replaced.
            current_app.logger.exception("photo %s could not be stored", prepared.key)


@event.listens_for(Session, "after_soft_rollback")
def _forget_refused(session: Session, previous_transaction) -> None:
    session.info.pop("photos_to_store", None)


PUBLIC_PHOTO = """
SELECT 1 FROM photos p
LEFT JOIN updates u ON u.id = p.update_id
JOIN initiatives i ON i.id = coalesce(p.initiative_id, u.initiative_id)
WHERE p.key = :key AND NOT p.hidden AND NOT coalesce(u.hidden, false) AND NOT i.hidden
"""


def public_file(session: Session, key: str, size: str) -> bytes:
    """The file of a photo the public may see; NotFound for a hidden one or one on something
    hidden (its address may have been copied before it was hidden)."""
    public = size in SIZES and session.scalar(text(PUBLIC_PHOTO), {"key": key})
    data = storage().get(name_of(key, size)) if public else None
    if data is None:
        raise NotFound(_l("There is no such photo."))
    return data


def of_item(session: Session, item_id: int) -> list[Photo]:
    return list(
        session.scalars(
            select(Photo)
            .where(Photo.initiative_id == item_id, Photo.hidden.is_(False))
            .order_by(Photo.id)
        )
    )


def allow_uploads(endpoints: set[str]):
    """A before_request hook: photos need more room than the site's other forms (1 MB). It
    must run before CSRF protection reads the form, so it is registered first."""

    def hook() -> None:
        if request.endpoint in endpoints:
            request.max_content_length = MAX_REQUEST_BYTES

    return hook
