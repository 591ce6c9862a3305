// A clinician's view of one patient's medications
// (/patient-medications?patient=ID): the list with adherence, adding,
// changing and removing entries, and the patient's refill requests.

import { api } from '../api.js';
import { button, errorBox, field, h, nextId, statusBox } from '../dom.js';
import { backHome, card, confirmInPlace, localDay, signedIn, viewerZone } from './visits-common.js';
import { adherenceText, refillList } from './meds-common.js';

export async function medsManageView() {
  const me = await signedIn('clinician');
  if (!me) {
    return null;
  }
  const id = Number(new URLSearchParams(location.search).get('patient'));
  if (!Number.isInteger(id) || id <= 0) {
    return h('section', {}, backHome(), h('h1', {}, 'Medications'), h('p', { role: 'alert' }, 'Choose a patient from your home page.'));
  }
  const { patients } = await api('GET', '/api/me/patients');
  const patient = patients.find((p) => p.id === id) || { id, display_name: 'this patient' };
  const base = `/api/patients/${id}`;
  const status = statusBox();
  const listArea = h('div', {});
  const refillArea = h('div', {});
  const formArea = h('div', {});

  const refresh = async () => {
    const [{ medications }, adherence, { refills }] = await Promise.all([
      api('GET', `${base}/medications`), api('GET', `${base}/adherence?days=30`), api('GET', `${base}/refills`)]);
    const rates = new Map(adherence.medications.map((m) => [m.medication_id, m]));
    listArea.replaceChildren(
      adherence.expected > 0 ? h('p', { class: 'muted' }, adherenceText(adherence, 30)) : null,
      medications.length === 0
        ? h('p', { class: 'empty' }, 'No medications recorded.')
        : h('ul', { class: 'list', id: 'manage-list' }, medications.map((m) => medItem(m, rates.get(m.id)))));
    refillArea.replaceChildren(refillList(refills, 'No refill requests.'));
  };
  const showForm = (m) => {
    formArea.replaceChildren(medForm(base, m, status, async () => {
      await refresh();
      showForm(null);
    }, () => showForm(null)));
  };
  const medItem = (m, rate) => {
    const box = errorBox();
    const actions = h('div', { class: 'actions' });
    const edit = button('Change', { kind: 'quiet small' });
    edit.setAttribute('aria-label', `Change ${m.name}`);
    edit.addEventListener('click', () => {
      showForm(m);
      formArea.querySelector('input')?.focus();
    });
    const remove = button('Remove', { kind: 'quiet small' });
    remove.setAttribute('aria-label', `Remove ${m.name}`);
    remove.addEventListener('click', () => confirmInPlace(actions, 'Remove it (entered in error)?', `Yes, remove ${m.name}`, 'Keep it', box, async () => {
      await api('DELETE', `/api/medications/${m.id}`);
      status.textContent = `${m.name} was removed from the list.`;
      await refresh();
    }));
    actions.append(edit, remove);
    return h('li', {},
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' }, `${m.name} · ${m.dose}`),
        m.instructions ? h('span', { class: 'list__meta' }, m.instructions) : null,
        h('span', { class: 'list__meta' }, m.daily_times.length ? `Daily at ${m.daily_times.join(', ')} (${m.zone})` : 'No set dose times',
          ` · from ${m.start}${m.stop ? ` to ${m.stop}` : ''}`, m.prescriber_name ? ` · prescribed by ${m.prescriber_name}` : '',
          m.reminders_on ? ' · reminders on' : ''),
        rate && rate.expected > 0 ? h('span', { class: 'list__meta' }, adherenceText(rate, 30)) : null,
        box),
      actions);
  };
  await refresh();
  showForm(null);
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, `Medications of ${patient.display_name}`),
    status,
    h('div', { class: 'grid grid--2' },
      card('list-h', 'Medication list', listArea),
      card('edit-h', 'Record a medication', formArea)),
    card('patient-refills-h', 'Refill requests', refillArea, h('p', {}, h('a', { href: '/refills' }, 'Requests waiting for you'))));
}

// medForm adds a medication (m null) or changes m. What was typed stays
// when the server refuses it.
function medForm(base, m, status, saved, cancel) {
  const box = errorBox();
  const name = field({ label: 'Medication', name: 'name', maxlength: 200, value: m ? m.name : '' });
  const dose = field({ label: 'Dose', name: 'dose', maxlength: 100, value: m ? m.dose : '', hint: 'For example “50 mg”.' });
  const instrId = nextId('instructions');
  const instructions = h('textarea', { id: instrId, name: 'instructions', maxlength: 1000, rows: 2 });
  instructions.value = m ? m.instructions : '';
  const times = field({ label: 'Daily dose times', name: 'times', required: false, value: m ? m.daily_times.join(', ') : '',
    hint: 'Times of day, 24-hour, separated by commas: “08:00, 20:00”. Leave empty for as needed.' });
  const zone = field({ label: 'Time zone of the dose times', name: 'zone', value: m ? m.zone : viewerZone(), hint: 'The patient’s time zone, such as America/New_York.' });
  const start = field({ label: 'Started', name: 'start', type: 'date', value: m ? m.start : localDay(new Date()) });
  const stop = field({ label: 'Stopped (optional)', name: 'stop', type: 'date', required: false, value: m ? m.stop : '' });
  const submit = button(m ? `Save ${m.name}` : 'Add to the list', { type: 'submit' });
  const actions = h('div', { class: 'actions' }, submit);
  if (m) {
    const back = button('Cancel', { kind: 'quiet' });
    back.addEventListener('click', cancel);
    actions.append(back);
  }
  const form = h('form', { id: 'med-form' },
    m ? h('p', { class: 'label' }, `Changing ${m.name}`) : null,
    box, name.wrap, dose.wrap,
    h('div', { class: 'field' }, h('label', { for: instrId }, 'Instructions'), instructions),
    times.wrap, zone.wrap, start.wrap, stop.wrap, actions);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.textContent = '';
    submit.disabled = true;
    const body = {
      name: name.input.value, dose: dose.input.value, instructions: instructions.value,
      daily_times: times.input.value.split(/[\s,]+/).filter(Boolean), zone: zone.input.value.trim(),
      start: start.input.value, stop: stop.input.value, prescriber_id: 0,
    };
    try {
      const saved_ = m ? await api('PUT', `/api/medications/${m.id}`, body) : await api('POST', `${base}/medications`, body);
      status.textContent = m ? `${saved_.name} was changed.` : `${saved_.name} was added.`;
      await saved();
    } catch (err) {
      box.textContent = err.message;
      submit.disabled = false;
    }
  });
  return form;
}
