"""The catalogs: every translatable string in the code and templates is in each language's
catalog, translated (every plural form), not fuzzy, with the same placeholders; and pages,
mail and the switcher really come out in the language chosen."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po

from tests.conftest import ROOT

LANGUAGES = ["pt_PT", "es", "pl"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            # Babel skips folders starting with "_" unless told: templates/_macros has strings.
            "--ignore-dirs",
            ".* node_modules",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_in_each_catalog(template, language):
    path = ROOT / "civicmap" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    missing, untranslated, wrong = [], [], []
    for key in template:
        message = catalog.get(key[0] if isinstance(key, tuple) else key)
        if message is None:
            missing.append(key)
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if (
            message.fuzzy
            or not all(forms)
            or len(forms) != (catalog.num_plurals if message.pluralizable else 1)
        ):
            untranslated.append(key)
            continue
        try:
            python_format(catalog, message)
        except Exception as exc:  # babel raises TranslationError
            wrong.append((key, str(exc)))
    assert missing == [], f"not in {language} (run `make translations`): {missing[:5]}"
    assert untranslated == [], f"untranslated in {language}: {untranslated[:5]}"
    assert wrong == []


@pytest.mark.parametrize(
    ("header", "lang", "text"),
    [
        ("pt-PT,pt;q=0.9,en;q=0.5", "pt-PT", "Partilhar um projeto"),
        ("pt-BR", "pt-PT", "Partilhar um projeto"),
        ("es-ES,es;q=0.9", "es", "Compartir un proyecto"),
        ("pl", "pl", "Udostępnij projekt"),
        ("fr-FR,de;q=0.8", "en", "Share a project"),
    ],
)
def test_the_browsers_language_is_used_at_first(client, header, lang, text):
    page = client.get("/about", headers={"Accept-Language": header})
    body = page.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert "Accept-Language" in page.headers["Vary"]
    for tag in ("en", "pt-PT", "es", "pl"):
        assert f'hreflang="{tag}" href="http://localhost/about?lang={tag}"' in body


def test_the_switcher_works_without_javascript_and_is_remembered(visitor, as_person, session):
    page = visitor.post("/language", {"lang": "pl", "next": "/areas"})
    assert page.status_code == 302 and page.headers["Location"] == "/areas"
    body = visitor.get("/areas", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="pl">' in body and "Okręgi" in body
    assert visitor.post("/language", {"lang": "xx", "next": "/"}).status_code == 302
    assert '<html lang="pl">' in visitor.get("/").get_data(as_text=True)
    assert visitor.post("/language", {"lang": "es", "next": "https://evil.example/"}).headers[
        "Location"
    ] in ("/", "http://localhost/")

    person_visitor, user = as_person()
    person_visitor.post("/language", {"lang": "pt_PT", "next": "/me"})
    session.refresh(user)
    assert user.locale == "pt_PT"


def test_a_page_names_the_language_an_item_is_written_in(as_person, session):
    visitor, _ = as_person()
    response = visitor.post(
        "/ideas/new",
        {
            "title": "Horta comunitária",
            "description": "Vamos plantar juntos.",
            "category": "food",
            "language": "pt",
            "lat": "51.4627",
            "lon": "-0.1145",
        },
    )
    assert response.status_code == 302
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert '<h1 lang="pt">Horta comunitária</h1>' in page
    refused = visitor.post(
        "/ideas/new",
        {
            "title": "Something",
            "description": "Text",
            "category": "food",
            "language": "klingon",
            "lat": "51.4627",
            "lon": "-0.1145",
        },
    )
    assert refused.status_code == 422
    assert "Choose a language from the list." in refused.get_data(as_text=True)


def test_dates_and_numbers_are_written_the_readers_way(client, session):
    from datetime import UTC, datetime

    from babel.dates import format_date

    from tests.factories import ACRE_LANE, make_initiative

    make_initiative(session, kind="idea", title="Ławki", at=ACRE_LANE)
    today = datetime.now(UTC)
    page = client.get("/areas/brixton-acre-lane?lang=pl").get_data(as_text=True)
    polish = format_date(today, "d MMM y", locale="pl")
    assert polish in page and today.strftime("%b") not in polish.split()  # "29 lis 2026"


@pytest.mark.parametrize(
    ("title", "typed"),
    [
        ("Horta comunitária na rua", "comunitaria"),
        ("Clases de español para niños", "ninos"),
        ("Naprawa rowerów dla sąsiadów", "rowerow"),
        ("Community gardens on Acre Lane", "garden"),
    ],
)
def test_search_finds_words_typed_without_their_accents(client, session, title, typed):
    from tests.factories import make_initiative

    make_initiative(session, kind="idea", title=title)
    make_initiative(session, kind="idea", title="Something else entirely")
    listed = client.get("/list", query_string={"q": typed}).get_data(as_text=True)
    assert title in listed and "Something else entirely" not in listed
    api = client.get("/api/v1/ideas", query_string={"q": typed}).get_json()
    assert [f["properties"]["title"] for f in api["features"]] == [title]
