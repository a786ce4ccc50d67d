// Shared map set-up for every civicmap map: tiles only when configured (the map still works
// with outline and pins on a plain background when no tile server is reachable). Maps start
// on the council's area, whose extent the page gives (data-area: west, south, east, north).
(function () {
  "use strict";
  const maps = {};

  function areaBounds(el) {
    const area = el.dataset.area ? JSON.parse(el.dataset.area) : null;
    return area ? L.latLngBounds([area[1], area[0]], [area[3], area[2]]) : null;
  }

  function baseMap(el, options) {
    const area = areaBounds(el);
    const center = area ? area.getCenter() : [0, 0];
    const map = L.map(el, Object.assign({ center: center, zoom: 13, maxZoom: 19 }, options || {}));
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

  window.civicmap = Object.assign(window.civicmap || {}, { baseMap, addBoundary, areaBounds, maps });
})();
