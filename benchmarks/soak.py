"""civicmap under a crowd and under faults: `make soak` (a few minutes; not part of `make test`).

Everything runs on this machine, on loopback, started here: a PostgreSQL cluster of the soak's
own (port 55433, so stopping it harms nothing else), gunicorn as in production (2 workers x 8
threads) under a small supervisor that restarts it like systemd's Restart=on-failure, and nginx
in front with deploy/nginx.conf (its ports changed). Then:

1. A crowd: N people made through the app's own services log in through the real form, each
   from its own loopback address, and for S seconds drive a realistic mix (the map as the
   page's JavaScript asks it, item pages, the list, comment, appreciate, share, propose,
   volunteer). Every acknowledged write is recorded and looked for in the database afterwards;
   the stored counts are checked against the rows; no proposal may be overbooked.
2. Bursts: 50 volunteers at once on a proposal needing 3; 20 identical appreciations; 10
   idea-to-project conversions; two edits of one item.
3. Faults under load: the database stopped for 1, 5 and 10 s; a worker killed; the master
   killed; 20 slowloris connections and 16 slow export downloads (through nginx, and straight
   to gunicorn for comparison); 100 MB bodies.

Results print as a report and go to benchmarks/results/soak-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_PORT, APP_PORT, PROXY_PORT = 55433, 58101, 58100
DB = "civicmap_soak"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/{DB}"
PG_ENV = {"CIVICMAP_PG_PORT": str(PG_PORT), "CIVICMAP_PG_DATA": str(ROOT / "instance" / "soak-pg")}
PROXY, DIRECT = f"http://127.0.0.1:{PROXY_PORT}", f"http://127.0.0.1:{APP_PORT}"
PASSWORD = "soak-passphrase-for-neighbours"
TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
RESULTS = ROOT / "benchmarks" / "results"
NGINX_DIR = ROOT / "instance" / "soak-nginx"
LAMBETH = (-0.1530, 51.4100, -0.0780, 51.5090)  # west, south, east, north


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the parts ---------------------------------------------------------------------------------


def pg(command: str) -> None:
    subprocess.run(
        [str(ROOT / "tools" / "pg.sh"), command],
        env=os.environ | PG_ENV,
        check=True,
        capture_output=True,
    )


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db, "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


class Gunicorn:
    """gunicorn under a supervisor thread: restarted 1 s after its master exits, as systemd
    would with deploy/civicmap.service (Restart=on-failure, RestartSec)."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.stopping = False
        self.restarts = 0
        self.logfile = open(ROOT / "instance" / "soak-gunicorn.log", "a")  # noqa: SIM115

    def start(self) -> None:
        env = os.environ | {
            "DATABASE_URL": DB_URL,
            "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
            "SECRET_KEY": "soak-secret",
            "CIVICMAP_TILE_URL": "",
            "CIVICMAP_PROXY_HOPS": "1",
            # The crowd here is scripted on purpose: the "too quick to be a person" check on
            # sign-up and new items would refuse it (tests/test_public_safety.py covers it).
            "CIVICMAP_HUMAN_MIN_SECONDS": "0",
        }
        cmd = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--chdir",
            str(ROOT),
            "wsgi:app",
        ]
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        threading.Thread(target=self._watch, args=(self.proc,), daemon=True).start()
        wait_for(f"{DIRECT}/healthz")

    def _watch(self, proc: subprocess.Popen) -> None:
        proc.wait()
        if not self.stopping:
            # What systemd does when the main process dies (KillMode=mixed): the rest of the
            # unit's processes go too, so orphaned workers do not keep the port.
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(1)
            self.restarts += 1
            self.start()

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        self.stopping = True
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def nginx(action: str) -> None:
    conf = NGINX_DIR / "nginx.conf"
    if action == "start":
        NGINX_DIR.mkdir(parents=True, exist_ok=True)
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        text = text.replace("127.0.0.1:8080", f"127.0.0.1:{PROXY_PORT}")
        text = text.replace("127.0.0.1:8000", f"127.0.0.1:{APP_PORT}")
        text = text.replace("instance/nginx/", "instance/soak-nginx/")
        if os.geteuid() == 0:  # its workers write temp files under instance/
            text = "user root;\n" + text
        conf.write_text(text)
        subprocess.run(["nginx", "-p", str(ROOT), "-c", str(conf)], check=True)
        wait_for(f"{PROXY}/healthz")
    else:
        subprocess.run(["nginx", "-p", str(ROOT), "-c", str(conf), "-s", "stop"], check=False)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


