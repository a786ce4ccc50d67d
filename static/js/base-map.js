// Shared map set-up for every civicmap map: tiles only when configured (the map still works
// with outline and pins on a plain background when no tile server is reachable).
(function () {
  "use strict";
  const LAMBETH = [51.4607, -0.1163];
  const maps = {};

  function baseMap(el, options) {
    const map = L.map(el, Object.assign({ center: LAMBETH, zoom: 13, maxZoom: 19 }, options || {}));
    maps[el.id] = map; // by element id, for scripts (and tests) that need the map again
    const tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function addBoundary(map, url, fit) {
    if (!url) return Promise.resolve(null);
    return fetch(url)
      .then((r) => (r.ok ? r.json() : null))
      .then((geojson) => {
        if (!geojson) return null;
        const layer = L.geoJSON(geojson, {
          interactive: false,
          style: { color: "#0b0c0c", weight: 2, fill: false, dashArray: "4 4" },
        }).addTo(map);
        if (fit) map.fitBounds(layer.getBounds());
        return layer;
      })
      .catch(() => null);
  }

  window.civicmap = Object.assign(window.civicmap || {}, { baseMap, addBoundary, maps });
})();
