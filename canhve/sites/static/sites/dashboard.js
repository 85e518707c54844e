// Nationwide basic-survey map (sites/dashboard.html). The province polygons come from the page's
// json_script element; labels and the detail URL from data-* attributes on #vn-map (no inline script, ADR 0104).
(function () {
  "use strict";
  var el = document.getElementById("vn-map");
  var source = document.getElementById("province-data");
  if (!el || !source) return;
  var data = JSON.parse(source.textContent);
  var t = el.dataset;
  function colour(p) { return p >= 100 ? "#1a9850" : p >= 75 ? "#91cf60" : p >= 50 ? "#fee08b" : p > 0 ? "#fc8d59" : "#d9d9d9"; }
  // No tiles: only the province polygons. The bounds always include Hoàng Sa and Trường Sa.
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix("Leaflet");
  var layer = L.geoJSON(data, {
    style: function (f) { return { color: "#555", weight: 0.6, fillOpacity: 0.85, fillColor: colour(f.properties.completion) }; },
    onEachFeature: function (f, l) {
      var p = f.properties;
      var tip = document.createElement("span");
      tip.textContent = p.name + ": " + p.completion + "% · " + p.approved + " " + t.labelApproved +
        (p.due ? " · " + p.due + " " + t.labelDue : "");
      l.bindTooltip(tip);
      if (p.survey_id) {
        l.on("click", function () { window.location = t.detailUrl.replace("/0/", "/" + p.survey_id + "/"); });
      }
    },
    attribution: t.attribution
  }).addTo(map);
  map.fitBounds([[7.2, 102.1], [23.4, 117.9]]);
  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var d = L.DomUtil.create("div", "legend");
    [[100, "100%"], [75, "75–99%"], [50, "50–74%"], [1, "1–49%"], [0, t.labelNone]]
      .forEach(function (x, n) {
        if (n) d.appendChild(document.createElement("br"));
        var i = document.createElement("i");
        i.style.background = colour(x[0]);  // CSSOM, not a style attribute: allowed by style-src 'self'
        d.appendChild(i);
        d.appendChild(document.createTextNode(x[1]));
      });
    return d;
  };
  legend.addTo(map);
  var b = map.getBounds();
  el.dataset.bounds = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(3); }).join(",");
  el.dataset.features = String(layer.getLayers().length);
})();
