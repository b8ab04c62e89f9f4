/* The console's maps: MapLibre GL JS drawing Avisa's own PMTiles basemap (read by HTTP range
   requests from /console/basemap.pmtiles), with incidents and zones on top. No other host is
   ever asked for anything: the names are drawn with Noto Sans glyphs served by Avisa
   (<meta name="avisa-glyphs">, vendored PBFs), and the style needs no sprites.

   <div id="map" data-mode="view|pick|draw" data-basemap="URL or empty" data-features="URL">
   view: incidents (click → their page) and zones, refreshed every 10 s
   incident: one incident, its reports' places and the circle each is known within
   pick: a tap fills #pick-lat / #pick-lon (placing a report)
   draw: a circle (tap the centre) or a polygon (tap corners, "close") into the zone form */
(function () {
  "use strict";
  // Los Angeles County, which the shipped basemap covers whole.
  var REGION = [[-118.95, 33.70], [-117.64, 34.83]];
  var FONT = ["NotoSans-Regular"], BOLD = ["NotoSans-Bold"];
  var HALO = { "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.6 };
  var OSM = "© OpenStreetMap contributors";
  // A drill is grey ringed in black whatever its status: never read as a raid.
  var STATUS_COLOURS = ["case", ["==", ["get", "drill"], true], "#546e7a",
    ["match", ["get", "status"], "confirmed", "#6a1b9a", "held", "#b26a00", "#c62828"]];
  var STROKE_COLOURS = ["case", ["==", ["get", "drill"], true], "#000", "#fff"];

  function width(base) {
    return ["interpolate", ["exponential", 1.6], ["zoom"], 10, base * 0.4, 14, base * 2, 18, base * 10];
  }

  function basemapLayers() {
    var road = function (id, classes, colour, w, minzoom) {
      return {
        id: id, type: "line", source: "basemap", "source-layer": "transportation", minzoom: minzoom || 0,
        filter: ["in", ["get", "class"], ["literal", classes]],
        layout: { "line-cap": "round", "line-join": "round" },
        paint: { "line-color": colour, "line-width": width(w) }
      };
    };
    return [
      { id: "landcover", type: "fill", source: "basemap", "source-layer": "landcover",
        paint: { "fill-color": "#d8e8c8", "fill-opacity": 0.6 } },
      { id: "landuse", type: "fill", source: "basemap", "source-layer": "landuse",
        filter: ["in", ["get", "class"], ["literal", ["residential", "commercial", "industrial", "retail", "school", "hospital", "cemetery", "stadium", "railway"]]],
        paint: { "fill-color": ["match", ["get", "class"], "industrial", "#e6dfe6", "commercial", "#f1e3dc", "retail", "#f1e3dc", "school", "#f0ecd2", "hospital", "#f5dada", "#ebe7e0"], "fill-opacity": 0.7 } },
      { id: "park", type: "fill", source: "basemap", "source-layer": "park",
        paint: { "fill-color": "#c8e2b4", "fill-opacity": 0.8 } },
      { id: "water", type: "fill", source: "basemap", "source-layer": "water",
        paint: { "fill-color": "#a8cbe6" } },
      { id: "waterway", type: "line", source: "basemap", "source-layer": "waterway",
        paint: { "line-color": "#a8cbe6", "line-width": width(0.8) } },
      { id: "aeroway", type: "fill", source: "basemap", "source-layer": "aeroway",
        filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#e0dde6" } },
      { id: "boundary", type: "line", source: "basemap", "source-layer": "boundary",
        filter: ["<=", ["to-number", ["get", "admin_level"], 8], 8],
        paint: { "line-color": "#9e8fb0", "line-width": 1, "line-dasharray": [3, 2] } },
      road("road-minor-casing", ["minor", "service", "track"], "#cfc8bd", 1.6, 12),
      road("road-minor", ["minor", "service", "track"], "#ffffff", 1.1, 12),
      road("rail", ["rail", "transit"], "#a39e99", 0.5),
      road("road-major-casing", ["primary", "secondary", "tertiary", "trunk"], "#c9b98f", 2.6),
      road("road-major", ["primary", "secondary", "tertiary", "trunk"], "#fff3c4", 1.9),
      road("road-motorway-casing", ["motorway"], "#c0763a", 3.2),
      road("road-motorway", ["motorway"], "#f6ad6d", 2.4)
    ].concat(labelLayers());
  }

  // Names, as the tiles carry them (name:latin): streets along their lines, then water, then
  // neighbourhoods and cities (placed last so they win where labels collide).
  function labelLayers() {
    var name = ["coalesce", ["get", "name:latin"], ["get", "name"], ""];
    return [
      { id: "water-name", type: "symbol", source: "basemap", "source-layer": "water_name", minzoom: 11,
        layout: { "text-field": name, "text-font": FONT, "text-size": 12 },
        paint: Object.assign({ "text-color": "#2b5d8a" }, HALO) },
      { id: "street-name", type: "symbol", source: "basemap", "source-layer": "transportation_name", minzoom: 12,
        filter: ["!", ["in", ["get", "class"], ["literal", ["rail", "transit", "path", "service", "track"]]]],
        layout: { "text-field": name, "text-font": FONT, "symbol-placement": "line", "text-max-angle": 35,
                  "text-size": ["interpolate", ["linear"], ["zoom"], 12, 10, 15, 13, 18, 16] },
        paint: Object.assign({ "text-color": "#3a3530" }, HALO) },
      { id: "neighbourhood-name", type: "symbol", source: "basemap", "source-layer": "place", minzoom: 10,
        filter: ["in", ["get", "class"], ["literal", ["suburb", "neighbourhood", "quarter", "hamlet", "village", "isolated_dwelling", "locality"]]],
        layout: { "text-field": name, "text-font": FONT, "text-transform": "uppercase", "text-letter-spacing": 0.08, "text-max-width": 8,
                  "text-size": ["interpolate", ["linear"], ["zoom"], 10, 10, 14, 13] },
        paint: Object.assign({ "text-color": "#6b5f73" }, HALO) },
      { id: "city-name", type: "symbol", source: "basemap", "source-layer": "place",
        filter: ["in", ["get", "class"], ["literal", ["city", "town"]]],
        layout: { "text-field": name, "text-font": BOLD, "text-max-width": 8,
                  "text-size": ["interpolate", ["linear"], ["zoom"], 8, 11, 12, 15, 15, 18] },
        paint: Object.assign({ "text-color": "#2d2a32" }, HALO) }
    ];
  }

  function glyphs() {
    var meta = document.querySelector("meta[name=avisa-glyphs]");
    // An absolute URL whose {fontstack}/{range} MapLibre fills in (new URL() would escape them).
    return meta ? location.origin + meta.content : undefined;
  }

  function style(basemap) {
    var sources = {}, layers = [{ id: "background", type: "background", paint: { "background-color": "#f2efe9" } }];
    if (basemap) {
      sources.basemap = { type: "vector", url: "pmtiles://" + new URL(basemap, location.href).href, attribution: OSM };
      layers = layers.concat(basemapLayers());
    }
    return { version: 8, glyphs: glyphs(), sources: sources, layers: layers };
  }

  function circle(lon, lat, radius, steps) {
    var ring = [], n = steps || 64;
    for (var i = 0; i <= n; i++) {
      var a = (i / n) * 2 * Math.PI;
      var dLat = (radius / 111320) * Math.sin(a);
      var dLon = (radius / (111320 * Math.cos(lat * Math.PI / 180))) * Math.cos(a);
      ring.push([lon + dLon, lat + dLat]);
    }
    return { type: "Polygon", coordinates: [ring] };
  }

  function overlays(collection, drillMark) {
    var zones = [], zips = [], incidents = [], reports = [], precision = [];
    var within = function (f) {
      var c = f.geometry.coordinates, r = f.properties.precision_m;
      if (r > 0) precision.push({ type: "Feature", geometry: circle(c[0], c[1], r), properties: f.properties });
    };
    collection.features.forEach(function (f) {
      var kind = f.properties.kind;
      if (kind === "incident") { f.properties.mark = drillMark; incidents.push(f); }
      else if (kind === "report") { reports.push(f); within(f); }
      else if (kind === "zone_zip") zips.push(f);
      else if (kind === "zone_circle") {
        var c = f.geometry.coordinates;
        zones.push({ type: "Feature", geometry: circle(c[0], c[1], f.properties.radius_m), properties: f.properties });
      } else zones.push(f);
    });
    var fc = function (features) { return { type: "FeatureCollection", features: features }; };
    return { zones: fc(zones), zips: fc(zips), incidents: fc(incidents), reports: fc(reports), precision: fc(precision) };
  }

  function addOverlays(map) {
    var empty = { type: "FeatureCollection", features: [] };
    ["zones", "zips", "incidents", "drawing", "reports", "precision"].forEach(function (id) { map.addSource(id, { type: "geojson", data: empty }); });
    map.addLayer({ id: "precision-fill", type: "fill", source: "precision", paint: { "fill-color": "#37474f", "fill-opacity": 0.08 } });
    map.addLayer({ id: "precision-line", type: "line", source: "precision", paint: { "line-color": "#37474f", "line-width": 1.5, "line-dasharray": [2, 2] } });
    map.addLayer({ id: "zones-fill", type: "fill", source: "zones", paint: { "fill-color": "#1565c0", "fill-opacity": 0.08 } });
    map.addLayer({ id: "zones-line", type: "line", source: "zones", paint: { "line-color": "#1565c0", "line-width": 2 } });
    map.addLayer({ id: "zones-name", type: "symbol", source: "zones",
      layout: { "text-field": ["get", "name"], "text-font": BOLD, "text-size": 13 },
      paint: Object.assign({ "text-color": "#0d3c78" }, HALO) });
    map.addLayer({ id: "zips", type: "circle", source: "zips",
      paint: { "circle-radius": 7, "circle-color": "#1565c0", "circle-opacity": 0.35, "circle-stroke-color": "#1565c0", "circle-stroke-width": 2 } });
    map.addLayer({ id: "drawing-fill", type: "fill", source: "drawing", filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": "#00897b", "fill-opacity": 0.15 } });
    map.addLayer({ id: "drawing-line", type: "line", source: "drawing", paint: { "line-color": "#00897b", "line-width": 2, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "drawing-points", type: "circle", source: "drawing", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 6, "circle-color": "#00897b" } });
    map.addLayer({ id: "incidents", type: "circle", source: "incidents",
      paint: { "circle-radius": ["interpolate", ["linear"], ["get", "reports"], 1, 8, 10, 16], "circle-color": STATUS_COLOURS,
               "circle-stroke-color": STROKE_COLOURS, "circle-stroke-width": ["case", ["==", ["get", "drill"], true], 3, 2] } });
    map.addLayer({ id: "reports", type: "circle", source: "reports",
      paint: { "circle-radius": 4, "circle-color": "#263238", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } });
    // "#12", and the drill mark beside a drill, so neither depends on telling colours apart.
    map.addLayer({ id: "incident-labels", type: "symbol", source: "incidents",
      layout: { "text-field": ["case", ["==", ["get", "drill"], true], ["concat", "#", ["to-string", ["get", "id"]], " ", ["get", "mark"]],
                                ["concat", "#", ["to-string", ["get", "id"]]]],
                "text-font": BOLD, "text-size": 13, "text-offset": [0, 1.5], "text-anchor": "top", "text-allow-overlap": true },
      paint: Object.assign({ "text-color": STATUS_COLOURS }, HALO) });
  }

  function load(map, url, fit, drillMark) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var o = overlays(data, drillMark);
      map.getSource("zones").setData(o.zones);
      map.getSource("zips").setData(o.zips);
      map.getSource("incidents").setData(o.incidents);
      map.getSource("reports").setData(o.reports);
      map.getSource("precision").setData(o.precision);
      if (fit && o.incidents.features.length) {
        var b = new maplibregl.LngLatBounds();
        o.incidents.features.forEach(function (f) { b.extend(f.geometry.coordinates); });
        o.precision.features.forEach(function (f) { f.geometry.coordinates[0].forEach(function (c) { b.extend(c); }); });
        map.fitBounds(b, { padding: 40, maxZoom: 16, duration: 0 });
      }
    });
  }

  function popup(map, feature, incidentUrl, drillMark) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = incidentUrl + feature.properties.id;
    link.textContent = "#" + feature.properties.id + " " + (feature.properties.label || "");
    box.appendChild(link);
    var info = document.createElement("div");
    info.textContent = (feature.properties.drill ? drillMark + " · " : "") + feature.properties.status + " · " + feature.properties.reports;
    box.appendChild(info);
    new maplibregl.Popup().setLngLat(feature.geometry.coordinates).setDOMContent(box).addTo(map);
  }

  function setField(id, value) { var el = document.getElementById(id); if (el) el.value = value; }

  // From the keyboard: the arrow keys move the map (MapLibre's own), Enter or Space takes its
  // centre as the tapped point.
  function onPoint(map, fn) {
    map.on("click", fn);
    map.getCanvas().addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fn({ lngLat: map.getCenter() }); }
    });
  }

  function pickMode(map) {
    var marker = null;
    onPoint(map, function (e) {
      if (marker) marker.remove();
      marker = new maplibregl.Marker({ color: "#c62828" }).setLngLat(e.lngLat).addTo(map);
      setField("pick-lat", e.lngLat.lat.toFixed(6));
      setField("pick-lon", e.lngLat.lng.toFixed(6));
    });
  }

  function drawMode(map) {
    var points = [];
    var shape = function () { var c = document.querySelector("input[name=shape]:checked"); return c ? c.value : "zips"; };
    var show = function (features) { map.getSource("drawing").setData({ type: "FeatureCollection", features: features }); };
    var redraw = function (closed) {
      if (shape() === "circle" && points.length) {
        var p = points[points.length - 1], r = parseFloat(document.getElementById("zone-radius").value) || 1000;
        show([{ type: "Feature", geometry: circle(p[0], p[1], r), properties: {} }]);
      } else if (closed && points.length >= 3) {
        var geometry = { type: "Polygon", coordinates: [points.concat([points[0]])] };
        setField("zone-geometry", JSON.stringify(geometry));
        show([{ type: "Feature", geometry: geometry, properties: {} }]);
      } else {
        var features = points.map(function (p) { return { type: "Feature", geometry: { type: "Point", coordinates: p }, properties: {} }; });
        if (points.length > 1) features.push({ type: "Feature", geometry: { type: "LineString", coordinates: points }, properties: {} });
        show(features);
      }
    };
    onPoint(map, function (e) {
      var p = [+e.lngLat.lng.toFixed(6), +e.lngLat.lat.toFixed(6)];
      if (shape() === "circle") { points = [p]; setField("zone-lat", p[1]); setField("zone-lon", p[0]); }
      else if (shape() === "polygon") points.push(p);
      redraw(false);
    });
    var on = function (id, event, fn) { var el = document.getElementById(id); if (el) el.addEventListener(event, fn); };
    on("zone-close", "click", function () { redraw(true); });
    on("zone-clear", "click", function () { points = []; setField("zone-geometry", ""); show([]); });
    on("zone-radius", "input", function () { redraw(false); });
  }

  function start(el) {
    if (el.dataset.basemap) {
      var protocol = new pmtiles.Protocol();
      maplibregl.addProtocol("pmtiles", protocol.tile);
    }
    var map = new maplibregl.Map({
      container: el, style: style(el.dataset.basemap), bounds: REGION, maxZoom: 18,
      attributionControl: { compact: false, customAttribution: el.dataset.basemap ? OSM : undefined }
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.on("load", function () {
      addOverlays(map);
      var mode = el.dataset.mode || "view";
      var mark = el.dataset.drillMark || "DRILL";
      load(map, el.dataset.features, mode !== "draw", mark).then(function () { el.dataset.ready = "1"; });
      if (mode === "incident") setInterval(function () { load(map, el.dataset.features, false, mark); }, 10000);
      if (mode === "view") {
        map.on("click", "incidents", function (e) { popup(map, e.features[0], el.dataset.incidentUrl, el.dataset.drillMark || "DRILL"); });
        map.on("mouseenter", "incidents", function () { map.getCanvas().style.cursor = "pointer"; });
        map.on("mouseleave", "incidents", function () { map.getCanvas().style.cursor = ""; });
        setInterval(function () { load(map, el.dataset.features, false, mark); }, 10000);
      } else if (mode === "pick") pickMode(map);
      else if (mode === "draw") drawMode(map);
    });
    window.avisaMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (el) start(el);
  });
})();
