"""The map: the front page, its JSON endpoint, and the list of the same items."""

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from civicmap.errors import Invalid, InvalidParameter
from civicmap.extensions import db
from civicmap.filters import MAP, Filters, parse_filters
from civicmap.geo import parse_point
from civicmap.pagecache import shared_page
from civicmap.params import parse_int
from civicmap.services import areas, browse, pins

bp = Blueprint("map", __name__)


@bp.get("/")
@shared_page
def index():
    """The front page: the map, with a server-rendered list of the same items under it."""
    return _list_page("map/index.html")


@bp.get("/list")
@shared_page
def item_list():
    """The list on its own (and, with ?partial=1, the fragment the map page refreshes)."""
    template = "map/_list.html" if request.args.get("partial") else "map/list.html"
    return _list_page(template)


def _list_page(template: str):
    error = None
    try:
        filters = parse_filters(request.args, MAP)
        near, place = _near(request.args)
    except Invalid as exc:
        filters, near, place, error = Filters(), None, None, exc
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        page = 1
    # The map's text equivalent: the same kinds, open proposals included.
    listing = browse.list_items(db.session, filters, page=page, near=near, proposals=True)
    status = error.status if error else 200
    return render_template(
        template,
        filters=filters,
        listing=listing,
        near=near,
        place=place,
        error=error,
        args=request.args,
        ward_choices=areas.ward_slugs(db.session),
    ), status


def _near(args) -> tuple[tuple[float, float] | None, str | None]:
    """Where "near me" is: a postcode, or a latitude/longitude from the browser."""
    if args.get("postcode", "").strip():
        return browse.find_postcode(db.session, args["postcode"]), args["postcode"].upper()
    if args.get("near_lat") and args.get("near_lon"):
        point = parse_point(args["near_lat"], args["near_lon"])
        return (point.y, point.x), _("your location")
    return None, None


@bp.get("/map/items.json")
def items_json():
    """Pins (or grid clusters, for a dense view) for the map's current view and filters."""
    filters = parse_filters(request.args, MAP)
    if filters.bbox is None:
        raise InvalidParameter("bbox", _("bbox is required: west,south,east,north."))
    zoom = parse_int(request.args.get("zoom"), "zoom", 13, 0, 22)
    response = Response(pins.map_json(db.session, filters, zoom), mimetype="application/json")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['MAP_MAX_AGE']}"
    response.add_etag()
    return response.make_conditional(request)
