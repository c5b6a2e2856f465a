// Draws the small map previews in the staff admin. The GeoJSON comes from each
// preview's data-geojson attribute; Leaflet itself is served by django-leaflet.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".lg-admin-map").forEach(function (el) {
    var data = JSON.parse(el.dataset.geojson);
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution:
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    }).addTo(map);
    var layer = L.geoJSON(data, {
      style: function (f) {
        return { color: f.properties.open === false ? "#b00" : "#0a5", weight: 4 };
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {
          radius: f.properties.junction ? 5 : 8,
          color: f.properties.junction ? "#333" : "#06c",
        });
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { maxZoom: 16, padding: [10, 10] });
    } else {
      map.setView([0, 0], 2);
    }
  });
});
