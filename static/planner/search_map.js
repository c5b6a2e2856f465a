// The search page's map: one numbered marker per result, the numbers of the list
// beside it. The list is complete without it.
"use strict";
(function () {
  var dataEl = document.getElementById("map-data");
  var mapEl = document.getElementById("map");
  if (!dataEl || !mapEl || typeof L === "undefined") return;
  var points = (JSON.parse(dataEl.textContent) || {}).points || [];
  if (!points.length) return;

  var map = L.map(mapEl, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution:
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  }).addTo(map);

  var bounds = [];
  points.forEach(function (p) {
    // The number is ours; the name comes from map data anyone can edit, so it is
    // set as text (title), never as HTML.
    var icon = L.divIcon({
      className: "result-marker",
      html: String(p.n),
      iconSize: [24, 24],
    });
    L.marker([p.lat, p.lon], { icon: icon, title: p.n + ". " + p.name }).addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
