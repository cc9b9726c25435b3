"""
Benchmark server for the Python ActingWeb reference (bench/reference.ts starts it).

A minimal Flask app with the reference's ActingWebApp on its PostgreSQL backend, served by
waitress in one process with quiet logging (the reference's LOG_LEVEL=WARN, and waitress's
per-request "Task queue depth" warnings off). Configuration comes from the environment:

  AW_PY_PORT      port to listen on (127.0.0.1)
  AW_PY_THREADS   waitress worker threads (default 8)
  PG_DB_*         the reference's own PostgreSQL settings (host, port, name, user, schema);
                  PG_POOL_MAX_SIZE its connection pool size. The schema must be migrated
                  (migrate_reference.py).

Prints one line `{"ready": true, "port": N}` once it accepts connections.
"""

import json
import logging
import os
import sys

os.environ.setdefault("LOG_LEVEL", "WARN")

from flask import Flask  # noqa: E402
from waitress import create_server  # noqa: E402

from actingweb.interface import ActingWebApp  # noqa: E402

QUIET = {"actingweb": logging.WARNING, "waitress": logging.ERROR}


def quiet_logging() -> None:
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
quiet_logging()

port = int(os.environ["AW_PY_PORT"])
threads = int(os.environ.get("AW_PY_THREADS", "8"))

aw_app = (
    ActingWebApp(
        aw_type="urn:actingweb:bench.example:reference",
        database="postgresql",
        fqdn=f"127.0.0.1:{port}",
        proto="http://",
    )
    .with_web_ui(enable=False)
    .with_devtest(enable=False)
    .with_unique_creator(enable=False)
    .with_email_as_creator(enable=False)
)

flask_app = Flask(__name__)
aw_app.integrate_flask(flask_app)
quiet_logging()  # integrating leaves the reference's loggers at DEBUG (a Config built with defaults)

server = create_server(flask_app, host="127.0.0.1", port=port, threads=threads)
print(json.dumps({"ready": True, "port": port}), flush=True)
server.run()
