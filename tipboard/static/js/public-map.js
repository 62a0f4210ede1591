// The public hazard map: rounded locations from /tips/public.json drawn with Leaflet.
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  el.hidden = false;
  var c = el.dataset.center.split(",").map(Number);
  var maps = window.tipboardMap;
  var map = maps.create(el, c, 14, el.dataset.tiles, el.dataset.attribution);
  function label(t) { var s = document.createElement("span"); s.textContent = t.category + " · " + t.status + " · " + t.date; return s; }
  fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (data) {
      data.tips.forEach(function (t) {
        L.circleMarker(maps.toMap(t.lat, t.lon), { radius: 8 }).addTo(map)
          .bindPopup(label(t));
      });
    }).catch(function () {});
})();
