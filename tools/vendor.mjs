// Copies the pinned npm front-end libraries into static/vendor, so pages never use a CDN.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const files = {
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images": "leaflet/images",
  "leaflet/LICENSE": "leaflet/LICENSE",
  "leaflet.markercluster/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
  "leaflet.markercluster/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
  "leaflet.markercluster/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
  "leaflet.markercluster/MIT-LICENCE.txt": "markercluster/MIT-LICENCE.txt",
};

rmSync("static/vendor", { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(`static/vendor/${to}`.replace(/\/[^/]*$/, ""), { recursive: true });
  cpSync(`node_modules/${from}`, `static/vendor/${to}`, { recursive: true });
}
console.log(`copied ${Object.keys(files).length} front-end files into static/vendor`);
