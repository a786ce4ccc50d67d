// The map of initiatives (front page and ward pages). Pins come from /map/items.json for the
// current view and filters only, refetched (debounced) as the map moves; a dense view comes
// back as server-side grid clusters. The URL keeps the view and filters, so it can be shared.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const labels = JSON.parse(el.dataset.labels || "{}");
  const form = document.getElementById("filters");
  const list = document.getElementById("item-list");
  const wardSlug = el.dataset.ward || null;
  // Each kind's page, "/projects/{id}": from the server's routes, as are the kinds themselves.
  const ITEM_URLS = JSON.parse(el.dataset.itemUrls || "{}");
  const KINDS = Object.keys(ITEM_URLS);
  const LETTER = { project: "P", idea: "I", offer: "O", event: "E", proposal: "A" };

  const params = new URLSearchParams(location.search);
  // Where "near me" is (the browser's location, or the postcode the server looked up).
  let near = el.dataset.near ? JSON.parse(el.dataset.near) : null;
  const map = civicmap.baseMap(el, { zoom: 13, minZoom: 10, maxZoom: 19 });

  // One cluster group for every kind, so pins of different kinds near each other cluster
  // instead of standing on each other (each stays a whole target, WCAG 2.5.8: one group per
  // kind left 55 pins overlapping on the demo's front page). Each kind has a switch in the
  // layers control; the server is asked for the switched-on kinds only.
  const pins = L.markerClusterGroup({
    maxClusterRadius: 40,
    iconCreateFunction: (c) => clusterIcon(c.getChildCount(), oneKind(c.getAllChildMarkers())),
  }).addTo(map);
  const switches = {};
  KINDS.forEach((kind) => (switches[kind] = L.layerGroup().addTo(map)));
  const serverClusters = L.layerGroup().addTo(map);
  const overlays = {};
  KINDS.forEach((kind) => (overlays[swatch(kind) + " " + (labels[kind] || kind)] = switches[kind]));

  function oneKind(markers) {
    const kinds = new Set(markers.map((m) => m.options.kind));
    return kinds.size === 1 ? [...kinds][0] : null;
  }

  let wardsLayer = null;
  const wardsToggle = L.layerGroup();
  overlays[labels.wards || "Wards"] = wardsToggle;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  map.on("overlayadd overlayremove", (e) => {
    if (e.layer === wardsToggle) return toggleWards(e.type === "overlayadd");
    refresh();
  });

  function swatch(kind) {
    return `<span class="marker-key marker-${kind}" aria-hidden="true"></span>`;
  }

  // Server clusters sit one per grid cell (about 42 px wide): capped at 40 px, they never touch.
  function clusterSize(count, cap) {
    return Math.min(count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : 52, cap || 52);
  }

  function clusterIcon(count, kind, cap) {
    const size = clusterSize(count, cap);
    // A kind's cluster shows the kind's shape beside its count, not only its border colour.
    return L.divIcon({
      html: (kind ? swatch(kind) : "") + `<span>${count}</span>`,
      className: `cluster-icon cluster-${kind || "mixed"}`,
      iconSize: [size, size],
    });
  }

  function pinIcon(kind) {
    return L.divIcon({
      html: `<span>${LETTER[kind]}</span>`,
      className: `pin-icon marker-${kind}`,
      iconSize: [26, 26],
      iconAnchor: [13, 13],
      popupAnchor: [0, -12],
    });
  }

  function popup(item, wards) {
    const [id, kind, , , title, appreciations, wardId, itemId] = item;
    const box = document.createElement("div");
    box.className = "popup";
    const kindLine = document.createElement("p");
    kindLine.className = "kind-label";
    kindLine.textContent = labels[kind] + " · " + (wards[wardId] || "");
    const link = document.createElement("a");
    link.href = ITEM_URLS[kind].replace("{id}", kind === "proposal" ? id : itemId);
    link.textContent = title; // text, never HTML: titles are user input
    const heading = document.createElement("p");
    heading.className = "popup-title";
    heading.appendChild(link);
    box.append(kindLine, heading);
    if (kind !== "offer" && kind !== "event") {
      const count = document.createElement("p");
      count.textContent = `${appreciations} ${labels.appreciations || ""}`;
      box.appendChild(count);
    }
    return box;
  }

  function enabledKinds() {
    return KINDS.filter((k) => map.hasLayer(switches[k]) && formKinds().includes(k));
  }

  function formKinds() {
    if (!form) return KINDS;
    const checked = [...form.querySelectorAll('input[name="kind"]:checked')].map((i) => i.value);
    return checked.length ? checked : [];
  }

  function filterParams() {
    const p = new URLSearchParams();
    if (form) {
      ["q", "category", "status", "skill", "when", "ward"].forEach((name) => {
        const value = form.elements[name] && form.elements[name].value.trim();
        if (value) p.set(name, value);
      });
    }
    if (wardSlug) p.set("ward", wardSlug);
    return p;
  }

  let pending = null;
  let timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  }

  function load() {
    const kinds = enabledKinds();
    const b = map.getBounds();
    const p = filterParams();
    p.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(","));
    p.set("zoom", map.getZoom());
    p.set("kind", kinds.join(","));
    writeUrl();
    if (pending) pending.abort();
    pending = new AbortController();
    el.setAttribute("aria-busy", "true");
    if (!kinds.length) return draw({ mode: "points", items: [], wards: {} });
    fetch(`${el.dataset.items}?${p}`, { signal: pending.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(r)))
      .then(draw)
      .catch((e) => { if (e.name !== "AbortError") el.removeAttribute("aria-busy"); });
    refreshList(p);
  }

  function draw(data) {
    pins.clearLayers();
    serverClusters.clearLayers();
    if (data.mode === "points") {
      const markers = data.items.map((item) => {
        // Reachable and opened by keyboard (Enter), named as a screen reader should say it.
        const name = `${labels[item[1]] || item[1]}: ${item[4]}, ${data.wards[item[6]] || ""}`;
        const marker = L.marker([item[3], item[2]], { icon: pinIcon(item[1]), title: name, keyboard: true, kind: item[1] });
        return marker.bindPopup(() => popup(item, data.wards));
      });
      pins.addLayers(markers);
    } else {
      data.cells.forEach(([lon, lat, n, kinds]) => {
        const parts = Object.entries(kinds || {}).map(([k, c]) => `${(labels.plural || {})[k] || k}: ${c}`);
        const name = `${n} ${labels.items || ""} (${parts.join(", ")}). ${labels.zoom || ""}`;
        const at = insideCell(lon, lat, data.cell, clusterSize(n, SERVER_CLUSTER_MAX) / 2);
        const marker = L.marker(at, { icon: clusterIcon(n, null, SERVER_CLUSTER_MAX), title: name, keyboard: true });
        marker.on("click", () => map.setView(at, Math.min(map.getZoom() + 2, map.getMaxZoom())));
        serverClusters.addLayer(marker);
      });
    }
    el.dataset.mode = data.mode;
    el.removeAttribute("aria-busy");
  }

  // A cluster's icon at its items' middle, but kept inside its own grid cell, so icons of
  // neighbouring cells never overlap (each stays a whole target, WCAG 2.5.8).
  const SERVER_CLUSTER_MAX = 40;
  function insideCell(lon, lat, cell, half) {
    if (!cell) return L.latLng(lat, lon);
    const gx = Math.floor(lon / cell), gy = Math.floor(lat / cell);
    const corner0 = map.latLngToLayerPoint([gy * cell, gx * cell]);
    const corner1 = map.latLngToLayerPoint([(gy + 1) * cell, (gx + 1) * cell]);
    const here = map.latLngToLayerPoint([lat, lon]);
    const clamp = (v, a, b) => {
      const lo = Math.min(a, b) + half, hi = Math.max(a, b) - half;
      return lo > hi ? (a + b) / 2 : Math.min(Math.max(v, lo), hi);
    };
    return map.layerPointToLatLng(L.point(clamp(here.x, corner0.x, corner1.x), clamp(here.y, corner0.y, corner1.y)));
  }

  function refreshList(p) {
    if (!list || !el.dataset.list) return;
    const q = new URLSearchParams(p);
    q.delete("zoom");
    q.set("partial", "1");
    if (near) {
      q.set("near_lat", near[0].toFixed(6));
      q.set("near_lon", near[1].toFixed(6));
    }
    fetch(`${el.dataset.list}?${q}`)
      .then((r) => (r.ok ? r.text() : Promise.reject(r)))
      .then((html) => {
        // The server rendered and escaped this fragment; it replaces the list in place.
        const doc = new DOMParser().parseFromString(html, "text/html");
        const fresh = doc.getElementById("item-list");
        // Unchanged lists are left alone, so keyboard focus inside them is not lost.
        if (fresh && fresh.innerHTML !== list.innerHTML) {
          list.replaceChildren(...fresh.childNodes);
          const status = document.getElementById("list-status");
          const summary = list.querySelector(".list-summary");
          if (status && summary) status.textContent = summary.textContent.trim();
        }
        list.dataset.loaded = "true";
      })
      .catch(() => {});
  }

  function writeUrl() {
    if (wardSlug) return;
    const c = map.getCenter();
    const p = filterParams();
    p.set("lat", c.lat.toFixed(5));
    p.set("lon", c.lng.toFixed(5));
    p.set("z", map.getZoom());
    const kinds = formKinds();
    if (kinds.length !== KINDS.length) p.set("kind", kinds.join(","));
    history.replaceState(null, "", `${location.pathname}?${p}`);
  }

  function toggleWards(on) {
    if (!on) { if (wardsLayer) map.removeLayer(wardsLayer); return; }
    if (wardsLayer) return wardsLayer.addTo(map);
    fetch(el.dataset.wards).then((r) => r.json()).then((geojson) => {
      wardsLayer = L.geoJSON(geojson, {
        style: (f) => ({ color: "#505a5f", weight: f.properties.slug === wardSlug ? 3 : 1, fillOpacity: 0 }),
        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name, { sticky: true }),
      }).addTo(map);
    });
  }

  if (form) {
    form.addEventListener("change", (e) => {
      if (e.target.name !== "postcode") refresh();
    });
    form.addEventListener("submit", (e) => {
      // A postcode is looked up by the server (the page comes back centred on it).
      if (form.elements.postcode && form.elements.postcode.value.trim()) return;
      e.preventDefault();
      refresh();
    });
    const nearButton = document.getElementById("near-me");
    if (nearButton && navigator.geolocation) {
      nearButton.hidden = false;
      const status = document.getElementById("near-me-status");
      nearButton.addEventListener("click", () =>
        navigator.geolocation.getCurrentPosition(
          (pos) => {
            near = [pos.coords.latitude, pos.coords.longitude];
            if (status) status.textContent = "";
            map.setView(near, 16);
          },
          () => { if (status) status.textContent = labels.nearRefused || ""; }
        )
      );
    }
  }

  // On a phone the filters fold away under the map (open again with one tap on their heading).
  const panel = document.getElementById("filters-panel");
  if (panel && window.matchMedia("(max-width: 50rem)").matches) panel.open = false;

  map.on("moveend", refresh);
  civicmap.addBoundary(map, el.dataset.boundary, false);
  if (el.dataset.wardBbox) {
    const [w, s, e, n] = JSON.parse(el.dataset.wardBbox);
    map.fitBounds([[s, w], [n, e]]);
    wardsToggle.addTo(map);
  } else if (near) {
    map.setView(near, 16);
  } else if (params.get("lat") && params.get("lon")) {
    map.setView([+params.get("lat"), +params.get("lon")], +(params.get("z") || 14));
  } else if (civicmap.areaBounds(el)) {
    map.fitBounds(civicmap.areaBounds(el));
  }
  refresh();
})();
