// The clinician's Availability editor: time zone, weekly hours and dated
// exceptions, saved together; and the kinds of visit they offer.

import { api } from '../api.js';
import { button, errorBox, h, nextId, statusBox } from '../dom.js';
import { backHome, card, signedIn, viewerZone } from './visits-common.js';
import { visitTypesSection } from './visits-types.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export async function availabilityView() {
  const me = await signedIn('clinician');
  if (!me) {
    return null;
  }
  let av = { zone: viewerZone(), weekly: [], exceptions: [] };
  try {
    av = await api('GET', `/api/clinicians/${me.id}/availability`);
  } catch (err) {
    if (err.status !== 404) {
      throw err;
    }
  }
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Availability'),
    h('p', { class: 'lede' }, 'Patients can book your open times online. Hours are in the time zone you choose here.'),
    hoursForm(me, av),
    await visitTypesSection(me),
    h('p', {}, h('a', { href: '/my-day' }, 'See my day')));
}

// zoneSelect chooses an IANA zone.
function zoneSelect(value) {
  const id = nextId('zone');
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes(value)) {
    zones = [value, ...zones];
  }
  const input = h('select', { id, name: 'zone' }, zones.map((z) => h('option', { value: z }, z.replaceAll('_', ' '))));
  input.value = value;
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, 'Time zone'), input), input };
}

// timeInput is a labelled HH:MM input.
function timeInput(label, name, value) {
  const id = nextId(name);
  const input = h('input', { id, name, type: 'time', value: value || '', step: 300 });
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

// weeklyRow is one recurring window: weekday, start, end.
function weeklyRow(w, remove) {
  const id = nextId('weekday');
  const day = h('select', { id, name: 'weekday' }, WEEKDAYS.map((d, i) => h('option', { value: String(i) }, d)));
  day.value = String(w.weekday ?? 1);
  const start = timeInput('From', 'start', w.start || '09:00');
  const end = timeInput('Until', 'end', w.end || '17:00');
  const del = button('Remove', { kind: 'quiet small' });
  const node = h('li', { class: 'hours-row' },
    h('div', { class: 'field' }, h('label', { for: id }, 'Day'), day), start.wrap, end.wrap, del);
  del.addEventListener('click', () => remove(node));
  const update = () => del.setAttribute('aria-label', `Remove ${WEEKDAYS[Number(day.value)]} ${start.input.value}–${end.input.value}`);
  for (const el of [day, start.input, end.input]) {
    el.addEventListener('change', update);
  }
  update();
  return { node, value: () => ({ weekday: Number(day.value), start: start.input.value, end: end.input.value }) };
}

// exceptionRow is one dated change: a day off, hours off, or extra hours.
function exceptionRow(e, remove) {
  const dateId = nextId('exc-date');
  const kindId = nextId('exc-kind');
  const date = h('input', { id: dateId, name: 'date', type: 'date', value: e.date || '' });
  const kind = h('select', { id: kindId, name: 'kind' },
    h('option', { value: 'dayoff' }, 'Day off'), h('option', { value: 'off' }, 'Hours off'), h('option', { value: 'extra' }, 'Extra hours'));
  kind.value = e.kind === 'extra' ? 'extra' : (e.kind === 'off' && e.start ? 'off' : 'dayoff');
  const start = timeInput('From', 'start', e.start || '09:00');
  const end = timeInput('Until', 'end', e.end || '12:00');
  const del = button('Remove', { kind: 'quiet small' });
  const sync = () => {
    const whole = kind.value === 'dayoff';
    start.wrap.hidden = whole;
    end.wrap.hidden = whole;
    del.setAttribute('aria-label', `Remove the exception on ${date.value || 'no date'}`);
  };
  kind.addEventListener('change', sync);
  date.addEventListener('change', sync);
  sync();
  const node = h('li', { class: 'hours-row' },
    h('div', { class: 'field' }, h('label', { for: dateId }, 'Date'), date),
    h('div', { class: 'field' }, h('label', { for: kindId }, 'Change'), kind), start.wrap, end.wrap, del);
  del.addEventListener('click', () => remove(node));
  return {
    node,
    value: () => (kind.value === 'dayoff'
      ? { date: date.value, kind: 'off', start: '', end: '' }
      : { date: date.value, kind: kind.value, start: start.input.value, end: end.input.value }),
  };
}

// rowList keeps editable rows and an "add" button.
function rowList(listId, items, make, addText, emptyText) {
  const rows = [];
  const list = h('ul', { class: 'hours-list', id: listId });
  const empty = h('p', { class: 'empty' }, emptyText);
  const sync = () => {
    empty.hidden = rows.length > 0;
  };
  const remove = (node) => {
    const i = rows.findIndex((r) => r.node === node);
    if (i >= 0) {
      rows.splice(i, 1);
      node.remove();
    }
    sync();
    add.focus();
  };
  const push = (item) => {
    const r = make(item, remove);
    rows.push(r);
    list.append(r.node);
    sync();
    return r;
  };
  const add = button(addText, { kind: 'quiet small' });
  add.addEventListener('click', () => push({}).node.querySelector('select, input')?.focus());
  items.forEach(push);
  sync();
  return { node: h('div', {}, list, empty, h('div', { class: 'actions' }, add)), values: () => rows.map((r) => r.value()) };
}

// hoursForm edits and saves the whole availability at once.
function hoursForm(me, av) {
  const box = errorBox();
  const status = statusBox();
  const zone = zoneSelect(av.zone || viewerZone());
  const weekly = rowList('weekly-hours', av.weekly, weeklyRow, 'Add weekly hours', 'No weekly hours yet.');
  const exceptions = rowList('exceptions', av.exceptions, exceptionRow, 'Add a day off or extra hours', 'No exceptions.');
  const form = h('form', { id: 'hours-form' },
    box,
    zone.wrap,
    h('h3', {}, 'Every week'),
    weekly.node,
    h('h3', {}, 'Days off and extra hours'),
    exceptions.node,
    status,
    h('div', { class: 'actions' }, button('Save availability', { type: 'submit' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.textContent = '';
    status.textContent = '';
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    try {
      await api('PUT', `/api/clinicians/${me.id}/availability`, {
        zone: zone.input.value, weekly: weekly.values(), exceptions: exceptions.values(),
      });
      status.textContent = 'Your availability is saved.';
    } catch (err) {
      box.textContent = err.message;
    } finally {
      btn.disabled = false;
    }
  });
  return card('hours-h', 'Your hours', form);
}
