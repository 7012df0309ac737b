// Markers standing on the same spot (firms of one building, a firm placed at its park's centre) would
// hide one another: each gets a screen offset, in pixels, around the spot, so all stay visible and
// clickable at every zoom without a clustering plugin. Pure: unit-tested by tests/js/map-spread.test.mjs.

// Two points closer than this (in degrees, about a metre) are the same spot.
const SAME_SPOT = 1e-5;

function spotKey([lat, lng]) {
  return `${Math.round(lat / SAME_SPOT)}:${Math.round(lng / SAME_SPOT)}`;
}

// For each point, [dx, dy] in pixels: [0, 0] when alone on its spot; otherwise the points of a spot
// stand evenly on a circle wide enough for markers of `size` pixels not to overlap.
export function spreadOffsets(points, size) {
  const spots = new Map();
  points.forEach((point, index) => {
    const key = spotKey(point);
    if (!spots.has(key)) spots.set(key, []);
    spots.get(key).push(index);
  });
  const offsets = points.map(() => [0, 0]);
  for (const indexes of spots.values()) {
    const count = indexes.length;
    if (count < 2) continue;
    const radius = Math.max(size, (count * (size + 4)) / (2 * Math.PI));
    indexes.forEach((index, rank) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * rank) / count;
      offsets[index] = [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
    });
  }
  return offsets;
}
