// The location picker in item forms: a postcode, a click or a dragged pin, the arrow keys on the
// focused pin, or the browser's location. It only fills the latitude/longitude fields, which
// also work without JavaScript (as does the postcode field, looked up by the server). Each move
// is announced with the ward the pin is now in.
(function () {
  "use strict";
  const el = document.getElementById("picker-map");
  if (!el || !window.L) return;
  const lat = document.getElementById("lat");
  const lon = document.getElementById("lon");
  const postcode = document.getElementById("postcode");
  const status = document.getElementById("picker-status");
  const labels = JSON.parse(el.dataset.labels || "{}");
  const map = civicmap.baseMap(el, { zoom: 13 });
  let pin = null;
  let lookup = null;

  // The "{name}" slots the page left in its translated sentences, filled in from `values`.
  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, (_, name) => (name in values ? values[name] : ""));
  }

  function current() {
    const y = parseFloat(lat.value), x = parseFloat(lon.value);
    return Number.isFinite(y) && Number.isFinite(x) ? L.latLng(y, x) : null;
  }

  // Which ward the pin is in, said once the pin has stopped moving for a moment.
  function announce() {
    clearTimeout(lookup);
    lookup = setTimeout(() => {
      const p = { lat: lat.value, lon: lon.value };
      fetch(`${el.dataset.wardUrl}?${new URLSearchParams(p)}`)
        .then((r) => (r.ok ? r.json() : Promise.reject(r)))
        .then((data) => {
          status.textContent = data.ward
            ? fill(labels.in_ward, { ...p, ward: data.ward.name })
            : fill(labels.outside, p);
        })
        .catch(() => { status.textContent = `${p.lat}, ${p.lon}`; });
    }, 400);
  }

  function place(latlng, say) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (!pin) {
      pin = L.marker(latlng, { draggable: true, keyboard: true, title: labels.pin, alt: labels.pin });
      pin.on("dragend", () => place(pin.getLatLng(), true));
      pin.addTo(map);
      // On the pin's own element, stopped there: the map would otherwise pan on the same keys.
      pin.getElement().addEventListener("keydown", move);
    } else {
      pin.setLatLng(latlng);
    }
    if (say && status) announce();
  }

  // Arrow keys on the focused pin: about 10 m a press, 100 m with Shift.
  function move(e) {
    const steps = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (!(e.key in steps)) return;
    e.preventDefault();
    e.stopPropagation();
    const key = e.key;
    const metres = e.shiftKey ? 100 : 10;
    const here = pin.getLatLng();
    const dLat = (steps[key][0] * metres) / 111320;
    const dLon = (steps[key][1] * metres) / (111320 * Math.cos((here.lat * Math.PI) / 180));
    const next = L.latLng(here.lat + dLat, here.lng + dLon);
    place(next, true);
    if (!map.getBounds().pad(-0.1).contains(next)) map.panTo(next);
  }

  map.on("click", (e) => place(e.latlng, true));
  [lat, lon].forEach((input) =>
    input.addEventListener("change", () => {
      const p = current();
      if (p) { place(p, true); map.panTo(p); }
    })
  );

  const start = current();
  if (start) { place(start, false); map.setView(start, 16); }
  else civicmap.addBoundary(map, el.dataset.boundary, true);

  const find = document.getElementById("find-postcode");
  if (find && postcode) {
    find.hidden = false;
    const go = () => {
      fetch(`${el.dataset.postcodeUrl}?${new URLSearchParams({ q: postcode.value })}`)
        .then((r) => r.json().then((data) => ({ ok: r.ok, data })))
        .then(({ ok, data }) => {
          if (!ok) { status.textContent = data.detail; return; }
          const p = L.latLng(data.lat, data.lon);
          place(p, false);
          map.setView(p, 17);
          status.textContent = fill(labels.found, { postcode: data.postcode, ward: data.ward ? data.ward.name : "" });
        })
        .catch(() => { status.textContent = ""; });
    };
    find.addEventListener("click", go);
    // Enter in the postcode field finds it, rather than sending the whole form half-filled.
    postcode.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); go(); } });
  }

  const locate = document.getElementById("use-my-location");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      status.textContent = labels.finding || "…";
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
