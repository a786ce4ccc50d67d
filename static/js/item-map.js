// The small map on an item's page. Offers are shown as an area, not a pin: their point is
// already coarse (a ~250 m grid cell), and a circle says so.
(function () {
  "use strict";
  const el = document.getElementById("item-map");
  if (!el || !window.L) return;
  const at = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
  const map = civicmap.baseMap(el, { center: at, zoom: 16, scrollWheelZoom: false });
  if (el.dataset.approximate === "true") {
    L.circle(at, { radius: 180, color: "#56B4E9", weight: 2 }).addTo(map);
  } else {
    L.marker(at, { keyboard: false }).addTo(map);
  }
})();
