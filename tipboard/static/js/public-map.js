// The public hazard map: rounded locations from /tips/public.json drawn with Leaflet.
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  el.hidden = false;
  var c = el.dataset.center.split(",").map(Number);
  var map = L.map(el).setView(c, 14);
  function label(t) { var s = document.createElement("span"); s.textContent = t.category + " · " + t.status + " · " + t.date; return s; }
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (data) {
      data.tips.forEach(function (t) {
        L.circleMarker([t.lat, t.lon], { radius: 8 }).addTo(map)
          .bindPopup(label(t));
      });
    }).catch(function () {});
})();
