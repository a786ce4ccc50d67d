// The location picker in item forms: click the map or drag the pin, or use the browser's
// location. It only fills the latitude/longitude fields, which also work without JavaScript.
(function () {
  "use strict";
  const el = document.getElementById("picker-map");
  if (!el || !window.L) return;
  const lat = document.getElementById("lat");
  const lon = document.getElementById("lon");
  const status = document.getElementById("picker-status");
  const map = civicmap.baseMap(el, { zoom: 13 });
  let pin = null;

  function current() {
    const y = parseFloat(lat.value), x = parseFloat(lon.value);
    return Number.isFinite(y) && Number.isFinite(x) ? L.latLng(y, x) : null;
  }

  function place(latlng, say) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (!pin) {
      pin = L.marker(latlng, { draggable: true, keyboard: true, title: el.getAttribute("aria-label") });
      pin.on("dragend", () => place(pin.getLatLng(), true));
      pin.addTo(map);
    } else {
      pin.setLatLng(latlng);
    }
    if (say && status) status.textContent = `${lat.value}, ${lon.value}`;
  }

  map.on("click", (e) => place(e.latlng, true));
  [lat, lon].forEach((input) =>
    input.addEventListener("change", () => {
      const p = current();
      if (p) { place(p, false); map.panTo(p); }
    })
  );

  const start = current();
  if (start) { place(start, false); map.setView(start, 16); }
  else civicmap.addBoundary(map, el.dataset.boundary, true);

  const locate = document.getElementById("use-my-location");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      status.textContent = locate.dataset.finding || "…";
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          const p = L.latLng(pos.coords.latitude, pos.coords.longitude);
          place(p, true);
          map.setView(p, 17);
        },
        (err) => { status.textContent = err.message; },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }
})();
