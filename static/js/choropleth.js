// The wards shaded by how many initiatives they have (sequential, colour-blind-safe blues).
(function () {
  "use strict";
  const el = document.getElementById("choropleth");
  if (!el || !window.L) return;
  const map = civicmap.baseMap(el, { zoom: 12 });
  const SHADES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  fetch(el.dataset.wards).then((r) => r.json()).then((geojson) => {
    const counts = geojson.features.map((f) => f.properties.items);
    const max = Math.max(1, ...counts);
    const shade = (n) => SHADES[Math.min(SHADES.length - 1, Math.floor((n / max) * SHADES.length))];
    const layer = L.geoJSON(geojson, {
      style: (f) => ({ color: "#0b0c0c", weight: 1, fillColor: shade(f.properties.items), fillOpacity: 0.8 }),
      onEachFeature: (f, l) => {
        l.bindTooltip(`${f.properties.name}: ${f.properties.items}`, { sticky: true });
        l.on("click", () => (location.href = `/areas/${f.properties.slug}`));
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    const legend = document.getElementById("choropleth-legend");
    if (legend) {
      SHADES.forEach((colour, i) => {
        const li = document.createElement("li");
        const key = document.createElement("span");
        key.className = "marker-key";
        key.style.background = colour;
        li.append(key, ` ${Math.round((i * max) / SHADES.length)}–${Math.round(((i + 1) * max) / SHADES.length)}`);
        legend.appendChild(li);
      });
    }
  });
})();
