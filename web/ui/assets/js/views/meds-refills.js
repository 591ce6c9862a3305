// The clinician's Refill requests: the requests waiting for them, oldest
// first, each to approve or decline with a note to the patient.

import { api } from '../api.js';
import { button, errorBox, h, nextId, statusBox } from '../dom.js';
import { at, backHome, card, signedIn } from './visits-common.js';

export async function refillsView() {
  const me = await signedIn('clinician');
  if (!me) {
    return null;
  }
  const status = statusBox();
  const listArea = h('div', {});
  const refresh = async () => {
    const { refills } = await api('GET', '/api/refills/pending');
    listArea.replaceChildren(refills.length === 0
      ? h('p', { class: 'empty', id: 'no-refills' }, 'No refill requests are waiting for you.')
      : h('ul', { class: 'list', id: 'refill-queue' }, refills.map((r) => requestItem(r, status, refresh))));
  };
  await refresh();
  const again = button('Check for new requests', { kind: 'quiet small' });
  again.addEventListener('click', () => refresh().catch((err) => {
    status.textContent = err.message;
  }));
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Refill requests'),
    h('p', { class: 'lede' }, 'Requests from your patients for medications you prescribed. The patient sees your answer and your note.'),
    status,
    card('queue-h', 'Waiting for you', listArea, h('div', { class: 'actions' }, again)));
}

function requestItem(r, status, refresh) {
  const box = errorBox();
  const noteId = nextId('note');
  const note = h('textarea', { id: noteId, name: 'note', maxlength: 1000, rows: 2 });
  const approve = button('Approve', { kind: 'small' });
  approve.setAttribute('aria-label', `Approve the refill of ${r.medication_name} for ${r.patient_name}`);
  const decline = button('Decline', { kind: 'danger small' });
  decline.setAttribute('aria-label', `Decline the refill of ${r.medication_name} for ${r.patient_name}`);
  const decide = (decision) => async (ev) => {
    ev.preventDefault();
    approve.disabled = decline.disabled = true;
    box.textContent = '';
    try {
      await api('POST', `/api/refills/${r.id}/decision`, { decision, note: note.value });
      status.textContent = `${decision === 'approve' ? 'Approved' : 'Declined'}: ${r.medication_name} for ${r.patient_name}.`;
      await refresh();
    } catch (err) {
      box.textContent = err.message;
      approve.disabled = decline.disabled = false;
    }
  };
  approve.addEventListener('click', decide('approve'));
  decline.addEventListener('click', decide('decline'));
  const form = h('form', { class: 'refill-form' },
    box,
    h('div', { class: 'field' }, h('label', { for: noteId }, `Note to ${r.patient_name} (optional)`), note),
    h('div', { class: 'actions' }, approve, decline));
  form.addEventListener('submit', (ev) => ev.preventDefault());
  return h('li', { 'data-id': String(r.id) },
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, `${r.patient_name}: ${r.medication_name}`),
      h('span', { class: 'list__meta' }, 'Asked ', at(r.requested_at), ' · ',
        h('a', { href: `/patient-medications?patient=${r.patient_id}` }, `Medications of ${r.patient_name}`)),
      form));
}
