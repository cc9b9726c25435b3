"""
Where the Python reference's time goes on the benchmarked request, by subtraction: CPU time
per call (one thread, no HTTP server, no profiler) of

  1. the reference's whole WSGI app answering GET /{id}/properties/name (creator Basic auth);
  2. a bare Flask route answering a small JSON body (Flask + Werkzeug's own cost);
  3. the reference's two storage reads for that request, through its own PostgreSQL layer
     (DbActor.get, DbProperty.get: each checks a pooled connection out, runs one SELECT, commits);
  4. one `SELECT 1` on a connection held open (psycopg's cost of one round trip).

The rest of (1) is the reference's own handler code. It also lists the statements psycopg sends per
request (through psycopg 3.3's internal hooks; skipped if they differ). Run with the same environment as
reference_app.py (PYTHONPATH, PG_DB_*; the schema migrated):

  python breakdown_reference.py [requests]
"""

import base64
import collections
import logging
import os
import sys
import time

os.environ.setdefault("LOG_LEVEL", "WARN")

import psycopg  # noqa: E402
from flask import Flask, jsonify  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from actingweb.db.postgresql.actor import DbActor  # noqa: E402
from actingweb.db.postgresql.connection import get_connection_string, get_schema_name  # noqa: E402
from actingweb.db.postgresql.property import DbProperty  # noqa: E402
from actingweb.interface import ActingWebApp  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def wsgi_caller(app, environ):
    def call():
        status = []
        body = app(dict(environ), lambda s, headers, exc_info=None: status.append(s))
        b"".join(body)
        getattr(body, "close", lambda: None)()
        if not status[0].startswith("200"):
            raise RuntimeError(status[0])

    return call


def cpu_us(label, call):
    for _ in range(min(200, N)):
        call()
    start = time.process_time()
    for _ in range(N):
        call()
    us = (time.process_time() - start) * 1e6 / N
    print(f"  {us:7.0f} µs  {label}")
    return us


aw_app = (
    ActingWebApp(
        aw_type="urn:actingweb:bench.example:reference",
        database="postgresql",
        fqdn="127.0.0.1",
        proto="http://",
    )
    .with_web_ui(enable=False)
    .with_devtest(enable=False)
    .with_unique_creator(enable=False)
    .with_email_as_creator(enable=False)
)
reference = Flask("reference")
aw_app.integrate_flask(reference)
# As reference_app.py: integrating leaves the reference's loggers at DEBUG.
logging.getLogger("actingweb").setLevel(logging.WARNING)
client = reference.test_client()
created = client.post("/", json={"creator": "breakdown@example.com"}).get_json()
actor_id, passphrase = created["id"], created["passphrase"]
auth = "Basic " + base64.b64encode(f"breakdown@example.com:{passphrase}".encode()).decode()
path = f"/{actor_id}/properties/name"
assert client.put(path, json="Alice", headers={"Authorization": auth}).status_code < 300

bare = Flask("bare")
bare.add_url_rule("/<actor_id>/properties/<name>", "get", lambda actor_id, name: jsonify("Alice"))

actors, properties = DbActor(), DbProperty()
held = psycopg.connect(get_connection_string(), autocommit=True)
held.execute(f'SET search_path TO "{get_schema_name()}"')

print(f"CPU per call, {N} calls each, one thread:")
whole = cpu_us(
    "the reference's WSGI app: GET /{id}/properties/name",
    wsgi_caller(reference.wsgi_app, EnvironBuilder(path=path, headers={"Authorization": auth}).get_environ()),
)
flask_only = cpu_us(
    "bare Flask route, same path, JSON answer",
    wsgi_caller(bare.wsgi_app, EnvironBuilder(path=path).get_environ()),
)
storage = cpu_us(
    "the reference's storage reads (DbActor.get + DbProperty.get)",
    lambda: (actors.get(actor_id), properties.get(actor_id, "name")),
)
round_trip = cpu_us("one SELECT 1 on a held connection", lambda: held.execute("SELECT 1").fetchone())
print(
    f"Shares of the WSGI app: Flask+Werkzeug {flask_only / whole:.0%}, storage reads {storage / whole:.0%} "
    f"(~{storage / round_trip:.1f} round-trip equivalents), the reference's handler code "
    f"{(whole - flask_only - storage) / whole:.0%}"
)


def statements_per_request(call, requests=100):
    """What psycopg sends per call: queries and BEGIN/COMMIT (psycopg 3.3 internals)."""
    from psycopg import _connection_base, _cursor_base

    counts = collections.Counter()
    exec_command = _connection_base.BaseConnection._exec_command
    start_query = _cursor_base.BaseCursor._start_query

    def counting_exec_command(self, command, *args, **kwargs):
        counts[bytes(command).decode()] += 1
        return exec_command(self, command, *args, **kwargs)

    def counting_start_query(self, query=None):
        text = " ".join(str(getattr(query, "query", query) or "").split())
        counts[text[:70] or "(empty query: the pool's connection check)"] += 1
        return start_query(self, query)

    _connection_base.BaseConnection._exec_command = counting_exec_command
    _cursor_base.BaseCursor._start_query = counting_start_query
    try:
        for _ in range(requests):
            call()
    finally:
        _connection_base.BaseConnection._exec_command = exec_command
        _cursor_base.BaseCursor._start_query = start_query
    return {k: v / requests for k, v in counts.items()}


try:
    sent = statements_per_request(
        wsgi_caller(reference.wsgi_app, EnvironBuilder(path=path, headers={"Authorization": auth}).get_environ())
    )
    print(f"Statements psycopg sends per request ({sum(sent.values()):.0f} round trips):")
    for text, n in sorted(sent.items(), key=lambda item: -item[1]):
        print(f"  {n:4.1f}  {text}")
except (ImportError, AttributeError) as e:
    print(f"(statement count skipped: {e})")
