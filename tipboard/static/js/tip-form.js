// Enhancements for the tip form: geolocation, a map pin (Leaflet, loaded only when asked for),
// and a live look for similar open reports nearby. The form works fully without this file.
(function () {
  "use strict";
  var form = document.getElementById("tip-form");
  if (!form) return;
  var tools = form.querySelector(".location-tools");
  if (tools) tools.hidden = false;
  var lat = form.querySelector("#lat"), lon = form.querySelector("#lon");
  var status = document.getElementById("location-status");
  var category = form.querySelector("#category");
  var live = document.getElementById("nearby-live");
  var bounds = form.dataset.bounds.split(",").map(Number);
  var map = null, marker = null;

  function inArea(a, b) { return a >= bounds[0] && a <= bounds[2] && b >= bounds[1] && b <= bounds[3]; }

  function setPoint(a, b, note) {
    lat.value = a.toFixed(6); lon.value = b.toFixed(6);
    status.textContent = note + " " + lat.value + ", " + lon.value;
    if (map) {
      var shown = window.tipboardMap.toMap(a, b);
      if (marker) marker.setLatLng(shown); else marker = L.marker(shown).addTo(map);
    }
    checkNearby();
  }

  function checkNearby() {
    if (!lat.value || !category.value) return;
    var url = form.dataset.nearbyUrl + "?category=" + encodeURIComponent(category.value) +
      "&lat=" + lat.value + "&lon=" + lon.value;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        live.innerHTML = html;
        form.querySelector("#nearby_checked").value = html.trim() ? "1" : "";
      }).catch(function () {});
  }

  document.getElementById("use-my-location").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = status.dataset.unsupported || ""; return; }
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var a = pos.coords.latitude, b = pos.coords.longitude;
      if (!inArea(a, b)) { status.textContent = "⚠ " + a.toFixed(4) + ", " + b.toFixed(4); return; }
      setPoint(a, b, "✓");
    }, function () { status.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 15000 });
  });

  function loadLeaflet(done) {
    if (window.L) return done();
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = form.dataset.leafletCss; document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = form.dataset.leafletJs; js.onload = done; document.head.appendChild(js);
  }

  document.getElementById("pick-on-map").addEventListener("click", function () {
    var el = document.getElementById("map");
    el.hidden = false;
    loadLeaflet(function () {
      if (map) return;
      var c = form.dataset.center.split(",").map(Number);
      var maps = window.tipboardMap;
      var start = lat.value ? [Number(lat.value), Number(lon.value)] : c;
      map = maps.create(el, start, 16, form.dataset.tiles, form.dataset.attribution);
      map.on("click", function (e) {  // the click is where it is on these tiles: back to WGS-84
        var p = maps.fromMap(e.latlng.lat, e.latlng.lng);
        if (inArea(p[0], p[1])) setPoint(p[0], p[1], "✓");
      });
      if (lat.value) marker = L.marker(maps.toMap(Number(lat.value), Number(lon.value))).addTo(map);
    });
  });
  category.addEventListener("change", checkNearby);

  // Reports kept on the phone (IndexedDB, app.js): the report being written, photos
  // included, survives a closed tab; a report sent with no connection (or whose receipt never
  // came) is queued and sent when the link returns, with a fresh form token, under the key drawn
  // for it (the server stores a report sent twice once).
  var store = window.tipboardReports;
  var note = document.getElementById("offline-status");
  var keyField = form.querySelector("#submission_key");
  var files = form.querySelector("#photos");
  var loadedOffline = !navigator.onLine;
  var photos = [];

  function say(what) {
    if (!note) return;
    note.textContent = note.dataset[what] || "";
    note.hidden = !note.textContent;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function snapshot() {
    var values = {}, checks = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox") checks[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else values[el.name] = el.value;
    });
    return { key: keyField.value, values: values, checks: checks, photos: photos.slice(), saved: Date.now() };
  }

  function restore(report) {
    Object.keys(report.values).forEach(function (name) {
      var els = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") el.checked = el.value === report.values[name];
        else if (!el.value || el.type === "hidden" || el.tagName === "SELECT") el.value = report.values[name];
      });
    });
    Object.keys(report.checks).forEach(function (name) {
      var el = form.querySelector('input[type=checkbox][name="' + name + '"]');
      if (el) el.checked = report.checks[name];
    });
    photos = report.photos || [];
    if (photos.length && files && window.DataTransfer) {
      try {
        var dt = new DataTransfer();
        photos.forEach(function (f) { dt.items.add(f); });
        files.files = dt.files;
      } catch (e) { /* the photos stay in the kept report and go with it */ }
    }
    if (lat.value && status) status.textContent = "✓ " + lat.value + ", " + lon.value;
  }

  var saving = null;
  function saveDraft() {
    clearTimeout(saving);
    saving = setTimeout(function () { store.put("draft", snapshot()).catch(function () {}); }, 300);
  }

  function send(report) {
    // A fresh token from a fresh form (the page may have come from the cache, hours ago).
    // (Not form.action: offline, the worker may have answered another address with this form.)
    var url = note.dataset.formUrl;
    return fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("form " + r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
        var body = new FormData();
        body.append("csrf_token", fresh ? fresh.value : "");
        Object.keys(report.values).forEach(function (name) { body.append(name, report.values[name]); });
        Object.keys(report.checks).forEach(function (name) { if (report.checks[name]) body.append(name, "y"); });
        (report.photos || []).forEach(function (f) { body.append("photos", f, f.name); });
        return fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
      });
  }

  function sendQueued() {
    if (!navigator.onLine) return Promise.resolve();
    return store.queued().then(function (reports) {
      var report = reports[0];
      if (!report) return;
      say("sending");
      return send(report).then(function (response) {
        if (response.type === "opaqueredirect") {  // stored: the receipt waits in the session
          return store.del("queued:" + report.key).then(function () { location.assign(note.dataset.receiptUrl); });
        }
        if (response.status === 400 || response.status === 200) {
          // The station asks for a correction (or shows similar reports): back into the form.
          report.queued = false;
          return store.del("queued:" + report.key).then(function () { return store.put("draft", report); })
            .then(function () { sessionStorage.setItem("tipboard-check", "1"); location.assign(note.dataset.formUrl); });
        }
        say("queued");  // busy or down: tried again when the link returns
      }, function () { say("queued"); });
    }).catch(function () {});
  }

  if (store && keyField) {
    store.get("draft").then(function (draft) {
      if (draft && draft.sent && draft.key === keyField.value) {
        // This page is the station's answer to that report (a correction, similar reports):
        // its photos are kept there now, and the report is a draft again.
        draft.sent = false;
        draft.photos = [];
        return store.put("draft", draft);
      }
      if (draft && draft.sent) {  // sent, but no receipt was seen: send again (stored once)
        draft.queued = true;
        return store.put("queued:" + draft.key, draft).then(function () { return store.del("draft"); });
      }
      if (draft && !form.querySelector("#description").value) { restore(draft); say("restored"); }
    }).catch(function () {}).then(function () {
      if (!keyField.value) keyField.value = newKey();
      if (sessionStorage.getItem("tipboard-check")) { sessionStorage.removeItem("tipboard-check"); say("check"); }
      return store.queued().then(function (q) { if (q.length) { say("queued"); sendQueued(); } });
    }).catch(function () {});

    form.addEventListener("input", saveDraft);
    form.addEventListener("change", function (e) {
      if (e.target === files) photos = Array.prototype.slice.call(files.files);
      saveDraft();
    });
    form.addEventListener("submit", function (e) {
      clearTimeout(saving);
      var report = snapshot();
      if (navigator.onLine && !loadedOffline) {
        // Sent the ordinary way; kept until the receipt page shows (app.js clears it there).
        // "Continue with this category" only asks for the category's questions: still a draft.
        if (!(e.submitter && e.submitter.name === "show_questions")) report.sent = true;
        store.put("draft", report).catch(function () {});
        return;
      }
      e.preventDefault();
      report.queued = true;
      store.put("queued:" + report.key, report).then(function () { return store.del("draft"); }).then(function () {
        form.reset();
        photos = [];
        keyField.value = newKey();
        say("queued");
        window.scrollTo(0, 0);
        return sendQueued();
      }, function () { form.submit(); });
    });
    window.addEventListener("online", sendQueued);
  }
})();
