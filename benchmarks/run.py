"""civicmap's benchmark harness: `make bench` (100k and 1M items) or `make bench-quick` (100k).

Everything is measured in one run on one machine, as ratios:
  * each endpoint under wrk (32 connections) against gunicorn as in production;
  * "the limit": the same SQL that endpoint runs, replayed by pgbench at the same concurrency;
  * "a peer": tipg serving the same bbox queries from the same tables with as many workers.
Plus the map page in headless Chromium, the bulk-load rate and gunicorn workers' memory.
Results print as a table and are written to benchmarks/results/<time>.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_PORT = os.environ.get("CIVICMAP_PG_PORT", "55432")
BENCH_DB = "civicmap_bench"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/{BENCH_DB}"
APP_PORT, PEER_PORT = 58001, 58002
WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
CONNECTIONS = 32
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
EMAIL, PASSWORD = "matching-bench@example.org", "a-long-benchmark-passphrase"
RESULTS = ROOT / "benchmarks" / "results"
TIPG = ROOT / "benchmarks" / ".venv-tipg" / "bin" / "uvicorn"


def view_bbox(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 900) -> str:
    """The bbox a width x height map shows at a zoom (Web Mercator, 256 px tiles)."""
    lon_span = width * 360 / (256 * 2**zoom)
    lat_span = lon_span * math.cos(math.radians(lat)) * height / width
    west, east = lon - lon_span / 2, lon + lon_span / 2
    south, north = lat - lat_span / 2, lat + lat_span / 2
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def view_tiles(bbox: str, zoom: int) -> list[tuple[int, int]]:
    """The Web Mercator tiles (x, y) at a zoom that cover a view's bbox: what a vector-tile map
    fetches to draw that view."""

    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 2**zoom
        x = int((lon + 180) / 360 * n)
        lat_r = math.radians(lat)
        y = int((1 - math.log(math.tan(lat_r) + 1 / math.cos(lat_r)) / math.pi) / 2 * n)
        return x, y

    west, south, east, north = (float(v) for v in bbox.split(","))
    (x0, y0), (x1, y1) = tile(west, north), tile(east, south)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


BOROUGH = view_bbox(51.4607, -0.1163, 12)
WARD = view_bbox(51.4576, -0.1236, 15)
STREET = view_bbox(51.4627, -0.1145, 18)
OGC_BOX = view_bbox(51.4607, -0.1163, 14)
PEER_TABLE = "/collections/public.initiatives/items"
PEER_TILES = "/collections/public.initiatives/tiles/WebMercatorQuad/{z}/{x}/{y}"
# tipg reads the same indexed public point column civicmap serves (by default it would take the
# first geometry column, the unindexed exact `location`: not the same work).
PUBLIC_POINT = "geom-column=public_location"


def tile_paths(bbox: str, zoom: int) -> list[str]:
    # The same few properties civicmap's map answer carries, so the bytes compare like for like.
    fields = f"properties=id,kind,title,appreciation_count&{PUBLIC_POINT}"
    return [f"{PEER_TILES.format(z=zoom, x=x, y=y)}?{fields}" for x, y in view_tiles(bbox, zoom)]


def cases() -> list[dict]:
    """What is measured: civicmap's path, and tipg's equivalent query where there is one."""
    peer_fields = f"properties=id,kind,title,appreciation_count&{PUBLIC_POINT}"
    return [
        {
            "name": "map: borough z12",
            "path": f"/map/items.json?bbox={BOROUGH}&zoom=12",
            "peer": f"{PEER_TABLE}?bbox={BOROUGH}&limit=1500&{peer_fields}",
            "tiles": tile_paths(BOROUGH, 12),
            "goal": "map",
        },
        {
            "name": "map: ward z15",
            "path": f"/map/items.json?bbox={WARD}&zoom=15",
            "peer": f"{PEER_TABLE}?bbox={WARD}&limit=1500&{peer_fields}",
            "tiles": tile_paths(WARD, 15),
            "goal": "map",
        },
        {
            "name": "map: street z18",
            "path": f"/map/items.json?bbox={STREET}&zoom=18",
            "peer": f"{PEER_TABLE}?bbox={STREET}&limit=1500&{peer_fields}",
            "tiles": tile_paths(STREET, 18),
            "goal": "map",
        },
        {
            "name": "ogc items limit 100",
            "path": f"/ogc/collections/projects/items?bbox={OGC_BOX}&limit=100",
            "peer": f"{PEER_TABLE}?bbox={OGC_BOX}&limit=100&kind=project&{PUBLIC_POINT}",
            "goal": "ogc",
        },
        {
            "name": "ogc items limit 1000",
            "path": f"/ogc/collections/projects/items?bbox={OGC_BOX}&limit=1000",
            "peer": f"{PEER_TABLE}?bbox={OGC_BOX}&limit=1000&kind=project&{PUBLIC_POINT}",
            "goal": "ogc1000",
        },
        *PAGES,
        # The same pages for a logged-in resident: kept pages with their parts rendered for them.
        *({**page, "name": f"{page['name']}, in", "person": True} for page in PAGES),
    ]


def which(pages_only: bool) -> list[dict]:
    return [case for case in cases() if case["goal"] == "page"] if pages_only else cases()


PAGES = [
    {"name": "front page", "path": "/", "peer": None, "goal": "page"},
    {"name": "areas page", "path": "/areas", "peer": None, "goal": "page"},
    {"name": "ward page", "path": "/areas/brixton-acre-lane", "peer": None, "goal": "page"},
    {"name": "item page", "path": "/projects/1", "peer": None, "goal": "page"},
]


# --- processes ---------------------------------------------------------------------------------


def run(cmd, check: bool = True, **kw) -> str:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw).stdout


def psql(sql: str, db: str = "postgres") -> str:
    return run(["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", db, "-Atc", sql])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@contextmanager
def server(cmd: list[str], env: dict, health: str):
    """A server process for the length of a `with`; its output kept to explain a failed start."""
    port = int(urllib.parse.urlsplit(health).port)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            # A stale server would answer the health check and be measured instead.
            raise RuntimeError(f"port {port} is already in use: stop what listens there first")
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            cmd,
            env=os.environ | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            try:
                wait_for(health)
            except RuntimeError as exc:
                log.seek(0)
                tail = "".join(log.readlines()[-30:])
                state = f"exited with {proc.poll()}" if proc.poll() is not None else "running"
                raise RuntimeError(f"{exc} ({cmd[0]}: {state}); its last output:\n{tail}") from None
            yield proc
        finally:
            with suppress(ProcessLookupError):  # the group may be gone already
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def app_server():
    env = {
        "DATABASE_URL": DB_URL,
        "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
        "SECRET_KEY": "bench",
        "CIVICMAP_TILE_URL": "",
    }
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--chdir",
        str(ROOT),
        "wsgi:app",
    ]
    return server(cmd, env, f"http://127.0.0.1:{APP_PORT}/healthz")


def peer_server():
    env = {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{PG_PORT}/{BENCH_DB}",
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    cmd = [
        str(TIPG),
        "tipg.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(PEER_PORT),
        "--workers",
        str(WORKERS),
        "--no-access-log",
    ]
    return server(cmd, env, f"http://127.0.0.1:{PEER_PORT}/collections")


# --- data --------------------------------------------------------------------------------------


def prepare_data(total: int) -> dict:
    """Make the bench database hold `total` synthetic items (plus the demo), and time the load."""
    from sqlalchemy import text

    from civicmap import create_app
    from civicmap.config import Config
    from civicmap.extensions import db
    from civicmap.geo import read_area_features
    from civicmap.services import areas, demo

    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'"):
        psql(f"CREATE DATABASE {BENCH_DB}")

    class Bench(Config):
        SQLALCHEMY_DATABASE_URI = DB_URL
        SECRET_KEY = "bench"  # the server's, so capture_sql can replay a logged-in request
        PAGE_CACHE = False  # capture_sql records the SQL of a page rendered afresh

    app = create_app(Bench)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        features = read_area_features((ROOT / "data" / "lambeth-wards-2022.geojson").read_text())
        areas.import_areas(db.session, features)
        demo.seed_demo(db.session)
        the_person(db.session)
        db.session.commit()
        have = db.session.scalar(
            text(
                "SELECT count(*) FROM initiatives WHERE author_id ="
                " (SELECT id FROM users WHERE email = :e)"
            ),
            {"e": demo.SYNTHETIC_AUTHOR},
        )
        load = None
        if have < total:
            db.session.remove()  # the loader's connections need the author row committed
            added, seconds = demo.load_synthetic(db.engine, total - have, seed=have + 1)
            load = {
                "items": added,
                "seconds": round(seconds, 2),
                "items_per_s": round(added / seconds),
            }
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()
    return {"synthetic_items": total, "bulk_load": load, "app": app}


def capture_sql(app, path: str, prepared: bool, headers=None) -> tuple[list[str], dict[str, str]]:
    """The SQL statements a request runs, as a pgbench script's lines.

    Prepared (what the map endpoint does: its reads keep psycopg's prepared statements), each
    statement keeps its parameters as pgbench variables, so pgbench prepares it once and binds
    values on every run, as the app does; otherwise the values are written into the text.
    Returns the script lines and the pgbench -D definitions.
    """
    import psycopg
    from sqlalchemy import event

    from civicmap.extensions import db

    captured: list[tuple[str, dict, str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        literal = psycopg.ClientCursor(cursor.connection).mogrify(statement, parameters)
        captured.append((statement, dict(parameters or {}), literal))

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = app.test_client().get(path, headers=headers or {})
            assert response.status_code == 200, (path, response.status_code)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    lines, defines = [], {}
    for n, (statement, parameters, literal) in enumerate(captured):
        if literal.lstrip().upper().startswith(("BEGIN", "ROLLBACK")):
            continue
        if not prepared:
            lines.append(literal)
            continue
        for name, value in parameters.items():
            defines[f"p{n}_{name}"] = (
                "{" + ",".join(map(str, value)) + "}" if isinstance(value, list) else str(value)
            )
        lines.append(
            re.sub(r"%\((\w+)\)s", lambda m, n=n: f":p{n}_{m[1]}", statement).replace("%%", "%")
        )
    return lines, defines


def the_person(session) -> int:
    """The bench's one resident (made or refreshed): three skills, home in Brixton Acre Lane,
    a known password, so logged-in pages and /me/matches can be measured."""
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    ward = session.scalar(text("SELECT id FROM wards WHERE slug = 'brixton-acre-lane'"))
    user_id = session.scalar(
        text(
            "INSERT INTO users (email, display_name, password_hash, skills, home_ward_id,"
            " email_confirmed_at) VALUES (:e, 'Bench', :h, :s, :w, now())"
            " ON CONFLICT ((lower(email))) DO UPDATE SET password_hash = EXCLUDED.password_hash"
            " RETURNING id"
        ),
        {
            "e": EMAIL,
            "h": generate_password_hash(PASSWORD),
            "s": ["carpentry", "gardening", "cooking"],
            "w": ward,
        },
    )
    session.commit()
    return user_id


def log_in(base: str) -> str:
    """A session cookie from logging in through the site's own form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    opener.open(f"{base}/login", data=form.encode())
    cookies = {c.name: c.value for c in jar}
    if "session" not in cookies:
        raise RuntimeError("could not log in to the bench server")
    return f"session={cookies['session']}"


# --- measuring ---------------------------------------------------------------------------------


def wrk_command(script: str, seconds: int, headers=()) -> list[str]:
    """wrk at the harness's concurrency, reporting through a Lua script of benchmarks/."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    return [*command, "-s", str(ROOT / "benchmarks" / script)]


def wrk(url: str, seconds: int, headers=()) -> dict:
    out = run([*wrk_command("report.lua", seconds, headers), url])
    return json.loads(out.strip().splitlines()[-1])


def wrk_paths(base: str, paths: list[str], seconds: int) -> dict:
    """wrk cycling through many paths (benchmarks/tiles.lua): the peer's tiles of one view."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths))
        listing = f.name
    try:
        out = run([*wrk_command("tiles.lua", seconds), base, "--", listing])
    finally:
        os.unlink(listing)
    return json.loads(out.strip().splitlines()[-1])


def tile_bytes(base: str, paths: list[str]) -> int:
    """The view's tiles gzipped, as gzip_size measures civicmap's answer (tipg sends tiles
    uncompressed; a proxy in front would compress them)."""
    total = 0
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=30) as answer:  # noqa: S310 - loopback
            total += len(gzip.compress(answer.read(), 6))
    return total


