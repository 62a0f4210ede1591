"""An anonymous tip leaves no trace of who sent it: not in the database, photos or logs."""

from __future__ import annotations

import io
import logging
import struct
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import make_app
from tests.factories import CategoryFactory
from tests.security.images import LAT, LON, jpeg_with_gps
from tipboard.extensions import db
from tipboard.tips.models import Tip

REMOTE_ADDR = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "AnonProbe/9.9 (distinctive-ua-7f3a; Android 14)"


def _needles() -> list[bytes]:
    texts = [
        REMOTE_ADDR,
        FORWARDED,
        "distinctive-ua-7f3a",
        "AnonProbe",
        "DistinctiveCameraMaker",
        f"{LAT:.3f}",
        f"{LON:.3f}",
        f"{LAT:.4f}",
        f"{LON:.4f}",
        f"{LAT:.3f}"[:-1] + str(int(LAT * 10000) % 10),
        "47.123",
        "31.987",
        "47123",
        "31987",
        "31°13",
        "121°28",
    ]
    needles = [t.encode() for t in texts]
    for n, d in ((47123, 1000), (31987, 1000)):  # the EXIF rationals, both byte orders
        needles += [struct.pack(">II", n, d), struct.pack("<II", n, d)]
    return needles


def _dump_database() -> str:
    lines = []
    with db.engine.connect() as conn:
        for table_name in sa.inspect(conn).get_table_names():
            table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
            for row in conn.execute(sa.select(table)):
                lines.append(f"{table_name}: {tuple(row)!r}")
    return "\n".join(lines)


@pytest.fixture(params=[0, 1], ids=["direct", "behind-proxy"])
def anon_app(request, fresh_app, tmp_path):
    """Real commits on its own database (``fresh_app`` turns the rolled-back transaction off)."""
    application = make_app(fresh_app.config["DATABASE_URL"], tmp_path / "anon", PROXY_COUNT=request.param)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_anonymous_tip_leaves_no_trace(anon_app, caplog):
    photo = jpeg_with_gps()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    with anon_app.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    client = anon_app.test_client()
    environ = {"REMOTE_ADDR": REMOTE_ADDR}
    headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED}
    response = client.post(
        "/tips/new",
        environ_base=environ,
        headers=headers,
        data={
            "category": str(category_id),
            "description": "Broken manhole cover by the school gate",
            "address": "No. 12 Example Road",
            "anonymous": "y",
            "contact_preference": "inbox",
            "photos": (io.BytesIO(photo), "IMG_0001.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "/tips/receipt" in response.headers["Location"]
    client.get("/tips/receipt", environ_base=environ, headers=headers)

    with anon_app.app_context():
        tips = db.session.scalars(sa.select(Tip)).all()
        assert len(tips) == 1 and tips[0].reporter_id is None
        db.session.remove()
        dump = _dump_database()
    assert "Broken manhole cover" in dump, dump[:3000]  # the dump really holds the tip

    photo_dir = Path(anon_app.config["PHOTO_DIR"])
    files = [p for p in photo_dir.rglob("*") if p.is_file()]
    assert len(files) >= 2, files  # the photo and its thumbnail
    haystacks = {"database": dump.encode(), "log": caplog.text.encode()}
    for path in files:
        haystacks[f"photo {path.name}"] = path.read_bytes()
    outbox = Path(anon_app.config["INSTANCE_DIR"]) / "outbox.log"
    if outbox.exists():
        haystacks["outbox.log"] = outbox.read_bytes()
    found = [(where, needle) for where, data in haystacks.items() for needle in _needles() if needle in data]
    assert not found, (found, caplog.text[-3000:])
    from PIL import Image

    for path in files:
        with Image.open(path) as stored:
            assert not stored.getexif().get_ifd(0x8825)
            assert "exif" not in stored.info


def test_the_development_server_log_has_no_client_address(app, caplog):
    """`make run` serves with Werkzeug, whose request log starts with the client's address."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz") as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(5)
    lines = [
        r.getMessage() for r in caplog.records if r.name == "werkzeug" and "GET /healthz" in r.getMessage()
    ]
    assert lines and not any("127.0.0.1" in line for line in lines), lines