# --- data --------------------------------------------------------------------------------------


def prepare(people: int, synthetic: int) -> dict:
    """A fresh soak database: migrations, wards, the demo, synthetic items (so an export is
    megabytes, larger than any socket buffer), and the crowd's accounts."""
    from sqlalchemy import text

    from civicmap import create_app
    from civicmap.config import Config
    from civicmap.extensions import db
    from civicmap.geo import read_area_features
    from civicmap.services import accounts, areas, demo

    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres")
    psql(f"CREATE DATABASE {DB}", db="postgres")

    class Soak(Config):
        SQLALCHEMY_DATABASE_URI = DB_URL

    app = create_app(Soak)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        areas.import_areas(
            db.session,
            read_area_features((ROOT / "data" / "lambeth-wards-2022.geojson").read_text()),
        )
        demo.seed_demo(db.session)
        db.session.commit()
        db.session.remove()
        demo.load_synthetic(db.engine, synthetic)
        emails = []
        for n in range(people):
            email = f"neighbour{n}@soak.civicmap.invalid"
            accounts.register(db.session, email, f"Neighbour {n}", PASSWORD)
            emails.append(email)
        db.session.commit()
        # Points inside the area for new items: a few per ward.
        points = db.session.execute(
            text(
                "SELECT ST_Y(d.geom), ST_X(d.geom) FROM wards w,"
                " ST_Dump(ST_GeneratePoints(w.geom, 4, 7)) d"
            )
        ).all()
        db.session.remove()
        db.engine.dispose()
    return {"emails": emails, "points": [tuple(p) for p in points]}


# --- people ------------------------------------------------------------------------------------


