// Tells the portal which result of a logged search was followed (its rank, in a token the results
// page signed): one beacon per click, sent from this file, never from an inline script (strict CSP).
const list = document.querySelector("ol.hits[data-click-url]");

function followed(event) {
  const link = event.target.closest("a[data-click]");
  if (!link || !navigator.sendBeacon) {
    return;
  }
  navigator.sendBeacon(list.dataset.clickUrl, new URLSearchParams({ c: link.dataset.click }));
}

if (list) {
  list.addEventListener("click", followed);
  // A middle click opens the result in a new tab: followed too.
  list.addEventListener("auxclick", followed);
}
