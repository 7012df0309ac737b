/* Fills the organisation form from the company register: a SIRET or a name is searched through
 * members:register_lookup (which asks the public "Recherche d'entreprises" API), the firms found are
 * listed as buttons (Tab or the arrow keys move among them, Enter chooses), and the chosen one fills
 * the form's fields, its point on the map included (hidden latitude and longitude). The texts come
 * translated from the page (data-* attributes of #register-lookup); every text goes in by textContent.
 */

/** Form field name → value for a register entry; empty values leave what the person typed. */
export function formValues(entry) {
  const values = {};
  for (const name of ['name', 'siret', 'address', 'postcode', 'commune', 'naf_code', 'headcount_band', 'kind']) {
    if (entry[name]) values[name] = String(entry[name]);
  }
  // The point always follows the chosen firm: none from the register means none (the portal then
  // asks the address base once the form is saved).
  values.latitude = entry.latitude ? String(entry.latitude) : '';
  values.longitude = entry.longitude ? String(entry.longitude) : '';
  return values;
}

/** "732 829 320 00074": a SIRET as people read it. */
export function formatSiret(siret) {
  const digits = String(siret || '').replace(/\D/g, '');
  return digits.length === 14 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6, 9)} ${digits.slice(9)}` : digits;
}

/** The line under a firm's name: SIRET, address, and whether it is the head office or closed. */
export function details(entry, labels) {
  const place = [entry.address, [entry.postcode, entry.commune].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const parts = [`SIRET ${formatSiret(entry.siret)}`, place];
  if (entry.head_office) parts.push(labels.headOffice);
  if (entry.open === false) parts.push(labels.closed);
  return parts.filter(Boolean).join(' · ');
}

const POINT_FIELDS = ['latitude', 'longitude'];
const ADDRESS_FIELDS = ['address', 'postcode', 'commune'];

function setField(field, value) {
  if (!field) return false;
  if (field.tagName === 'SELECT' && ![...field.options].some((option) => option.value === value)) return false;
  field.value = value;
  return true;
}

function attach(box) {
  const form = document.getElementById(box.dataset.form);
  const search = box.querySelector('form');
  const input = search.querySelector('input[type="search"]');
  const status = box.querySelector('[role="status"]');
  const list = box.querySelector('ul');
  const labels = { headOffice: box.dataset.headOffice, closed: box.dataset.closed };
  let ticket = 0;

  const say = (text) => { status.textContent = text; };
  const buttons = () => [...list.querySelectorAll('button')];

  function fill(entry) {
    const values = formValues(entry);
    for (const [name, value] of Object.entries(values)) setField(form.elements.namedItem(name), value);
    list.replaceChildren();
    say(box.dataset.filled);
    const first = form.elements.namedItem('name');
    if (first) first.focus();
  }

  function show(results) {
    list.replaceChildren();
    for (const entry of results) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      const name = document.createElement('span');
      name.className = 'firm-name';
      name.textContent = entry.name;
      const more = document.createElement('span');
      more.className = 'firm-details';
      more.textContent = details(entry, labels);
      button.append(name, more);
      button.addEventListener('click', () => fill(entry));
      item.append(button);
      list.append(item);
    }
    say(results.length ? box.dataset.found : box.dataset.none);
  }

  search.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) { input.focus(); return; }
    const mine = ++ticket;
    list.replaceChildren();
    say(box.dataset.searching);
    try {
      const response = await fetch(`${box.dataset.url}?q=${encodeURIComponent(query)}`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      const data = await response.json().catch(() => ({}));
      if (mine !== ticket) return;
      if (!response.ok) { say(data.error || box.dataset.failed); return; }
      show(data.results || []);
    } catch {
      if (mine === ticket) say(box.dataset.failed);
    }
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && buttons().length) { event.preventDefault(); buttons()[0].focus(); }
  });
  list.addEventListener('keydown', (event) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === 'ArrowDown' && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
    if (event.key === 'ArrowUp') { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
    if (event.key === 'Escape') { event.preventDefault(); list.replaceChildren(); say(''); input.focus(); }
  });

  // An address typed by hand no longer matches the register's point: drop it, the portal places the
  // new address itself after the save.
  for (const name of ADDRESS_FIELDS) {
    const field = form.elements.namedItem(name);
    if (field) {
      field.addEventListener('input', () => {
        for (const point of POINT_FIELDS) setField(form.elements.namedItem(point), '');
      });
    }
  }
  box.hidden = false;
}

if (typeof document !== 'undefined') {
  document.querySelectorAll('#register-lookup[data-url]').forEach(attach);
}
