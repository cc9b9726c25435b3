"""
Creates the Python reference's PostgreSQL tables in a schema: its own Alembic migrations
(`alembic upgrade head` with the reference's alembic.ini), as its docs prescribe.

  python migrate_reference.py       (PG_DB_HOST/PORT/NAME/USER/PASSWORD and PG_DB_SCHEMA set)

The reference's migrations read the database from PG_DB_URL. SQLAlchemy 2 talks to psycopg 3
(`postgresql+psycopg`); SQLAlchemy 1.4 (Debian 12) only to psycopg2, which is then used here.
Only the migration uses SQLAlchemy; the server uses psycopg 3 directly.
"""

import os
from pathlib import Path
from urllib.parse import quote

import sqlalchemy
from alembic import command
from alembic.config import Config

import actingweb

driver = "psycopg" if int(sqlalchemy.__version__.split(".")[0]) >= 2 else "psycopg2"
user = os.environ.get("PG_DB_USER", "actingweb")
password = os.environ.get("PG_DB_PASSWORD", "")
credentials = f"{quote(user)}:{quote(password)}" if password else quote(user)
host = os.environ.get("PG_DB_HOST", "localhost")
port = os.environ.get("PG_DB_PORT", "5432")
database = os.environ.get("PG_DB_NAME", "actingweb")
os.environ["PG_DB_URL"] = f"postgresql+{driver}://{credentials}@{host}:{port}/{database}"

ini = Path(actingweb.__file__).parent / "db" / "postgresql" / "alembic.ini"
command.upgrade(Config(str(ini)), "head")
