// The patient's Appointments page: offers of earlier times, upcoming
// visits (cancel, reschedule), booking a visit, and the waitlist. Times are
// shown in the viewer's own zone.

import { api } from '../api.js';
import { button, errorBox, h, statusBox } from '../dom.js';
import { at, backHome, card, confirmInPlace, modalityText, signedIn, zoneNote } from './visits-common.js';
import { bookingForm } from './visits-book.js';
import { waitlistSection } from './visits-waitlist.js';
import { slotPicker } from './visits-slots.js';

export async function visitsView() {
  const me = await signedIn('patient');
  if (!me) {
    return null;
  }
  const base = `/api/patients/${me.id}`;
  const status = statusBox();
  const offers = h('div', {});
  const upcoming = h('div', {});
  const team = (await api('GET', `${base}/care-team`)).members;

  const refresh = async () => {
    const { appointments } = await api('GET', `${base}/appointments`);
    const held = appointments.filter((a) => a.status === 'held');
    const booked = appointments.filter((a) => a.status === 'booked');
    offers.replaceChildren(...(held.length === 0 ? [] : [card('offers-h', 'Earlier times held for you',
      h('p', { class: 'muted' }, 'You asked to be offered an earlier time. Each one is held for you for a short while.'),
      h('ul', { class: 'list', id: 'offer-list' }, held.map((a) => offerItem(a, status, refresh))))]));
    upcoming.replaceChildren(card('upcoming-h', 'Upcoming visits',
      booked.length === 0
        ? h('p', { class: 'empty' }, 'You have no upcoming visits.')
        : h('ul', { class: 'list', id: 'visit-list' }, booked.map((a) => visitItem(a, status, refresh)))));
  };
  await refresh();
  const waitlist = await waitlistSection(me, team, status);
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Appointments'),
    zoneNote(),
    status,
    offers,
    upcoming,
    bookingForm(me, team, status, refresh),
    waitlist);
}

// describe is a visit's type, clinician and modality in words.
function describe(a) {
  return `${a.visit_type} with ${a.clinician_name} · ${modalityText(a.modality)}`;
}

// visitItem is one upcoming visit with its actions.
function visitItem(a, status, refresh) {
  const box = errorBox();
  const actions = h('div', { class: 'actions' });
  const more = h('div', { class: 'visit-more' });
  const cancel = button('Cancel visit', { kind: 'quiet small' });
  cancel.setAttribute('aria-label', `Cancel the visit on ${at(a.start).textContent}`);
  cancel.addEventListener('click', () => confirmInPlace(actions, 'Cancel this visit?', 'Yes, cancel it', 'Keep it', box, async () => {
    await api('POST', `/api/appointments/${a.id}/cancel`);
    status.textContent = 'Your visit is cancelled.';
    await refresh();
  }));
  const move = button('Reschedule', { kind: 'quiet small' });
  move.setAttribute('aria-label', `Reschedule the visit on ${at(a.start).textContent}`);
  move.setAttribute('aria-expanded', 'false');
  const close = () => {
    more.replaceChildren();
    move.setAttribute('aria-expanded', 'false');
    move.focus();
  };
  move.addEventListener('click', () => {
    if (more.childNodes.length > 0) {
      close();
      return;
    }
    move.setAttribute('aria-expanded', 'true');
    more.replaceChildren(rescheduleForm(a, box, status, refresh, close));
    more.querySelector('select')?.focus();
  });
  actions.append(move, cancel);
  return h('li', { 'data-id': String(a.id) },
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, at(a.start)),
      h('span', { class: 'list__meta' }, describe(a)),
      a.waiting_room_opens_at ? h('span', { class: 'list__meta' }, 'Waiting room opens at ', at(a.waiting_room_opens_at, 'time')) : null,
      box,
      more),
    actions);
}

// rescheduleForm picks another open time of the same visit type.
function rescheduleForm(a, box, status, refresh, close) {
  const err = errorBox();
  const submit = button('Move my visit', { type: 'submit' });
  submit.disabled = true;
  const picker = slotPicker(a.clinician_id, a.visit_type_id, (chosen) => {
    submit.disabled = !chosen;
  });
  const keep = button('Keep the current time', { kind: 'quiet' });
  keep.addEventListener('click', close);
  const form = h('form', { class: 'reschedule' },
    h('p', { class: 'label' }, 'Choose a new time'),
    err,
    picker.node,
    h('div', { class: 'actions' }, submit, keep));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    box.textContent = '';
    submit.disabled = true;
    try {
      await api('POST', `/api/appointments/${a.id}/reschedule`, { start: picker.chosen() });
      status.textContent = 'Your visit is moved.';
      await refresh();
    } catch (e) {
      err.textContent = e.message;
      if (e.status === 409) {
        await picker.reload().catch(() => {});
      }
      submit.disabled = !picker.chosen();
    }
  });
  picker.reload().catch((e) => {
    err.textContent = e.message;
  });
  return form;
}

// offerItem is one held offer with accept and decline.
function offerItem(a, status, refresh) {
  const box = errorBox();
  const accept = button('Book this time', { kind: 'small' });
  const decline = button('No, thanks', { kind: 'quiet small' });
  const act = (path, done) => async () => {
    accept.disabled = decline.disabled = true;
    box.textContent = '';
    try {
      await api('POST', `/api/offers/${a.id}/${path}`);
      status.textContent = done;
      await refresh();
    } catch (e) {
      box.textContent = e.message;
      accept.disabled = decline.disabled = false;
    }
  };
  accept.addEventListener('click', act('accept', 'The earlier time is booked for you.'));
  decline.addEventListener('click', act('decline', 'You declined the earlier time. You stay on the waitlist.'));
  return h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, at(a.start)),
      h('span', { class: 'list__meta' }, describe(a)),
      h('span', { class: 'list__meta' }, 'Held for you until ', at(a.hold_until, 'time')),
      box),
    h('div', { class: 'actions' }, accept, decline));
}
