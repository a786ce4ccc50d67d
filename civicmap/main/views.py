"""The front page and the about page."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/about")
def about():
    return render_template("main/about.html")
