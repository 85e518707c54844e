// Operation map: every layer is vector GeoJSON from the app (roads from the project's own OSM graph);
// no tile server, no network.
(function () {
  // User text (site, stop, closure names) goes into tooltips only as a text node, never as HTML.
  function text(s) {
    var span = document.createElement("span");
    span.textContent = s == null ? "" : String(s);
    return span;
  }
  var el = document.getElementById("opmap");
  if (!el) return;
  var map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("© OpenStreetMap contributors");
  fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    var b = d.bbox;
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    // The roads come apart (public data, shared by nearby maps) and go under every other layer.
    map.createPane("roads").style.zIndex = 350;
    var major = { motorway: 1, trunk: 1, primary: 1, secondary: 1 };
    var roadsDrawn = fetch(d.roads, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (roads) {
        L.geoJSON(roads, { pane: "roads", interactive: false, style: function (f) {
          var m = major[f.properties["class"]];
          return { className: "op-road", color: m ? "#9a8f7a" : "#c9c2b3", weight: m ? 3 : 1.5, opacity: 1 };
        } }).addTo(map);
      });
    L.geoJSON(d.closures, { style: { className: "op-closure", color: "#e67e22", weight: 2, fillOpacity: 0.25 } })
      .bindTooltip(function (l) { return text(l.feature.properties.name); }).addTo(map);
    var alts = d.routes.features.filter(function (f) { return f.properties.rank > 0; });
    var prim = d.routes.features.filter(function (f) { return f.properties.rank === 0; });
    L.geoJSON({ type: "FeatureCollection", features: alts }, { style: { className: "op-route-alt", color: "#2471a3",
      weight: 4, dashArray: "8 6", opacity: 0.9 } })
      .bindTooltip(function (l) { var p = l.feature.properties; return text(p.label + " — " + p.km + " km, " + p.minutes + " phút"); })
      .addTo(map);
    L.geoJSON({ type: "FeatureCollection", features: prim }, { style: { className: "op-route-primary", color: "#c0392b",
      weight: 6, opacity: 0.95 } })
      .bindTooltip(function (l) { var p = l.feature.properties; return text(p.label + " — " + p.km + " km, " + p.minutes + " phút"); })
      .addTo(map);
    L.geoJSON(d.worst, { style: { className: "op-worst", color: "#8e44ad", weight: 10, opacity: 0.6 } })
      .bindTooltip(function (l) { return text(l.feature.properties.label); }).addTo(map);
    L.geoJSON(d.facilities, { pointToLayer: function (f, ll) {
      var k = f.properties.kind;
      var c = k === "hospital" ? "#27ae60" : (k === "police" ? "#1f3a93" : "#16a085");
      return L.circleMarker(ll, { className: "op-facility op-" + k, radius: 5, color: "#fff", weight: 1,
        fillColor: c, fillOpacity: 1 });
    } }).bindTooltip(function (l) { return text(l.feature.properties.name); }).addTo(map);
    L.geoJSON(d.sites, { pointToLayer: function (f, ll) {
      return L.circleMarker(ll, { className: "op-site", radius: 9, color: "#000", weight: 2, fillColor: "#f1c40f",
        fillOpacity: 1 });
    } }).bindTooltip(function (l) { return text(l.feature.properties.name); }, { permanent: true, direction: "right" })
      .addTo(map);
    return roadsDrawn.then(function () { el.dataset.ready = "1"; });
  });
})();
