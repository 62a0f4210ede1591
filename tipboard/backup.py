"""Consistent backups of the database and the photos, and restoring them.

SQLite: the online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: ``pg_dump`` in custom format (a consistent snapshot by MVCC), ``pg_restore --clean``.
The archive is one .tar.gz with the database, the photo directory and a manifest of row counts.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with argument lists, never a shell
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from tipboard.extensions import db

MANIFEST = "manifest.json"


def _libpq_url(url: sa.engine.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


def backup(target: Path) -> dict:
    """Write a backup archive to ``target``; returns the manifest."""
    engine = db.engine
    photos = Path(current_app.config["PHOTO_DIR"])
    target = Path(target)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if engine.dialect.name == "sqlite":
            source = sqlite3.connect(engine.url.database)
            dest = sqlite3.connect(tmp / "database.sqlite3")
            with dest:
                source.backup(dest)
            source.close()
            dest.close()
            db_file = "database.sqlite3"
        else:
            db_file = "database.pgdump"
            subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--file={tmp / db_file}",
                    _libpq_url(engine.url),
                ],
                check=True,
                capture_output=True,
            )  # nosec B603 B607
        manifest = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "backend": engine.dialect.name,
            "database": db_file,
            "rows": _counts(),
            "photos": sorted(p.name for p in photos.glob("*") if p.is_file()),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(target, "w:gz") as archive:
            archive.add(tmp / MANIFEST, arcname=MANIFEST)
            archive.add(tmp / db_file, arcname=db_file)
            for name in manifest["photos"]:
                archive.add(photos / name, arcname=f"photos/{name}")
    return manifest


def restore(source: Path) -> dict:
    """Replace this installation's database and photos with the backup's."""
    engine = db.engine
    photos = Path(current_app.config["PHOTO_DIR"])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        manifest = json.loads((tmp / MANIFEST).read_text())
        if manifest["backend"] != engine.dialect.name:
            raise ValueError(
                f"this backup is from {manifest['backend']}, the database is {engine.dialect.name}"
            )
        db.session.remove()
        engine.dispose()
        if engine.dialect.name == "sqlite":
            target = Path(engine.url.database)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            restored = sqlite3.connect(tmp / manifest["database"])
            live = sqlite3.connect(target)
            with live:
                restored.backup(live)
            restored.close()
            live.close()
        else:
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={_libpq_url(engine.url)}",
                    str(tmp / manifest["database"]),
                ],
                check=True,
                capture_output=True,
            )  # nosec B603 B607
        photos.mkdir(parents=True, exist_ok=True)
        for item in (tmp / "photos").glob("*") if (tmp / "photos").exists() else []:
            shutil.copy2(item, photos / item.name)
    return manifest
