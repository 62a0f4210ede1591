// Suggested patrol points on a map: one circle per cluster, sized by its events in the chosen time
// band, beside the existing points. The list under the map works without this.
(function () {
  "use strict";
  var el = document.getElementById("hotspots-map");
  if (!el || !window.L) return;
  el.hidden = false;
  var bandsEl = document.getElementById("hotspots-bands");
  if (bandsEl) bandsEl.hidden = false;
  var map = L.map(el).setView(el.dataset.center.split(",").map(Number), 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  document.querySelectorAll(".existing-point").forEach(function (li) {
    var label = document.createElement("span");
    label.textContent = li.dataset.name;
    L.circle([Number(li.dataset.lat), Number(li.dataset.lon)],
      { radius: Number(li.dataset.radius), color: "#555", weight: 1, fillOpacity: 0.1 }).addTo(map).bindPopup(label);
  });
  var spots = [];
  document.querySelectorAll(".hotspot").forEach(function (li) {
    var label = document.createElement("a");
    label.textContent = li.dataset.label;
    label.href = "#" + li.id;
    var marker = L.circleMarker([Number(li.dataset.lat), Number(li.dataset.lon)],
      { color: "#c0392b", fillOpacity: 0.4 }).addTo(map).bindPopup(label);
    spots.push({ li: li, marker: marker });
  });
  function show(band) {
    spots.forEach(function (s) {
      var n = Number(band ? s.li.dataset[band] : s.li.dataset.count);
      s.marker.setRadius(n ? 4 + Math.min(n * 1.5, 26) : 0);
      s.marker.setStyle({ opacity: n ? 1 : 0, fillOpacity: n ? 0.4 : 0 });
    });
  }
  document.querySelectorAll("input[name=band-view]").forEach(function (input) {
    input.addEventListener("change", function () { show(input.value); });
  });
  var all = spots.map(function (s) { return s.marker.getLatLng(); });
  if (all.length) map.fitBounds(L.latLngBounds(all).pad(0.2));
  show("");
})();
