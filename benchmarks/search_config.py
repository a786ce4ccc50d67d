"""Which text-search configuration finds what residents write in English, Portuguese, Spanish
and Polish (`make bench-search`): a small labelled set of titles and of searches people would
type (with and without accents, other word forms), run through PostgreSQL with each candidate
configuration; recall (what should be found is) and precision (what is found should be).

Candidates: 'english' (what civicmap used), 'simple', and both with `unaccent` first.
"""

from __future__ import annotations

import os
import subprocess

PG_PORT = os.environ.get("CIVICMAP_PG_PORT", "55432")
DB = "civicmap_bench_search"

DOCUMENTS = {
    1: "Community garden on Acre Lane: planting vegetables together",
    2: "Repair café for bikes and toasters",
    3: "Horta comunitária na rua de Brixton",
    4: "Café português para vizinhos idosos",
    5: "Huerto comunitario para familias",
    6: "Clases de español para niños",
    7: "Ogród społeczny przy szkole",
    8: "Naprawa rowerów dla sąsiadów",
    9: "Gardening club for older neighbours",
    10: "Reparación de bicicletas en el parque",
    11: "Zajęcia dla dzieci w ogrodzie",
    12: "Limpeza do parque com vizinhos",
}

# What a person types, and which documents answer it.
SEARCHES = [
    ("garden", {1}),
    ("gardens", {1}),
    ("gardening", {9}),
    ("bikes", {2}),
    ("repair", {2}),
    ("neighbours", {9}),
    ("cafe", {2, 4}),
    ("café", {2, 4}),
    ("comunitaria", {3}),
    ("comunitária", {3}),
    ("horta", {3}),
    ("portugues", {4}),
    ("vizinhos", {4, 12}),
    ("huerto", {5}),
    ("espanol", {6}),
    ("español", {6}),
    ("niños", {6}),
    ("ninos", {6}),
    ("bicicletas", {10}),
    ("reparacion", {10}),
    ("ogród", {7}),
    ("ogrod", {7}),
    ("spoleczny", {7}),
    ("rowerów", {8}),
    ("rowerow", {8}),
    ("sąsiadów", {8}),
    ("dzieci", {11}),
    ("parque", {10, 12}),
]

SETUP = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION cm_unaccent_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION cm_unaccent_simple
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE TEXT SEARCH CONFIGURATION cm_unaccent_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION cm_unaccent_english
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TABLE docs (id int PRIMARY KEY, body text);
"""

CONFIGS = ["english", "simple", "cm_unaccent_simple", "cm_unaccent_english"]


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", db, "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")
    psql(SETUP)
    values = ",".join(f"({i}, {quote(body)})" for i, body in DOCUMENTS.items())
    psql(f"INSERT INTO docs VALUES {values}")
    print(f"{'configuration':22} recall  precision  searches fully answered")
    for config in CONFIGS:
        found_right = wanted = found = answered = 0
        for text, expected in SEARCHES:
            rows = psql(
                f"SELECT id FROM docs WHERE to_tsvector('{config}', body)"
                f" @@ websearch_to_tsquery('{config}', {quote(text)})"
            )
            got = {int(r) for r in rows.split()}
            found_right += len(got & expected)
            wanted += len(expected)
            found += len(got)
            answered += got == expected
        recall = found_right / wanted
        precision = found_right / found if found else 1.0
        print(f"{config:22} {recall:6.2f}  {precision:9.2f}  {answered}/{len(SEARCHES)}")
    psql(f"DROP DATABASE IF EXISTS {DB}", "postgres")


if __name__ == "__main__":
    main()
