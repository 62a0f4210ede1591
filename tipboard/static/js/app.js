// On every page: the service worker (the tip form with no connection), the store of reports kept
// on this phone (tip-form.js), and the header menu closing on Escape or a tap elsewhere.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); });
  }

  // Reports kept in IndexedDB: "draft" (the one being written) and "queued:<key>" (waiting to be sent).
  function open() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open("tipboard", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("reports"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("reports", mode), request = work(tx.objectStore("reports"));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  var store = window.tipboardReports = {
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
    put: function (key, value) { return run("readwrite", function (s) { return s.put(value, key); }); },
    del: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    queued: function () {
      return run("readonly", function (s) { return s.getAll(); }).then(function (all) {
        return (all || []).filter(function (r) { return r && r.queued; }).sort(function (a, b) { return a.saved - b.saved; });
      });
    }
  };

  // The receipt page: the report sent the ordinary way has arrived; it is no longer kept.
  if (document.getElementById("tracking-secret")) {
    store.get("draft").then(function (draft) { if (draft && draft.sent) return store.del("draft"); }).catch(function () {});
  }

  // A table wider than the phone scrolls sideways in its wrapper: reachable by keyboard too.
  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) wrap.tabIndex = 0;
  });

  // Maps (Leaflet, loaded by the pages that draw one): tiles by setting, zoom buttons in the
  // reader's language, and on GCJ-02 tiles (Amap) points shifted for display and clicks shifted
  // back, so the database keeps WGS-84. The transform is tipboard/geo_china.py's.
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  function outOfChina(lat, lon) { return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271); }
  function delta(lat, lon) {
    var x = lon - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLat += common + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dLon += common + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    dLon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var rad = lat / 180.0 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    return [(dLat * 180.0) / ((A * (1 - EE)) / (magic * sq) * PI), (dLon * 180.0) / (A / sq * Math.cos(rad) * PI)];
  }
  function wgsToGcj(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var d = delta(lat, lon);
    return [lat + d[0], lon + d[1]];
  }
  function gcjToWgs(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var w = [lat, lon];
    for (var i = 0; i < 30; i++) {
      var g = wgsToGcj(w[0], w[1]), eLat = g[0] - lat, eLon = g[1] - lon;
      if (Math.abs(eLat) < 1e-9 && Math.abs(eLon) < 1e-9) break;
      w = [w[0] - eLat, w[1] - eLon];
    }
    return w;
  }
  function settings() {
    try { return JSON.parse(document.body.dataset.map || "{}"); } catch (e) { return {}; }
  }
  function gcj() { return settings().datum === "gcj02"; }
  window.tipboardMap = {
    wgsToGcj: wgsToGcj,
    gcjToWgs: gcjToWgs,
    // [lat, lon] in WGS-84 to where it is drawn on these tiles, and back.
    toMap: function (lat, lon) { return gcj() ? wgsToGcj(lat, lon) : [lat, lon]; },
    fromMap: function (lat, lon) { return gcj() ? gcjToWgs(lat, lon) : [lat, lon]; },
    create: function (el, center, zoom, tiles, attribution) {
      var options = settings();
      var map = L.map(el, { zoomControl: false }).setView(this.toMap(center[0], center[1]), zoom);
      L.control.zoom({ zoomInTitle: options.zoomIn || "+", zoomOutTitle: options.zoomOut || "-" }).addTo(map);
      var layer = { maxZoom: 18, attribution: attribution, subdomains: options.subdomains || "abc" };
      L.tileLayer(tiles, layer).addTo(map);
      if (options.labels) L.tileLayer(options.labels, { maxZoom: 18, subdomains: layer.subdomains }).addTo(map);
      return map;
    }
  };

  var menu = document.querySelector("details.menu");
  if (menu) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (e) { if (menu.open && !menu.contains(e.target)) menu.open = false; });
  }
})();
