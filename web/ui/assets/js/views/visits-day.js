// The clinician's "My day": their visits and held offers on a chosen day,
// with the patients' names, in the viewer's own zone.

import { api } from '../api.js';
import { button, errorBox, h, nextId } from '../dom.js';
import { at, backHome, card, confirmInPlace, localDay, modalityText, signedIn, zoneNote } from './visits-common.js';

export async function dayView() {
  const me = await signedIn('clinician');
  if (!me) {
    return null;
  }
  const box = errorBox();
  const dateId = nextId('day');
  const picked = new URLSearchParams(location.search).get('date');
  const date = h('input', { id: dateId, name: 'date', type: 'date', required: true,
    value: /^\d{4}-\d{2}-\d{2}$/.test(picked || '') ? picked : localDay(new Date()) });
  const listArea = h('div', { 'aria-live': 'polite', id: 'day-list' });
  const heading = h('h2', { id: 'day-h' }, 'Visits');

  const show = async () => {
    box.textContent = '';
    try {
      const day = await api('GET', `/api/clinicians/${me.id}/day?date=${encodeURIComponent(date.value)}`);
      heading.textContent = `Visits on ${new Intl.DateTimeFormat(undefined, { dateStyle: 'full' }).format(new Date(`${date.value}T12:00:00`))}`;
      listArea.replaceChildren(day.appointments.length === 0
        ? h('p', { class: 'empty' }, 'No visits on this day.')
        : h('ul', { class: 'list' }, day.appointments.map((a) => visitItem(a, show))));
      history.replaceState(null, '', `/my-day?date=${date.value}`);
    } catch (err) {
      listArea.replaceChildren();
      if (err.status === 404) {
        listArea.append(h('p', {}, err.message, ' ', h('a', { href: '/availability' }, 'Set your availability')));
      } else {
        box.textContent = err.message;
      }
    }
  };
  const step = (days) => () => {
    const [y, m, d] = date.value.split('-').map(Number);
    date.value = localDay(new Date(y, m - 1, d + days, 12));
    show();
  };
  const prev = button('Previous day', { kind: 'quiet small' });
  prev.addEventListener('click', step(-1));
  const next = button('Next day', { kind: 'quiet small' });
  next.addEventListener('click', step(1));
  const form = h('form', { id: 'day-form', class: 'day-form' },
    box,
    h('div', { class: 'field' }, h('label', { for: dateId }, 'Day'), date),
    h('div', { class: 'actions' }, button('Show', { type: 'submit' }), prev, next));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!date.value) {
      box.textContent = 'Choose a day.';
      return;
    }
    show();
  });
  await show();
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'My day'),
    zoneNote(),
    h('div', { class: 'grid grid--2' },
      card('pick-h', 'Choose a day', form),
      h('section', { class: 'card', 'aria-labelledby': 'day-h' }, heading, listArea)),
    h('p', {}, h('a', { href: '/availability' }, 'Edit your availability and visit types')));
}

// visitItem is one visit of the day; the clinician may cancel it for the
// patient (they are not bound by the patients' notice window).
function visitItem(a, reload) {
  const box = errorBox();
  const actions = h('div', { class: 'actions' });
  const held = a.status === 'held';
  if (!held) {
    const cancel = button('Cancel', { kind: 'quiet small' });
    cancel.setAttribute('aria-label', `Cancel the visit with ${a.patient_name}`);
    cancel.addEventListener('click', () => confirmInPlace(actions, 'Cancel this visit for the patient?', 'Yes, cancel it', 'Keep it', box, async () => {
      await api('POST', `/api/appointments/${a.id}/cancel`);
      await reload();
    }));
    actions.append(cancel);
  }
  return h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, at(a.start, 'time'), '–', at(a.end, 'time'), ' · ', a.patient_name || 'Patient'),
      h('span', { class: 'list__meta' }, `${a.visit_type} · ${modalityText(a.modality)}`,
        held ? h('span', { class: 'tag' }, 'Offered from the waitlist') : null),
      held ? h('span', { class: 'list__meta' }, 'Held until ', at(a.hold_until, 'time')) : null,
      box),
    actions);
}
