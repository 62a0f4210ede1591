// The patrol points on a map, sized by their highest priority. The list works without this.
(function () {
  "use strict";
  var el = document.getElementById("points-map");
  if (!el || !window.L) return;
  el.hidden = false;
  var maps = window.tipboardMap;
  var map = maps.create(el, el.dataset.center.split(",").map(Number), 14, el.dataset.tiles, el.dataset.attribution);
  document.querySelectorAll(".point").forEach(function (li) {
    var label = document.createElement("span");
    label.textContent = li.dataset.name + " · " + li.dataset.weight;
    L.circleMarker(maps.toMap(Number(li.dataset.lat), Number(li.dataset.lon)),
      { radius: 6 + Math.min(Number(li.dataset.weight) * 2, 20) }).addTo(map).bindPopup(label);
  });
})();
