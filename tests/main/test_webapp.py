"""The installable web app: manifest, icons, favicon and the service worker that keeps the tip form."""

import io
import json
import re

from PIL import Image

from tipboard.main import webapp


def test_every_page_links_the_manifest_icons_and_app_script(client):
    html = client.get("/tips/track").data.decode()
    for href in ('rel="manifest" href="/manifest.webmanifest"', 'href="/favicon.ico"', "/static/js/app.js"):
        assert href in html


def test_manifest_names_the_app_in_the_readers_language_with_real_icons(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "zh-CN"})
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert "魏村派出所" in manifest["name"]
    purposes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).data))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
        purposes.add(icon["purpose"])
    assert purposes == {"any", "maskable"}
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    english = json.loads(client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).data)
    assert "Weicun Community Police Station" in english["name"]


def test_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "ICO" and (32, 32) in image.info["sizes"]


def test_service_worker_is_served_from_the_root_and_precaches_what_exists(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert (
        response.headers["Service-Worker-Allowed"] == "/" and response.headers["Cache-Control"] == "no-cache"
    )
    body = response.data.decode()
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    assert precache[0] == "/tips/new" and "/static/js/tip-form.js" in precache
    for url in precache:
        assert client.get(url).status_code == 200, url
    assert 'request.method !== "GET"' in body  # reports are never replayed by the worker


def test_a_changed_static_file_gives_a_new_worker_version(app, tmp_path):
    for name in webapp.OFFLINE_STATIC:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")
    first = webapp._static_version(str(tmp_path))
    (tmp_path / webapp.OFFLINE_STATIC[0]).write_text("two")
    webapp._static_version.cache_clear()
    assert webapp._static_version(str(tmp_path)) != first
    webapp._static_version.cache_clear()


def test_push_is_imported_only_when_its_script_is_installed(app, client, tmp_path, monkeypatch):
    assert ("push-sw.js" in client.get("/sw.js").data.decode()) == (
        (webapp.Path(app.static_folder) / "js" / "push-sw.js").exists()
    )
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "push-sw.js").write_text("// push")
    for name in webapp.OFFLINE_STATIC:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    body = client.get("/sw.js").data.decode()
    assert 'importScripts("/static/js/push-sw.js")' in body
    webapp._static_version.cache_clear()


def test_tip_form_carries_the_offline_notes_and_a_key_field(client):
    html = client.get("/tips/new").data.decode()
    assert 'id="offline-status"' in html and 'data-receipt-url="/tips/receipt"' in html
    assert 'name="submission_key"' in html
