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
    if (map) { if (marker) marker.setLatLng([a, b]); else marker = L.marker([a, b]).addTo(map); }
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
      map = L.map(el).setView(lat.value ? [Number(lat.value), Number(lon.value)] : c, 16);
      L.tileLayer(form.dataset.tiles, { maxZoom: 19, attribution: form.dataset.attribution }).addTo(map);
      map.on("click", function (e) {
        if (inArea(e.latlng.lat, e.latlng.lng)) setPoint(e.latlng.lat, e.latlng.lng, "✓");
      });
      if (lat.value) marker = L.marker([Number(lat.value), Number(lon.value)]).addTo(map);
    });
  });
  category.addEventListener("change", checkNearby);

  // Offline draft: the description and address survive a lost connection or a closed tab.
  var key = "tipboard-draft";
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
  ["description", "address"].forEach(function (name) {
    var el = form.querySelector("#" + name);
    if (el && !el.value && saved[name]) el.value = saved[name];
    if (el) el.addEventListener("input", function () {
      saved[name] = el.value; try { localStorage.setItem(key, JSON.stringify(saved)); } catch (e) {}
    });
  });
  form.addEventListener("submit", function () { try { localStorage.removeItem(key); } catch (e) {} });
})();
