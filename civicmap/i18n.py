"""Which language a page is in: English, Portuguese (Portugal), Spanish or Polish.

In order: `?lang=` (the hreflang alternates of a page), the person's choice (the switcher's
cookie, or their account's), then the browser's Accept-Language, then English. Resident-written
text is never translated; an item may say which language it is written in.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

# Catalog name -> the language's own name (a switcher lists each language in itself).
LANGUAGES = {"en": "English", "pt_PT": "Português", "es": "Español", "pl": "Polski"}
COOKIE = "lang"
# The BCP 47 tag of each catalog, for <html lang>, hreflang and Accept-Language.
TAGS = {"en": "en", "pt_PT": "pt-PT", "es": "es", "pl": "pl"}
FROM_TAG = {tag.lower(): code for code, tag in TAGS.items()} | {"pt": "pt_PT"}

# Languages an item's own text may be in (named in themselves; not translated): the site's four
# and others often spoken in Lambeth.
ITEM_LANGUAGES = {
    "en": "English",
    "pt": "Português",
    "es": "Español",
    "pl": "Polski",
    "fr": "Français",
    "it": "Italiano",
    "so": "Soomaali",
    "yo": "Yorùbá",
    "tw": "Twi",
    "ar": "العربية",
    "bn": "বাংলা",
    "tr": "Türkçe",
}


def catalog_for(tag: str | None) -> str | None:
    """'pt-PT', 'pt_PT', 'pt' -> 'pt_PT'; None if none of ours."""
    if not tag:
        return None
    tag = tag.replace("_", "-").lower()
    return FROM_TAG.get(tag) or FROM_TAG.get(tag.split("-")[0])


def select_locale() -> str:
    if not has_request_context():  # the command line, a job: the default (mail forces its own)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = catalog_for(request.args.get("lang"))
    if asked:
        return asked
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    best = request.accept_languages.best_match([*TAGS.values(), "pt"])
    return catalog_for(best) or current_app.config["BABEL_DEFAULT_LOCALE"]


def tag_of(code) -> str:
    return TAGS.get(str(code), "en")


def vary_by_language(response):
    """Pages differ by language: shared caches must key them by what chose it."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def choose_language() -> None:
    """Fix the request's language at its start (Flask-Babel keeps it for the request)."""
    get_locale()
