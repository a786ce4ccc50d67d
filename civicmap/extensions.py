"""Extension objects, created once and bound to the app in create_app."""

import psycopg
from flask import g, has_request_context, request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    pass


class RoutingSession(FlaskSession):
    """The request's session: bound to the read replica's engine when civicmap/replica.py
    routed this request there, else to the primary as usual."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = g.get("replica_engine") if has_request_context() else None
        if engine is not None and bind is None:
            return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Parts of the site that only answer GET: nothing there is limited, so skip Flask-Limiter's
# per-request lookup of limits (measured: 8 % of a map request's Python time). A test checks
# that these blueprints still have no route that writes.
READ_ONLY_BLUEPRINTS = frozenset({"map", "areas", "api", "ogc", "opendata", "health"})


def end_request_session(_exc=None) -> None:
    """End the request's session before Flask-SQLAlchemy's own teardown does (teardowns run
    last-registered first). If the database went away after the answer was made, ending it
    fails; the connection is then thrown away instead, so the person still gets the answer
    rather than a 500 from the teardown."""
    try:
        db.session.remove()
    except DBAPIError:
        db.session().invalidate()  # the session the scope holds (scoped_session has no proxy)
        db.session.remove()


@limiter.request_filter
def _read_only_part() -> bool:
    return request.blueprint in READ_ONLY_BLUEPRINTS


def read_connection(session: Session | scoped_session) -> Connection:
    """The session's connection outside a transaction, for public reads of single statements.

    A transaction ended by ROLLBACK costs two round trips (BEGIN, ROLLBACK) and makes psycopg
    drop the statements it prepared on that connection; without one, the map's few statement
    shapes stay prepared (measured: 1.3-1.6x the requests per second on the cheapest views).
    Inside a transaction already begun (a caller's, or a test's) the read joins it instead.
    """
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction() or isinstance(current.get_bind(), Connection):
        return session.connection()
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def read_now(session: Session | scoped_session, sql: str, params: dict | None = None) -> tuple:
    """One row of one SQL statement (psycopg's %(name)s parameters), in one round trip: on a
    pooled connection's driver in autocommit while the session holds no connection (a kept
    page: joining the session, autobegun by then, would add a BEGIN and a ROLLBACK, and
    SQLAlchemy's execute path costs more Python than the query); on the session's own
    connection once it holds one, so a request never waits for a second connection while
    holding a first (fifty at once would empty the pool and wait on each other) and sees what
    it wrote. A database that is down raises OperationalError: the usual 503 "try again"."""
    current = session() if isinstance(session, scoped_session) else session
    bind = current.get_bind()
    if current.info.get(HOLDS_CONNECTION) or isinstance(bind, Connection):
        return tuple(current.connection().exec_driver_sql(sql, params or {}).one())
    try:
        connection = bind.raw_connection()
    except psycopg.Error as exc:
        raise OperationalError(sql, params, exc) from exc
    try:
        driver = connection.driver_connection
        driver.autocommit = True
        row = driver.execute(sql, params).fetchone()
        driver.autocommit = False
        return row
    except psycopg.Error as exc:
        connection.invalidate()  # a connection the server dropped is not given out again
        raise OperationalError(sql, params, exc) from exc
    finally:
        connection.close()  # back to the pool


HOLDS_CONNECTION = "holds_connection"


@event.listens_for(RoutingSession, "after_begin")
def _holds_connection(session, _transaction, _connection) -> None:
    session.info[HOLDS_CONNECTION] = True


@event.listens_for(RoutingSession, "after_transaction_end")
def _released_connection(session, transaction) -> None:
    if transaction.parent is None:  # the outermost: its connection goes back to the pool
        session.info.pop(HOLDS_CONNECTION, None)
