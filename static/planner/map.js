// LoopGenie's one map script. The page is complete without it: the summary, cue
// sheet and downloads are server-rendered. This adds the map: on the home page a
// click (or "use my location") fills the start; on a plan page it draws the loops,
// their direction, day stages and trailhead, and switches between alternatives.
"use strict";
(function () {
  var dataEl = document.getElementById("map-data");
  var mapEl = document.getElementById("map");
  if (!dataEl || !mapEl || typeof L === "undefined") return;
  var data = JSON.parse(dataEl.textContent) || {};

  var map = L.map(mapEl, { scrollWheelZoom: false });
  // The map pans itself; its box never scrolls (a focused marker would scroll it).
  mapEl.addEventListener("scroll", function () {
    mapEl.scrollTop = 0;
    mapEl.scrollLeft = 0;
  });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution:
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  }).addTo(map);

  var form = document.querySelector(".trip-form");
  var startInput = form && form.querySelector("[name=start]");
  var latInput = form && form.querySelector("[name=lat]");
  var lonInput = form && form.querySelector("[name=lon]");
  var startMarker = null;

  function setStart(lat, lon, label) {
    if (!startInput) return;
    latInput.value = lat.toFixed(5);
    lonInput.value = lon.toFixed(5);
    startInput.value = label || lat.toFixed(5) + ", " + lon.toFixed(5);
    if (startMarker) startMarker.setLatLng([lat, lon]);
    else startMarker = L.marker([lat, lon], { title: "Start", keyboard: false }).addTo(map);
  }

  if (startInput) {
    // Typing a new start replaces a clicked one.
    startInput.addEventListener("input", function () {
      latInput.value = "";
      lonInput.value = "";
    });
    map.on("click", function (e) {
      setStart(e.latlng.lat, e.latlng.lng);
    });
    var locate = document.getElementById("use-location");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          setStart(pos.coords.latitude, pos.coords.longitude, "My location");
          map.setView([pos.coords.latitude, pos.coords.longitude], 11);
        });
      });
    }
  }

  // Leaflet puts a string tooltip in as HTML; names come from map data anyone can
  // edit, so they go in as text.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  // A trail's or a route's page: its line, and the trailheads and huts on it.
  var lines = data.lines || [];
  if (lines.length) {
    var drawn = L.featureGroup(
      lines.map(function (line) {
        return L.polyline(
          line.map(function (c) {
            return [c[1], c[0]];
          }),
          { color: "#c2185b", weight: 5, opacity: 0.85 }
        );
      })
    );
    (data.points || []).forEach(function (p) {
      var colour = p.kind === "trailhead" ? "#1d6b45" : "#ef6c00";
      drawn.addLayer(
        L.circleMarker([p.lat, p.lon], { radius: 7, color: colour, fillOpacity: 0.9 })
          .bindTooltip(text(p.name))
      );
    });
    drawn.addTo(map);
    map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
    mapEl.dataset.drawn = String(lines.length);
    return;
  }

  var start = data.start;
  if (start) {
    // Not a tab stop: focusing a marker scrolls the map's pane to it, pushing the
    // loop out of view, and the start is said in the page's text.
    startMarker = L.marker([start.lat, start.lon], {
      title: "Start: " + start.label,
      keyboard: false,
    })
      .bindTooltip("You start here")
      .addTo(map);
  }

  var loops = data.loops || [];
  if (!loops.length) {
    if (start) map.setView([start.lat, start.lon], 10);
    else if (data.center) map.setView(data.center, data.zoom || 10);
    else map.setView([20, 0], 2);
    return;
  }

  function bearing(a, b) {
    var toRad = Math.PI / 180;
    var y = Math.sin((b[0] - a[0]) * toRad) * Math.cos(b[1] * toRad);
    var x =
      Math.cos(a[1] * toRad) * Math.sin(b[1] * toRad) -
      Math.sin(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.cos((b[0] - a[0]) * toRad);
    return (Math.atan2(y, x) * 180) / Math.PI;
  }

  function arrows(coords) {
    // A few arrowheads along the line show the walking direction.
    var group = [];
    var every = Math.max(1, Math.floor(coords.length / 8));
    for (var i = every; i < coords.length - 1; i += every) {
      // The arrow is styled through the DOM, not an inline style attribute,
      // which the Content-Security-Policy forbids.
      var arrow = document.createElement("span");
      arrow.textContent = "\u27A4";
      arrow.setAttribute("aria-hidden", "true"); // the direction is drawn, not read
      arrow.style.transform = "rotate(" + (bearing(coords[i - 1], coords[i]) - 90) + "deg)";
      group.push(
        L.marker([coords[i][1], coords[i][0]], {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "lg-arrow", html: arrow, iconSize: [16, 16] }),
        })
      );
    }
    return group;
  }

  var layers = loops.map(function (loop) {
    var latlngs = loop.coords.map(function (c) {
      return [c[1], c[0]];
    });
    var parts = [L.polyline(latlngs, { color: "#c2185b", weight: 5, opacity: 0.85 })];
    parts = parts.concat(arrows(loop.coords));
    var th = loop.trailhead;
    parts.push(
      L.circleMarker([th.lat, th.lon], { radius: 9, color: "#1d6b45", fillOpacity: 0.9 })
        .bindTooltip(text("Trailhead: " + th.name))
    );
    loop.stages.forEach(function (end, i) {
      // a night at a bed in blue; one at a bare junction in red, hollow
      var style = end.bed
        ? { radius: 7, color: "#1565c0", fillOpacity: 0.9 }
        : { radius: 7, color: "#c62828", fillOpacity: 0.1, dashArray: "3" };
      parts.push(
        L.circleMarker([end.lat, end.lon], style).bindTooltip(
          text("Night " + (i + 1) + ": " + end.name + (end.bed ? "" : " (no bed here)"))
        )
      );
    });
    return L.featureGroup(parts);
  });

  var articles = document.querySelectorAll("article.loop");
  var buttons = document.querySelectorAll(".loop-switch button");

  function show(index) {
    layers.forEach(function (layer, i) {
      if (i === index) layer.addTo(map);
      else map.removeLayer(layer);
    });
    articles.forEach(function (el, i) {
      el.hidden = i !== index;
    });
    buttons.forEach(function (b, i) {
      b.setAttribute("aria-pressed", i === index ? "true" : "false");
    });
    map.fitBounds(layers[index].getBounds(), { padding: [20, 20] });
    mapEl.dataset.shownLoop = String(index + 1);
  }

  buttons.forEach(function (b, i) {
    b.addEventListener("click", function () {
      show(i);
    });
  });
  // Hovering an elevation profile marks that place on the map.
  function metres(a, b) {
    var toRad = Math.PI / 180;
    var dLat = (b[1] - a[1]) * toRad;
    var dLon = (b[0] - a[0]) * toRad;
    var h =
      Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }
  var along = loops.map(function (loop) {
    var out = [0];
    for (var i = 1; i < loop.coords.length; i++) {
      out.push(out[i - 1] + metres(loop.coords[i - 1], loop.coords[i]));
    }
    return out;
  });
  var hover = null;

  function pointAt(index, d) {
    // The profile counts the loop's length; the line's own metres may differ a
    // little, so go by the share of the way round.
    var dist = along[index];
    var want = (d / loops[index].length_m) * dist[dist.length - 1];
    var lo = 0;
    var hi = dist.length - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (dist[mid] < want) lo = mid;
      else hi = mid;
    }
    var a = loops[index].coords[lo];
    var b = loops[index].coords[hi];
    var t = dist[hi] > dist[lo] ? (want - dist[lo]) / (dist[hi] - dist[lo]) : 0;
    return [a[1] + (b[1] - a[1]) * t, a[0] + (b[0] - a[0]) * t];
  }

  document.querySelectorAll("svg.profile-chart").forEach(function (svg) {
    var index = Number(svg.dataset.loop) - 1;
    var left = Number(svg.dataset.left);
    var right = Number(svg.dataset.right);
    var scale = Number(svg.dataset.scaleM);
    var cursor = svg.querySelector(".cursor");
    if (!loops[index]) return;
    function leave() {
      if (hover) map.removeLayer(hover);
      hover = null;
      cursor.setAttribute("visibility", "hidden");
      delete mapEl.dataset.hoverAt;
    }
    svg.addEventListener("pointermove", function (e) {
      var pt = svg.createSVGPoint();
      pt.x = e.clientX;
      pt.y = e.clientY;
      var x = pt.matrixTransform(svg.getScreenCTM().inverse()).x;
      var d = ((x - left) / (right - left)) * scale;
      if (d < 0 || d > loops[index].length_m) return leave();
      var ll = pointAt(index, d);
      if (hover) hover.setLatLng(ll);
      else
        hover = L.circleMarker(ll, {
          radius: 8,
          color: "#1b1f1d",
          weight: 3,
          fillColor: "#fff",
          fillOpacity: 1,
          interactive: false,
        }).addTo(map);
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      cursor.setAttribute("visibility", "visible");
      mapEl.dataset.hoverAt = String(Math.round(d));
    });
    svg.addEventListener("pointerleave", leave);
  });

  var switcher = document.querySelector(".loop-switch");
  if (switcher) switcher.hidden = false;
  show(0);
})();
