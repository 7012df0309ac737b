// The room in one column (phones, tablets held upright: up to 860 px, as room.css).
// - The members list starts folded: under the discussion, a long list would push the workgroup's
//   links out of reach. The <details> opens it by touch or keyboard; without JS it stays open.
// - The page opens scrolled down to the end of the discussion, so the latest messages and the
//   composer share the first screen. The composer sticks to the bottom of the screen (room.css):
//   left at the top of the page, it would cover the latest messages. A link to one message
//   (#message-…) keeps room.js's own scrolling.
const ONE_COLUMN = window.matchMedia('(max-width: 860px)');

if (ONE_COLUMN.matches) {
  const details = document.querySelector('.room-members details');
  if (details) details.open = false;
  const discussion = document.querySelector('.room-discussion');
  const below = discussion ? discussion.getBoundingClientRect().bottom - window.innerHeight : 0;
  if (below > 0 && !location.hash) window.scrollBy(0, below);
}
