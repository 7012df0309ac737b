// The directory's map (#17): Leaflet (vendored, loaded before this module as a deferred classic
// script: window.L) draws the business parks and the listed organisations of the page's JSON island.
// Popups are built from elements and textContent. Without a tile server (PORTAL_MAP_TILES_URL empty)
// the markers stand on a blank ground; the list under the map holds the same places either way.
// A file, not an inline script: the Content-Security-Policy allows the portal's own files only.

import { spreadOffsets } from "./map-spread.js";

function link(url, text) {
  const a = document.createElement("a");
  a.href = url;
  a.textContent = text;
  return a;
}

function line(...children) {
  const p = document.createElement("p");
  p.append(...children);
  return p;
}

function zonePopup(zone, labels) {
  const box = document.createElement("div");
  const title = document.createElement("strong");
  title.textContent = zone.name;
  box.append(line(title, ` · ${zone.commune}`));
  for (const club of zone.clubs) box.append(line(link(club.url, `${labels.club} ${club.name}`)));
  if (zone.count === 0) {
    box.append(line(labels.none));
    return box;
  }
  box.append(line(`${labels.members} ${zone.count}`));
  const list = document.createElement("ul");
  for (const member of zone.members) {
    const item = document.createElement("li");
    item.append(link(member.url, member.name));
    list.append(item);
  }
  box.append(list, line(link(zone.url, labels.more)));
  return box;
}

function firmPopup(firm) {
  const box = document.createElement("div");
  box.append(line(link(firm.url, firm.name)), line([firm.kind, firm.commune].filter(Boolean).join(" · ")));
  return box;
}

function addMarker(map, L, point, { name, className, size, popup, offset = [0, 0] }) {
  // The anchor moves opposite to the offset: the marker is drawn `offset` pixels away from its spot.
  const anchor = [size / 2 - offset[0], size / 2 - offset[1]];
  const marker = L.marker(point, {
    icon: L.divIcon({ className: `map-marker ${className}`, iconSize: [size, size], iconAnchor: anchor }),
    title: name,
    alt: name,
    keyboard: true,
    riseOnHover: true,
  });
  marker.bindPopup(popup, { maxWidth: 280 });
  marker.addTo(map);
  marker.getElement()?.setAttribute("aria-label", name);
  return marker;
}

const container = document.getElementById("directory-map");
const L = window.L;
if (container && L) {
  const data = JSON.parse(document.getElementById(container.dataset.mapData).textContent);
  const map = L.map(container, { scrollWheelZoom: false });
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", data.labels.map);
  if (data.tiles) {
    L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  const places = [
    ...data.zones.map((zone) => ({ lat: zone.lat, lng: zone.lng, name: zone.name, className: "map-marker-zone",
                                    size: 28, popup: () => zonePopup(zone, data.labels) })),
    ...data.organisations.map((firm) => ({ lat: firm.lat, lng: firm.lng, name: firm.name, className: "map-marker-firm",
                                           size: 24, popup: () => firmPopup(firm) })),
  ].filter((place) => place.lat !== null && place.lng !== null);
  const points = places.map((place) => [place.lat, place.lng]);
  const offsets = spreadOffsets(points, 28);
  places.forEach((place, index) => addMarker(map, L, points[index], { ...place, offset: offsets[index] }));
  if (points.length === 1) map.setView(points[0], 14);
  else map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
  container.dataset.ready = String(points.length);
}