def pgbench(script: tuple[list[str], dict[str, str]], seconds: int, prepared: bool) -> dict:
    from civicmap.config import Config

    statements, defines = script
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as out:
        for s in statements:
            out.write(s.strip().rstrip(";") + ";\n")
    cmd = [
        PGBENCH,
        "-h",
        "127.0.0.1",
        "-p",
        PG_PORT,
        "-U",
        "postgres",
        "-n",
        "-c",
        str(CONNECTIONS),
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        out.name,
        "-M",
        "prepared" if prepared else "extended",
        *(f"-D{name}={value}" for name, value in defines.items()),
        BENCH_DB,
    ]
    # The same session settings as the app's connections, so the same SQL runs alike.
    report = run(cmd, env=os.environ | {"PGOPTIONS": Config.DATABASE_SESSION_OPTIONS})
    os.unlink(out.name)
    lines = report.splitlines()
    tps = float(next(line for line in lines if line.startswith("tps")).split()[2])
    latency = float(next(line for line in lines if "latency average" in line).split()[3])
    return {
        "tps": tps,
        "latency_avg_ms": latency,
        "statements": len(statements),
        "protocol": "prepared" if prepared else "extended",
    }


def gzip_size(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback only
        return len(gzip.compress(r.read(), 6))


def worker_rss(master_pid: int) -> dict[int, int]:
    children = run(["pgrep", "-P", str(master_pid)]).split()
    rss = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss[int(pid)] = int(
            next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]
        )
    return rss


