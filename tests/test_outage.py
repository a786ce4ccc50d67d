"""A database outage answers 503 "try again" with Retry-After, never 500; what a person posted
comes back on the page; the first request after the database is back succeeds.

The app reaches the test database through a small TCP relay on loopback that the test can cut:
connections in use are dropped and new ones refused, as when PostgreSQL restarts.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading

import pytest
import sqlalchemy as sa

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import db


class Relay:
    """Forwards loopback connections to PostgreSQL until cut; `restore` listens again."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = 0
        self.pipes: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop those in use."""
        with contextlib.suppress(OSError):  # shutdown wakes the thread blocked in accept()
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for pipe in self.pipes:
                with contextlib.suppress(OSError):
                    pipe.shutdown(socket.SHUT_RDWR)
                pipe.close()
            self.pipes.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.pipes += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()


@pytest.fixture
def relayed(app):
    """(relay, test client) of an app whose database connections go through the relay."""
    url = sa.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    relay = Relay(url.port or 5432)

    class ThroughRelay(TestConfig):
        SQLALCHEMY_DATABASE_URI = url.set(port=relay.port).render_as_string(hide_password=False)
        PAGE_CACHE = True  # kept pages too: their data's snapshot is read before they are served

    relayed_app = create_app(ThroughRelay)

    @relayed_app.get("/_lost_after_answering")
    def lost_after_answering():
        db.session.execute(sa.text("SELECT 1"))  # a transaction is open...
        relay.cut()  # ...when the database goes, after the answer is made
        return "made"

    yield relay, relayed_app.test_client()
    relay.cut()
    with relayed_app.app_context():
        db.engine.dispose()


PAGES = ["/list", "/areas", "/api/v1/projects", "/map/items.json?bbox=-0.15,51.44,-0.09,51.47"]


def test_every_request_during_an_outage_is_a_503_to_try_again(relayed):
    relay, client = relayed
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/areas").headers["X-Civicmap-Cache"] == "hit"
    relay.cut()
    for _ in range(2):  # the dropped pooled connection, then a refused new one
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 503, (url, response.get_data(as_text=True)[:300])
            assert response.headers["Retry-After"] == "1"
            text = response.get_data(as_text=True)
            assert "try again" in text.lower()
            assert "127.0.0.1" not in text and str(relay.port) not in text


def test_the_first_request_after_the_database_is_back_succeeds(relayed):
    relay, client = relayed
    assert client.get("/list").status_code == 200
    relay.cut()
    assert client.get("/list").status_code == 503
    relay.restore()
    assert client.get("/list").status_code == 200
    assert client.get("/api/v1/projects").status_code == 200


def test_a_form_posted_during_an_outage_comes_back_to_send_again(relayed):
    relay, client = relayed
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)[1]
    relay.cut()
    response = client.post(
        "/login",
        data={"email": "ada@example.org", "password": "secret words", "csrf_token": token},
    )
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert 'value="ada@example.org"' in text  # kept, in a "Try again" form
    assert "Try again" in text
    assert "secret words" not in text  # never a password


def test_a_database_lost_after_the_answer_is_made_still_sends_the_answer(relayed):
    relay, client = relayed
    response = client.get("/_lost_after_answering")  # the teardown's rollback fails
    assert response.status_code == 200 and response.get_data(as_text=True) == "made"
    relay.restore()
    assert client.get("/list").status_code == 200
