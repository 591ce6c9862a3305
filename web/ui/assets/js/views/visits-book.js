// Booking a visit: a clinician of the care team, a visit type, a day with
// open times, a time, then confirm. A time taken meanwhile is said so,
// and the choices made are kept.

import { api } from '../api.js';
import { button, errorBox, h } from '../dom.js';
import { at, card, modalityText, selectOf } from './visits-common.js';
import { slotPicker } from './visits-slots.js';

export function bookingForm(me, team, status, refresh) {
  const box = errorBox();
  const who = selectOf('book-clinician', 'Clinician', 'Choose a clinician', team.map((m) => [m.id, m.display_name]),
    team.length === 1 ? team[0].id : '');
  const what = selectOf('book-type', 'Kind of visit', 'Choose a clinician first', []);
  const slotArea = h('div', {});
  const summary = h('p', { class: 'booking-summary', 'aria-live': 'polite' });
  const submit = button('Book this visit', { type: 'submit' });
  submit.id = 'book-submit';
  submit.disabled = true;
  let picker = null;
  let types = [];

  const summarize = (chosen) => {
    submit.disabled = !chosen;
    const t = types.find((x) => String(x.id) === what.input.value);
    summary.replaceChildren(...(chosen && t
      ? ['You are booking: ', h('strong', {}, t.name), ' (', modalityText(t.modality), ', ', `${t.minutes} minutes`, ') on ', at(chosen), '.']
      : []));
  };

  const loadTypes = async () => {
    picker = null;
    slotArea.replaceChildren();
    summarize('');
    if (!who.input.value) {
      what.input.replaceChildren(h('option', { value: '' }, 'Choose a clinician first'));
      return;
    }
    ({ visit_types: types } = await api('GET', `/api/clinicians/${who.input.value}/visit-types`));
    what.input.replaceChildren(
      h('option', { value: '' }, types.length === 0 ? 'No visits can be booked online yet' : 'Choose a kind of visit'),
      ...types.map((t) => h('option', { value: String(t.id) }, `${t.name} — ${t.minutes} minutes, ${modalityText(t.modality).toLowerCase()}`)));
    if (types.length === 1) {
      what.input.value = String(types[0].id);
      await loadSlots();
    }
  };
  const loadSlots = async () => {
    summarize('');
    if (!what.input.value) {
      picker = null;
      slotArea.replaceChildren();
      return;
    }
    picker = slotPicker(who.input.value, what.input.value, summarize);
    slotArea.replaceChildren(picker.node);
    await picker.reload();
  };
  const guarded = (fn) => async () => {
    box.textContent = '';
    try {
      await fn();
    } catch (err) {
      box.textContent = err.message;
    }
  };
  who.input.addEventListener('change', guarded(loadTypes));
  what.input.addEventListener('change', guarded(loadSlots));

  const form = h('form', { id: 'book-form' },
    box,
    team.length === 0 ? h('p', { class: 'empty' }, 'No clinicians are on your care team yet, so visits cannot be booked online.') : null,
    who.wrap, what.wrap, slotArea, summary,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!picker || !picker.chosen()) {
      box.textContent = 'Choose a time first.';
      return;
    }
    box.textContent = '';
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const a = await api('POST', `/api/patients/${me.id}/appointments`, {
        clinician_id: Number(who.input.value), visit_type_id: Number(what.input.value), start: picker.chosen(),
      });
      status.replaceChildren('Your visit is booked: ', at(a.start), ` with ${a.clinician_name}.`);
      await refresh();
      await picker.reload();
    } catch (err) {
      box.textContent = err.message;
      if (err.status === 409 && picker) {
        await picker.reload().catch(() => {});
      }
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = !(picker && picker.chosen());
    }
  });
  if (team.length === 1) {
    guarded(loadTypes)();
  }
  return card('book-h', 'Book a visit',
    h('p', { class: 'muted' }, 'Choose who you would like to see, the kind of visit, then a day and a time.'),
    form);
}