def memory_run(master_pid: int, seconds: int) -> dict:
    """Worker RSS before and after a sustained mixed load (map views and OGC pages)."""
    paths = [c["path"] for c in cases()[:4]]
    before = worker_rss(master_pid)
    started = time.time()
    i = 0
    while time.time() - started < seconds:
        wrk(f"http://127.0.0.1:{APP_PORT}{paths[i % len(paths)]}", min(10, seconds))
        i += 1
    after = worker_rss(master_pid)
    change = {pid: round(after[pid] / before[pid] - 1, 3) for pid in before if pid in after}
    return {
        "seconds": seconds,
        "rss_kb_before": before,
        "rss_kb_after": after,
        "change": change,
        "flat_within_20pct": all(abs(c) <= 0.20 for c in change.values()),
    }


def browser(seconds_budget: float = 30) -> dict:
    """First pins after navigation, and the page's JS + CSS bytes (gzip), in Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        assets: list[str] = []
        page.on(
            "response",
            lambda r: r.request.resource_type in ("script", "stylesheet") and assets.append(r.url),
        )
        page.goto(f"http://127.0.0.1:{APP_PORT}/", wait_until="commit")  # warm caches once
        page.locator("#map .leaflet-marker-icon").first.wait_for(timeout=seconds_budget * 1000)
        times = []
        for _ in range(5):
            assets.clear()
            page.goto("about:blank")
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{APP_PORT}/", wait_until="commit")
            page.locator("#map .leaflet-marker-icon").first.wait_for(timeout=seconds_budget * 1000)
            times.append(time.perf_counter() - started)
        chromium.close()
    sizes = {url.rsplit("/", 1)[-1]: gzip_size(url) for url in sorted(set(assets))}
    return {
        "first_pins_s": round(sorted(times)[len(times) // 2], 3),
        "runs_s": [round(t, 3) for t in times],
        "js_css_gzip_bytes": sum(sizes.values()),
        "assets": sizes,
    }


# --- the run -----------------------------------------------------------------------------------


def cpu_ticks(group: int) -> int:
    """CPU time (clock ticks) used so far by every process in a process group."""
    total = 0
    for pid in run(["pgrep", "-g", str(group)], check=False).split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def settle(group: int, timeout: float = 120) -> None:
    """Wait until a server has finished work that wrk abandoned (slow requests still running
    after wrk stopped would otherwise steal CPU from the next measurement)."""
    deadline = time.time() + timeout
    before = cpu_ticks(group)
    while time.time() < deadline:
        time.sleep(0.5)
        now = cpu_ticks(group)
        if now - before <= 2:  # under 2% of a core over the last half second
            return
        before = now
    print(f"  warning: process group {group} still busy after {timeout} s", file=sys.stderr)


def measure(
    total: int, seconds: int, memory_seconds: int, with_browser: bool, pages_only: bool = False
) -> dict:
    data = prepare_data(total)
    app = data.pop("app")
    results = {"items": total, **data, "endpoints": []}
    with app_server() as gunicorn, peer_server() as peer:
        cookie = log_in(f"http://127.0.0.1:{APP_PORT}")
        # civicmap and its SQL first, the peer after: nothing the peer still computes for
        # requests wrk gave up on can overlap a civicmap measurement.
        for case in which(pages_only):
            url = f"http://127.0.0.1:{APP_PORT}{case['path']}"
            headers = [f"Cookie: {cookie}"] if case.get("person") else []
            wrk(url, 2, headers)  # warm up
            row = {
                "name": case["name"],
                "path": case["path"],
                "goal": case["goal"],
                "person": bool(case.get("person")),
                "civicmap": wrk(url, seconds, headers),
            }
            settle(gunicorn.pid)
            prepared = case["goal"] == "map"  # the map reads keep their statements prepared
            sql = capture_sql(app, case["path"], prepared, dict(h.split(": ", 1) for h in headers))
            row["limit"] = pgbench(sql, seconds, prepared)
            row["gzip_bytes"] = gzip_size(url)
            results["endpoints"].append(row)
            print(f"  measured {case['name']}", file=sys.stderr, flush=True)
        if with_browser:
            results["map_page"] = browser()
        if memory_seconds:
            results["memory"] = memory_run(gunicorn.pid, memory_seconds)
        for case, row in zip(which(pages_only), results["endpoints"], strict=True):
            if case["peer"]:
                peer_url = f"http://127.0.0.1:{PEER_PORT}{case['peer']}"
                settle(peer.pid)
                wrk(peer_url, 2)
                row["peer"] = wrk(peer_url, seconds)
                print(f"  measured tipg for {case['name']}", file=sys.stderr, flush=True)
            if case.get("tiles"):
                # A fair peer for a map view: tipg's vector tiles of exactly that view. One view
                # is all its tiles, so views/s = tile requests/s / tiles per view.
                base = f"http://127.0.0.1:{PEER_PORT}"
                settle(peer.pid)
                wrk_paths(base, case["tiles"], 2)
                tiles = wrk_paths(base, case["tiles"], seconds)
                row["peer_tiles"] = {
                    "tiles_per_view": len(case["tiles"]),
                    "tile_rps": tiles["rps"],
                    "views_per_s": round(tiles["rps"] / len(case["tiles"]), 2),
                    "bytes_per_view": tile_bytes(base, case["tiles"]),
                    "errors": tiles["errors"],
                }
                print(f"  measured tipg tiles for {case['name']}", file=sys.stderr, flush=True)
        settle(peer.pid)
    return results


def ratio(ours: float, theirs: float | None) -> str:
    """ours / theirs for the table: a peer (or the SQL limit) that answered nothing in the
    window is a result, "> N x", not a division by zero that loses the whole table."""
    if theirs is None:
        return f"{'-':>7}"
    if theirs <= 0:
        return f"{'>' + format(ours, '.0f') + 'x':>7}" if ours > 0 else f"{'0/0':>7}"
    return f"{ours / theirs:>7.2f}"


def table(run_results: list[dict]) -> str:
    lines = []
    head = (
        f"{'items':>9} {'endpoint':<22} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'KB gz':>7} {'SQL tps':>8} {'x limit':>7} {'tipg/s':>8} {'x tipg':>7}  failed"
    )
    lines.append(head)
    lines.append("-" * len(head))
    for r in run_results:
        for e in r["endpoints"]:
            c, limit, peer = e["civicmap"], e["limit"], e.get("peer")
            lines.append(
                f"{r['items']:>9,} {e['name']:<22} {c['rps']:>8.0f} {c['p50_ms']:>7.1f} "
                f"{c['p95_ms']:>7.1f} {c['p99_ms']:>7.1f} {e['gzip_bytes'] / 1024:>7.1f} "
                f"{limit['tps']:>8.0f} {ratio(c['rps'], limit['tps'])} "
                + (
                    f"{peer['rps']:>8.0f} {ratio(c['rps'], peer['rps'])}"
                    if peer
                    else f"{'-':>8} {'-':>7}"
                )
                # requests that failed or timed out (10 s): civicmap's, then the peer's
                + f"  {c['errors']}"
                + (f"/{peer['errors']}" if peer else "")
            )
        for e in r["endpoints"]:
            t = e.get("peer_tiles")
            if t:
                lines.append(
                    f"{'':>9} {e['name']}: civicmap {e['civicmap']['rps']:.0f} views/s,"
                    f" {e['gzip_bytes'] / 1024:.1f} KB/view; tipg tiles {t['views_per_s']:.1f}"
                    f" views/s ({t['tiles_per_view']} tiles, {t['tile_rps']:.0f} tiles/s),"
                    f" {t['bytes_per_view'] / 1024:.1f} KB/view;"
                    f" x{ratio(e['civicmap']['rps'], t['views_per_s']).strip()} views/s"
                )
        if r.get("bulk_load"):
            lines.append(
                f"{'':>9} bulk load: {r['bulk_load']['items_per_s']:,} items/s "
                f"({r['bulk_load']['items']:,} in {r['bulk_load']['seconds']} s)"
            )
        if r.get("map_page"):
            m = r["map_page"]
            lines.append(
                f"{'':>9} map page: first pins {m['first_pins_s']} s, "
                f"JS+CSS {m['js_css_gzip_bytes'] / 1024:.1f} KB gzip"
            )
        mem = r.get("memory")
        if mem:
            lines.append(
                f"{'':>9} worker RSS change over {mem['seconds']} s: {mem['change']} "
                f"(flat ±20%: {mem['flat_within_20pct']})"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 items, short runs")
    parser.add_argument(
        "--pages",
        action="store_true",
        help="the pages alone (anonymous and logged in) at 1,000,000 items, on the bench"
        " database the last run left (topped up if short)",
    )
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [1_000_000] if args.pages else [100_000, 1_000_000]
    seconds, memory_seconds = (8, 20) if args.quick else (20, 0) if args.pages else (20, 60)
    started = time.time()
    if not args.pages:  # a fresh database each full run, so the bulk load is measured every time
        psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    runs = [
        measure(n, seconds, memory_seconds, with_browser=not args.pages, pages_only=args.pages)
        for n in sizes
    ]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "host": platform.node(),
        },
        "settings": {
            "connections": CONNECTIONS,
            "seconds": seconds,
            "workers": WORKERS,
            "quick": args.quick,
        },
        "runs": runs,
        "wall_seconds": round(time.time() - started),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    kind = "-quick" if args.quick else "-pages" if args.pages else ""
    out = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}{kind}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(table(runs))
    print(
        f"\n{report['machine']['cpus']} CPUs, {report['machine']['platform']}; "
        f"{report['wall_seconds']} s; results in {out.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