class FromAddress(HTTPAdapter):
    """Connections from one loopback address: each person is a different client to the proxy."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_maxsize=32)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Person:
    def __init__(self, n: int, email: str, base: str = PROXY):
        self.n, self.email, self.base = n, email, base
        self.http = requests.Session()
        address = f"127.0.{1 + n // 250}.{2 + n % 250}"
        self.http.mount("http://", FromAddress(address))
        self.token = ""

    def log_in(self) -> Person:
        page = self.http.get(f"{self.base}/login", timeout=30)
        token = TOKEN.search(page.text)[1]
        r = self.http.post(
            f"{self.base}/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        if r.status_code != 302:
            raise RuntimeError(f"{self.email} could not log in: {r.status_code} {r.text[:200]}")
        self.token = TOKEN.search(self.http.get(f"{self.base}/me", timeout=30).text)[1]
        return self

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(
            self.base + path,
            data={**data, "csrf_token": self.token},
            allow_redirects=False,
            timeout=30,
        )


class World:
    """What the crowd knows of the site (ids it can visit) and what it was told was saved."""

    def __init__(self, points):
        self.points = points
        self.lock = threading.Lock()
        self.items = [
            tuple(r.split("|"))
            for r in psql(
                "SELECT id, kind FROM initiatives WHERE NOT hidden ORDER BY random() LIMIT 5000"
            ).splitlines()
        ]
        self.items = [(int(i), k) for i, k in self.items]
        self.proposals: list[int] = []
        self.writes: list[tuple] = []
        self.statuses: Counter = Counter()
        self.latency: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def engageable(self) -> tuple[int, str]:
        return random.choice([i for i in self.items if i[1] != "offer"])

    def record(self, what: str, started: float, response: requests.Response | None) -> None:
        with self.lock:
            if response is None:
                self.statuses[(what, "error")] += 1
                return
            self.statuses[(what, response.status_code)] += 1
            self.latency.setdefault(what, []).append(time.perf_counter() - started)


PLURAL = {"project": "projects", "idea": "ideas", "offer": "offers"}


def a_view() -> dict:
    zoom = random.choice([12, 13, 14, 15, 16, 17, 18])
    width = 1280 * 360 / (256 * 2**zoom)
    height = width * 0.62 * 900 / 1280
    lon = random.uniform(LAMBETH[0], LAMBETH[2])
    lat = random.uniform(LAMBETH[1], LAMBETH[3])
    box = (
        f"{lon - width / 2:.5f},{lat - height / 2:.5f},{lon + width / 2:.5f},{lat + height / 2:.5f}"
    )
    return {"bbox": box, "zoom": zoom, "kind": "project,idea,offer,proposal"}


def one_action(person: Person, world: World, serial: int) -> None:
    r = random.random()
    tag = f"soak-{person.n}-{serial}"
    started = time.perf_counter()
    what, response = "?", None
    try:
        if r < 0.35:
            what, response = "map", person.get("/map/items.json", params=a_view())
        elif r < 0.55:
            item_id, kind = random.choice(world.items)
            what, response = "item page", person.get(f"/{PLURAL[kind]}/{item_id}")
        elif r < 0.62:
            what, response = "list", person.get("/list", params={"page": random.randint(1, 5)})
        elif r < 0.72:
            item_id, kind = world.engageable()
            what = "comment"
            response = person.post(
                f"/{PLURAL[kind]}/{item_id}/comments", {"body": f"Count me in {tag}"}
            )
            if response.status_code == 302:
                world.writes.append(("comment", item_id, f"Count me in {tag}"))
        elif r < 0.80:
            item_id, kind = world.engageable()
            what = "appreciate"
            response = person.post(f"/{PLURAL[kind]}/{item_id}/appreciate", {"note": ""})
            if response.status_code == 302:
                world.writes.append(("appreciation", item_id, person.email))
        elif r < 0.85:
            lat, lon = random.choice(world.points)
            what = "share"
            response = person.post(
                "/projects/new",
                {
                    "title": f"Project {tag}",
                    "description": "Neighbours together.",
                    "category": "environment",
                    "status": "planning",
                    "website": "",
                    "summary": "",
                    "lat": f"{lat:.6f}",
                    "lon": f"{lon:.6f}",
                },
            )
            if response.status_code == 302:
                new_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
                world.writes.append(("item", new_id, f"Project {tag}"))
                with world.lock:
                    world.items.append((new_id, "project"))
        elif r < 0.90:
            item_id, kind = world.engageable()
            what = "propose"
            response = person.post(
                f"/{PLURAL[kind]}/{item_id}/proposals",
                {"action": f"I will help {tag}", "volunteers_needed": str(random.randint(1, 5))},
            )
            if response.status_code == 302:
                world.writes.append(("proposal", item_id, f"I will help {tag}"))
        else:
            if not world.proposals:
                return
            proposal_id = random.choice(world.proposals)
            what = "volunteer"
            response = person.post(f"/proposals/{proposal_id}/volunteer", {"note": ""})
            if response.status_code == 302:
                world.writes.append(("volunteering", proposal_id, person.email))
    except requests.RequestException as exc:
        world.errors.append(f"{what}: {exc!r}"[:200])
        response = None
    world.record(what, started, response)


def open_proposals(world: World, until: float) -> None:
    """The crowd learns of open proposals through the public API, as an app would."""
    while time.time() < until:
        body = requests.get(
            f"{PROXY}/api/v1/proposals", params={"status": "open", "limit": 1000}, timeout=30
        ).json()
        world.proposals = [f["id"] for f in body["features"]]
        time.sleep(3)


def crowd(people: list[Person], world: World, seconds: float) -> dict:
    until = time.time() + seconds
    threading.Thread(target=open_proposals, args=(world, until), daemon=True).start()
    time.sleep(0.5)

    def loop(person: Person) -> None:
        serial = 0
        while time.time() < until:
            serial += 1
            one_action(person, world, serial)

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(loop, people))
    done = sum(world.statuses.values())
    server_errors = sum(n for (w, s), n in world.statuses.items() if s == "error" or s >= 500)
    return {
        "requests": done,
        "requests_per_s": round(done / seconds, 1),
        "server_errors": server_errors,
        "by_status": {f"{w} {s}": n for (w, s), n in sorted(world.statuses.items(), key=str)},
        "p95_ms": {
            w: round(statistics.quantiles(v, n=20)[-1] * 1000)
            for w, v in world.latency.items()
            if len(v) >= 20
        },
        "acknowledged_writes": len(world.writes),
        "client_errors": world.errors[:10],
    }


# --- checks ------------------------------------------------------------------------------------


def lost_writes(world: World) -> list[tuple]:
    """Acknowledged writes that are not in the database."""
    lost = []
    for what, ref, value in world.writes:
        v = value.replace("'", "''")
        sql = {
            "comment": f"SELECT count(*) FROM comments WHERE initiative_id = {ref}"
            f" AND body = '{v}'",
            "appreciation": f"SELECT count(*) FROM appreciations a JOIN users u ON u.id = a.user_id"
            f" WHERE a.initiative_id = {ref} AND u.email = '{v}'",
            "item": f"SELECT count(*) FROM initiatives WHERE id = {ref} AND title = '{v}'",
            "proposal": f"SELECT count(*) FROM proposals WHERE initiative_id = {ref}"
            f" AND action = '{v}'",
            "volunteering": f"SELECT count(*) FROM volunteerings v JOIN users u ON u.id = v.user_id"
            f" WHERE v.proposal_id = {ref} AND u.email = '{v}'",
        }[what]
        if psql(sql) != "1":
            lost.append((what, ref, value))
    return lost


def invariants() -> dict:
    return {
        "overbooked_proposals": int(
            psql(
                "SELECT count(*) FROM proposals p WHERE p.volunteers_needed < (SELECT count(*)"
                " FROM volunteerings v WHERE v.proposal_id = p.id AND v.status = 'active')"
            )
        ),
        "duplicate_projects": int(
            psql(
                "SELECT count(*) FROM (SELECT from_idea_id FROM initiatives"
                " WHERE from_idea_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d"
            )
        ),
        "appreciation_counts_wrong": int(
            psql(
                "SELECT count(*) FROM initiatives i WHERE i.appreciation_count <> (SELECT count(*)"
                " FROM appreciations a WHERE a.initiative_id = i.id)"
            )
        ),
        "ward_counts_wrong": int(
            psql(
                "SELECT count(*) FROM (SELECT ward_id, kind, count(*)::int AS n FROM initiatives"
                " WHERE NOT hidden GROUP BY 1, 2"
                " EXCEPT SELECT ward_id, kind, items FROM ward_counts WHERE items > 0) d"
            )
        ),
        "map_cells_wrong": int(
            psql(
                "SELECT count(*) FROM (SELECT kind, count(*)::int FROM initiatives WHERE NOT hidden"
                " GROUP BY 1 EXCEPT SELECT kind, sum(n)::int FROM map_cells WHERE level = 10"
                " GROUP BY 1) d"
            )
        ),
    }


# --- bursts ------------------------------------------------------------------------------------


def at_once(people: list[Person], act) -> Counter:
    barrier = threading.Barrier(len(people))

    def go(person):
        barrier.wait()
        try:
            return act(person).status_code
        except requests.RequestException:
            return "error"

    with ThreadPoolExecutor(len(people)) as pool:
        return Counter(pool.map(go, people))


def bursts(people: list[Person]) -> dict:
    organiser = people[0]
    lat, lon = 51.457575, -0.123613
    r = organiser.post(
        "/projects/new",
        {
            "title": "Burst clean-up",
            "description": "Gloves.",
            "category": "environment",
            "status": "active",
            "website": "",
            "summary": "",
            "lat": str(lat),
            "lon": str(lon),
        },
    )
    project_id = int(r.headers["Location"].rsplit("/", 1)[1])
    organiser.post(
        f"/projects/{project_id}/proposals",
        {"action": "Burst litter pick", "volunteers_needed": "3"},
    )
    proposal_id = int(psql(f"SELECT id FROM proposals WHERE initiative_id = {project_id}"))
    volunteers = at_once(
        people[1:51], lambda p: p.post(f"/proposals/{proposal_id}/volunteer", {"note": ""})
    )
    taken = int(
        psql(
            "SELECT count(*) FROM volunteerings WHERE status = 'active'"
            f" AND proposal_id = {proposal_id}"
        )
    )
    fan = people[60]
    likes = at_once(
        [fan] * 20, lambda p: p.post(f"/projects/{project_id}/appreciate", {"note": ""})
    )
    r = people[61].post(
        "/ideas/new",
        {
            "title": "Burst tool library",
            "description": "Drills.",
            "category": "environment",
            "summary": "",
            "lat": str(lat),
            "lon": str(lon),
        },
    )
    idea_id = int(r.headers["Location"].rsplit("/", 1)[1])
    conversions = at_once([people[61]] * 10, lambda p: p.post(f"/ideas/{idea_id}/make-project", {}))
    projects = int(psql(f"SELECT count(*) FROM initiatives WHERE from_idea_id = {idea_id}"))
    page = organiser.get(f"/projects/{project_id}/edit").text
    version = re.search(r'name="version"[^>]* value="(\d+)"', page)[1]

    def edit(text):
        return lambda p: p.post(
            f"/projects/{project_id}/edit",
            {
                "title": "Burst clean-up",
                "description": text,
                "category": "environment",
                "status": "active",
                "website": "",
                "summary": "",
                "lat": str(lat),
                "lon": str(lon),
                "version": version,
            },
        )

    barrier = threading.Barrier(2)

    def tab(text):
        barrier.wait()
        return edit(text)(organiser).status_code

    with ThreadPoolExecutor(2) as pool:
        edits = Counter(pool.map(tab, ["From tab one.", "From tab two."]))
    return {
        "50 volunteers for 3 places": {"responses": dict(volunteers), "active_volunteers": taken},
        "20 identical appreciations": {
            "responses": dict(likes),
            "rows": int(
                psql(f"SELECT count(*) FROM appreciations WHERE initiative_id = {project_id}")
            ),
        },
        "10 idea-to-project conversions": {"responses": dict(conversions), "projects": projects},
        "two edits of one item": {"responses": dict(edits)},
    }


# --- faults ------------------------------------------------------------------------------------


class Probes:
    """Threads asking for the map, an item and the list in a loop, each answer timed."""

    def __init__(self, base: str = PROXY, threads: int = 16):
        self.base, self.threads = base, threads
        self.results: list[tuple[float, float, object, int]] = []  # start, seconds, status, thread
        self.stop = threading.Event()

    def __enter__(self) -> Probes:
        self.pool = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for t in self.pool:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.pool:
            t.join(timeout=60)

    def _run(self, n: int) -> None:
        http = requests.Session()
        http.mount("http://", FromAddress(f"127.0.9.{n + 2}"))
        paths = ["/map/items.json", "/list", "/projects/1"]
        while not self.stop.is_set():
            path = random.choice(paths)
            params = a_view() if path == "/map/items.json" else None
            started = time.time()
            try:
                status = http.get(self.base + path, params=params, timeout=30).status_code
            except requests.RequestException:
                status = "error"
            self.results.append((started, time.time() - started, status, n))

    def between(self, start: float, end: float) -> list:
        return [r for r in self.results if start <= r[0] < end]


def database_outages(gunicorn: Gunicorn) -> list[dict]:
    out = []
    for seconds in (1, 5, 10):
        with Probes() as probes:
            time.sleep(3)
            down = time.time()
            pg("stop")
            time.sleep(seconds)
            pg("start")
            back = time.time()
            time.sleep(5)
        during = Counter(r[2] for r in probes.between(down, back))
        late = [r for r in probes.between(back + 2, back + 5) if r[2] != 200]
        first_ok = min(
            (r[0] + r[1] for r in probes.results if r[0] >= back and r[2] == 200), default=None
        )
        out.append(
            {
                "stopped_s": seconds,
                "during": dict(during),
                "not_503_during": sum(n for s, n in during.items() if s not in (200, 503)),
                "failures_2s_after_back": len(late),
                "first_success_after_back_s": round(first_ok - back, 2) if first_ok else None,
            }
        )
        log(f"database stopped {seconds} s: {out[-1]}")
    return out


def kill_a_worker(gunicorn: Gunicorn) -> dict:
    with Probes() as probes:
        time.sleep(3)
        victim = gunicorn.workers()[0]
        killed = time.time()
        os.kill(victim, signal.SIGKILL)
        time.sleep(5)
    failed = [r for r in probes.between(killed - 1, killed + 5) if r[2] != 200]
    return {
        "open_connections": probes.threads,
        "failed_requests": len(failed),
        "statuses": dict(Counter(r[2] for r in failed)),
    }


def kill_the_master(gunicorn: Gunicorn) -> dict:
    with Probes() as probes:
        time.sleep(3)
        restarts = gunicorn.restarts
        killed = time.time()
        os.kill(gunicorn.proc.pid, signal.SIGKILL)
        while gunicorn.restarts == restarts and time.time() < killed + 60:
            time.sleep(0.2)
        wait_for(f"{DIRECT}/healthz")
        back = time.time()
        time.sleep(3)
    failed = [r for r in probes.between(killed, back + 3) if r[2] != 200]
    return {
        "restarted": gunicorn.restarts > restarts,
        "back_after_s": round(back - killed, 1),
        "failed_requests": len(failed),
        "statuses": dict(Counter(r[2] for r in failed)),
    }


def slowloris(port: int, connections: int, seconds: float) -> threading.Thread:
    def hold():
        socks = []
        for _ in range(connections):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /list HTTP/1.1\r\nHost: soak\r\n")
            socks.append(s)
        until = time.time() + seconds
        while time.time() < until:
            for s in socks:
                with suppress(OSError):
                    s.sendall(b"X")
            time.sleep(1)
        for s in socks:
            s.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def slow_downloads(base: str, downloads: int, seconds: float) -> threading.Thread:
    def one(n):
        try:
            with requests.get(f"{base}/data/all.csv", stream=True, timeout=seconds + 30) as r:
                until = time.time() + seconds
                for _chunk in r.iter_content(1024):
                    if time.time() > until:
                        return
                    time.sleep(1)
        except requests.RequestException:
            pass

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(downloads)]
    for t in threads:
        t.start()
    watcher = threading.Thread(target=lambda: [t.join() for t in threads], daemon=True)
    watcher.start()
    return watcher


def map_p95_while(base: str, attack, seconds: float = 20) -> dict:
    held = attack()
    time.sleep(2)
    open_for = []  # the oldest transaction's age: a slow reader must not hold one open
    with Probes(base=base, threads=8) as probes:
        until = time.time() + seconds
        while time.time() < until:
            oldest = psql(
                "SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0)"
                f" FROM pg_stat_activity WHERE datname = '{DB}'"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            open_for.append(float(oldest))
            time.sleep(1)
    held.join(timeout=1)
    times = [r[1] for r in probes.results]
    ok = [r for r in probes.results if r[2] == 200]
    return {
        "requests": len(times),
        "ok": len(ok),
        "p95_s": round(statistics.quantiles(times, n=20)[-1], 3) if len(times) >= 20 else None,
        "oldest_transaction_s": round(max(open_for, default=0), 1),
    }


def big_bodies(gunicorn: Gunicorn) -> dict:
    def rss() -> int:
        return sum(
            int(Path(f"/proc/{p}/status").read_text().split("VmRSS:")[1].split()[0])
            for p in gunicorn.workers()
        )

    idle = rss()
    body = b"x" * (100 * 1024 * 1024)
    answers = Counter()
    for name, base in (("nginx", PROXY), ("gunicorn", DIRECT)):
        for _ in range(3):
            try:
                r = requests.post(
                    f"{base}/login",
                    data=body,
                    timeout=60,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                answers[(name, r.status_code)] += 1
            except requests.RequestException:
                answers[(name, "closed early")] += 1
    time.sleep(1)
    after = rss()
    return {
        "answers": {f"{k[0]} {k[1]}": n for k, n in answers.items()},
        "workers_rss_kb_idle": idle,
        "workers_rss_kb_after": after,
        "ratio": round(after / idle, 2),
    }


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--items", type=int, default=100_000, help="synthetic items to load")
    args = parser.parse_args()
    started = time.time()
    log(f"starting the soak's own PostgreSQL cluster on 127.0.0.1:{PG_PORT}")
    pg("start")
    log(f"preparing the data and {args.people} accounts")
    data = prepare(args.people, args.items)
    gunicorn = Gunicorn()
    report: dict = {"people": args.people, "seconds": args.seconds}
    try:
        gunicorn.start()
        nginx("start")
        people = [Person(n, e) for n, e in enumerate(data["emails"])]
        log("logging everyone in through the form")
        with ThreadPoolExecutor(16) as pool:
            people = list(pool.map(Person.log_in, people))
        world = World(data["points"])
        log(f"{args.people} people for {args.seconds} s")
        report["crowd"] = crowd(people, world, args.seconds)
        log(
            f"crowd: {report['crowd']['requests']} requests,"
            f" {report['crowd']['server_errors']} server errors"
        )
        report["lost_writes"] = lost_writes(world)
        report["bursts"] = bursts(people)
        log(f"bursts: {report['bursts']}")
        report["invariants"] = invariants()
        log(f"invariants: {report['invariants']}, lost writes: {len(report['lost_writes'])}")
        report["database_outages"] = database_outages(gunicorn)
        report["worker_killed"] = kill_a_worker(gunicorn)
        log(f"worker killed: {report['worker_killed']}")
        report["master_killed"] = kill_the_master(gunicorn)
        log(f"master killed: {report['master_killed']}")
        for name, base, port in (
            ("through nginx", PROXY, PROXY_PORT),
            ("straight to gunicorn", DIRECT, APP_PORT),
        ):
            report[f"slowloris, {name}"] = map_p95_while(
                base, lambda port=port: slowloris(port, 20, 24)
            )
            report[f"slow downloads, {name}"] = map_p95_while(
                base, lambda base=base: slow_downloads(base, 16, 24)
            )
            log(
                f"{name}: slowloris {report[f'slowloris, {name}']},"
                f" slow downloads {report[f'slow downloads, {name}']}"
            )
        report["big_bodies"] = big_bodies(gunicorn)
        log(f"100 MB bodies: {report['big_bodies']}")
        report["invariants_at_the_end"] = invariants()
    finally:
        nginx("stop")
        gunicorn.stop()
        pg("stop")
    report["took_s"] = round(time.time() - started)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"soak-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    log(f"results in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
