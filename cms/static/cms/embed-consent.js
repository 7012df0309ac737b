/* Third-party embeds (videos, maps from others) load only when the visitor asks (CNIL): the page
   holds the provider's HTML in an inert <template>, so nothing is requested from the provider
   before the click. Without JavaScript the button stays hidden and the link to the original site
   remains. No inline script: the Content-Security-Policy allows the portal's own files only. */
for (const figure of document.querySelectorAll('[data-embed-consent]')) {
  const button = figure.querySelector('[data-embed-load]');
  const held = figure.querySelector('template[data-embed-html]');
  const frame = figure.querySelector('[data-embed-frame]');
  if (!button || !held || !frame) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    frame.replaceChildren(held.content.cloneNode(true));
    const iframe = frame.querySelector('iframe');
    if (iframe) iframe.focus();  // keyboard users keep their place
  });
}
