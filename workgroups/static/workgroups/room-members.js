// The room's members list starts folded on a phone: under the discussion, a long list would push the
// workgroup's links out of reach. The <details> element opens and closes it, by touch or keyboard;
// without JavaScript it stays open.
const details = document.querySelector('.room-members details');
if (details && window.matchMedia('(max-width: 860px)').matches) details.open = false;
