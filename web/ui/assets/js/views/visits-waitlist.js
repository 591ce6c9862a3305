// The waitlist: the patient's requests to be offered an earlier time, and
// joining or leaving it.

import { api } from '../api.js';
import { button, errorBox, h, nextId } from '../dom.js';
import { at, card, dayLabel, localDay, selectOf } from './visits-common.js';

export async function waitlistSection(me, team, status) {
  const base = `/api/patients/${me.id}/waitlist`;
  const listArea = h('div', {});
  const refresh = async () => {
    const { waitlist } = await api('GET', base);
    listArea.replaceChildren(waitlist.length === 0
      ? h('p', { class: 'empty' }, 'You are not on any waitlist.')
      : h('ul', { class: 'list', id: 'waitlist' }, waitlist.map((e) => entryItem(e, status, refresh))));
  };
  await refresh();
  return card('waitlist-h', 'Waitlist for an earlier time',
    h('p', { class: 'muted' }, 'If a time opens up before the date you choose, it is held for you for a short while and shown at the top of this page.'),
    listArea,
    joinForm(me, team, status, refresh));
}

function entryItem(e, status, refresh) {
  const box = errorBox();
  const leave = button('Leave waitlist', { kind: 'quiet small' });
  leave.setAttribute('aria-label', `Leave the waitlist for ${e.clinician_name}`);
  leave.addEventListener('click', async () => {
    leave.disabled = true;
    box.textContent = '';
    try {
      await api('DELETE', `/api/waitlist/${e.id}`);
      status.textContent = `You left the waitlist for ${e.clinician_name}.`;
      await refresh();
    } catch (err) {
      box.textContent = err.message;
      leave.disabled = false;
    }
  });
  return h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, `${e.visit_type} with ${e.clinician_name}`),
      h('span', { class: 'list__meta' }, 'Any time before ', at(e.before, 'day')),
      e.offer_id ? h('span', { class: 'list__meta' }, 'A time is held for you until ', at(e.offer_until, 'time'), ': see the top of the page.') : null,
      box),
    h('div', { class: 'actions' }, leave));
}

// joinForm asks for an earlier time with a clinician, before a date.
function joinForm(me, team, status, refresh) {
  const box = errorBox();
  const who = selectOf('wait-clinician', 'Clinician', 'Choose a clinician', team.map((m) => [m.id, m.display_name]),
    team.length === 1 ? team[0].id : '');
  const what = selectOf('wait-type', 'Kind of visit', 'Choose a clinician first', []);
  const beforeId = nextId('wait-before');
  const soon = new Date(Date.now() + 14 * 24 * 60 * 60 * 1000);
  const before = h('input', { id: beforeId, name: 'before', type: 'date', required: true, min: localDay(new Date()), value: localDay(soon) });
  const loadTypes = async () => {
    if (!who.input.value) {
      return;
    }
    const { visit_types: types } = await api('GET', `/api/clinicians/${who.input.value}/visit-types`);
    const keep = what.input.value;
    what.input.replaceChildren(h('option', { value: '' }, 'Choose a kind of visit'),
      ...types.map((t) => h('option', { value: String(t.id) }, t.name)));
    what.input.value = types.some((t) => String(t.id) === keep) ? keep : (types.length === 1 ? String(types[0].id) : '');
  };
  who.input.addEventListener('change', () => loadTypes().catch((err) => {
    box.textContent = err.message;
  }));
  const submit = button('Join the waitlist', { type: 'submit' });
  const form = h('form', { id: 'waitlist-form' },
    h('h3', {}, 'Ask for an earlier time'),
    box, who.wrap, what.wrap,
    h('div', { class: 'field' }, h('label', { for: beforeId }, 'Before'), before,
      h('span', { class: 'hint' }, 'We offer you times that start before this day.')),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.textContent = '';
    if (!who.input.value || !what.input.value || !before.value) {
      box.textContent = 'Choose a clinician, a kind of visit and a date.';
      return;
    }
    submit.disabled = true;
    try {
      const [y, m, d] = before.value.split('-').map(Number);
      const until = new Date(y, m - 1, d, 0, 0, 0);
      await api('POST', `/api/patients/${me.id}/waitlist`, {
        clinician_id: Number(who.input.value), visit_type_id: Number(what.input.value), before: until.toISOString(),
      });
      status.textContent = `You are on the waitlist for times before ${dayLabel(before.value)}.`;
      await refresh();
    } catch (err) {
      box.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  loadTypes().catch(() => {});
  return form;
}
