"""Areas: all wards at a glance, one ward's page, Atom feeds and calendars, and where a postcode
or a point is (for choosing a location without a map)."""

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from civicmap.areas.feeds import atom
from civicmap.errors import Invalid
from civicmap.extensions import db
from civicmap.filters import Filters
from civicmap.geo import parse_point, point_of
from civicmap.pagecache import shared_page
from civicmap.services import areas, browse, calendar, events, responses

bp = Blueprint("areas", __name__)
FEED_SIZE = 50


@bp.get("/areas")
@shared_page
def index():
    return render_template("areas/index.html", wards=areas.ward_stats(db.session))


@bp.get("/areas/wards.geojson")
def wards_geojson():
    response = Response(areas.wards_geojson(db.session), mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/areas/<slug>")
@shared_page
def ward(slug: str):
    session = db.session
    ward = areas.get_ward(session, slug)
    stats = areas.ward_stats(session, ward.id)[0]
    lists = {
        kind: browse.list_items(session, Filters(kinds=(kind,), ward=slug), total=stats[f"{kind}s"])
        for kind in ("project", "idea", "offer")
    }
    return render_template(
        "areas/ward.html",
        ward=ward,
        stats=stats,
        lists=lists,
        needing=areas.proposals_needing_volunteers(session, ward.id),
        skills=areas.skills_offered(session, ward.id),
        activity=areas.recent_activity(session, ward.id),
        bbox=areas.ward_bbox(session, ward.id),
        council_responses=responses.in_ward(session, ward.id),
        upcoming_events=events.upcoming(session, ward.id),
    )


@bp.get("/areas/<slug>/feed.atom")
def ward_feed(slug: str):
    ward = areas.get_ward(db.session, slug)
    newest = browse.list_items(db.session, Filters(ward=slug), per_page=FEED_SIZE).items
    body = atom(
        _("New in %(ward)s", ward=ward.name),
        url_for("areas.ward_feed", slug=slug, _external=True),
        url_for("areas.ward", slug=slug, _external=True),
        newest,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/areas/<slug>/calendar.ics")
def ward_calendar(slug: str):
    """The ward's events and proposals with a time, for a calendar app to subscribe to."""
    ward = areas.get_ward(db.session, slug)
    name = _("%(site)s: %(ward)s", site=current_app.config["SITE_NAME"], ward=ward.name)
    return calendar.as_response(
        calendar.calendar(name, calendar.upcoming_in_ward(db.session, ward.id))
    )


@bp.get("/feed.atom")
def borough_feed():
    newest = browse.list_items(db.session, Filters(), per_page=FEED_SIZE).items
    body = atom(
        _("New in %(area)s", area=current_app.config["AREA_NAME"]),
        url_for("areas.borough_feed", _external=True),
        url_for("map.index", _external=True),
        newest,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/places/postcode.json")
def postcode_place():
    """Where a postcode is, and in which ward: for the location picker's "Find" button."""
    found = areas.find_postcode(db.session, request.args.get("q", ""))
    if found is None:
        message = _("We do not know that postcode here. Try one like SW2 1RW.")
        return jsonify(detail=message), 404
    point = point_of(found.location)
    ward = areas.ward_at(db.session, point.y, point.x)
    return jsonify(
        postcode=found.postcode,
        lat=round(point.y, 6),
        lon=round(point.x, 6),
        ward=_ward_json(ward),
    )


@bp.get("/places/ward.json")
def ward_place():
    """The ward a point is in (null outside the area): the picker announces it as the pin moves."""
    try:
        point = parse_point(request.args.get("lat"), request.args.get("lon"))
    except Invalid as exc:
        return jsonify(detail=str(exc.message)), 400
    return jsonify(ward=_ward_json(areas.ward_at(db.session, point.y, point.x)))


def _ward_json(ward) -> dict | None:
    return {"name": ward.name, "slug": ward.slug} if ward is not None else None
