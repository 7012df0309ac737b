/* Third-party embeds (videos, maps from others) load only when the visitor asks (CNIL): the page
   holds the provider's HTML in an inert <template>, so nothing is requested from the provider
   before the click. A visitor may ask to remember the choice for one provider (kept in this
   browser's localStorage, never sent to the portal) and withdraw it as easily, next to the content.
   Without JavaScript the button stays hidden and the link to the original site remains. No inline
   script: the Content-Security-Policy allows the portal's own files only. */
const KEY = 'ptce-embed-providers';

function remembered() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function remember(provider, yes) {
  const providers = new Set(remembered());
  if (yes) providers.add(provider); else providers.delete(provider);
  try {
    localStorage.setItem(KEY, JSON.stringify([...providers]));
  } catch {
    /* storage refused (private browsing): the choice lasts this page only */
  }
}

for (const figure of document.querySelectorAll('[data-embed-consent]')) {
  const provider = figure.dataset.embedProvider;
  const button = figure.querySelector('[data-embed-load]');
  const held = figure.querySelector('template[data-embed-html]');
  const frame = figure.querySelector('[data-embed-frame]');
  if (!button || !held || !frame) continue;
  const box = figure.querySelector('[data-embed-remember-box]');
  const checkbox = figure.querySelector('[data-embed-remember]');
  const forget = figure.querySelector('[data-embed-forget]');
  const status = figure.querySelector('[data-embed-status]');

  const load = ({ focus }) => {
    frame.replaceChildren(held.content.cloneNode(true));
    if (forget) forget.hidden = !remembered().includes(provider);
    const iframe = frame.querySelector('iframe');
    if (focus && iframe) iframe.focus();  // keyboard users keep their place
  };

  button.hidden = false;
  if (box) box.hidden = false;
  button.addEventListener('click', () => {
    if (checkbox && checkbox.checked) remember(provider, true);
    load({ focus: true });
  });
  if (forget) {
    forget.addEventListener('click', () => {
      remember(provider, false);
      forget.hidden = true;
      if (status) {
        status.textContent = status.dataset.forgotten;
        status.focus();
      }
    });
  }
  if (provider && remembered().includes(provider)) load({ focus: false });
}
