// The organisation form's filler (portal/members/static/members/register-lookup.js): what a register
// entry writes into the form, and how a firm is described in the list of choices.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { details, formatSiret, formValues } from '../../portal/members/static/members/register-lookup.js';

const ENTRY = {
  name: 'MENUISERIE DU VAL', siret: '99810001000029', address: 'ZA DES TANNERIES 3 RUE DES TANNEURS',
  postcode: '18100', commune: 'ARVIERE', naf_code: '16.23Z', headcount_band: '10-19', kind: 'classic_firm',
  latitude: '47.221947', longitude: '2.068312', head_office: false, open: true,
};

test('a register entry fills every form field it knows, its point included', () => {
  assert.deepEqual(formValues(ENTRY), {
    name: 'MENUISERIE DU VAL', siret: '99810001000029', address: 'ZA DES TANNERIES 3 RUE DES TANNEURS',
    postcode: '18100', commune: 'ARVIERE', naf_code: '16.23Z', headcount_band: '10-19', kind: 'classic_firm',
    latitude: '47.221947', longitude: '2.068312',
  });
});

test('empty values leave the typed ones, but a missing point empties the old one', () => {
  const values = formValues({ ...ENTRY, naf_code: '', headcount_band: '', latitude: null, longitude: null });
  assert.equal('naf_code' in values, false);
  assert.equal('headcount_band' in values, false);
  assert.equal(values.latitude, '');
  assert.equal(values.longitude, '');
});

test('a firm is described by its SIRET as people read it, its place and its state', () => {
  assert.equal(formatSiret('99810001000029'), '998 100 010 00029');
  const labels = { headOffice: 'siège', closed: 'fermé' };
  assert.equal(details(ENTRY, labels), 'SIRET 998 100 010 00029 · ZA DES TANNERIES 3 RUE DES TANNEURS, 18100 ARVIERE');
  assert.equal(details({ ...ENTRY, head_office: true, open: false, address: '' }, labels),
    'SIRET 998 100 010 00029 · 18100 ARVIERE · siège · fermé');
});
