// The kinds of visit a clinician offers: list, add, stop offering.

import { api } from '../api.js';
import { button, errorBox, field, h, statusBox } from '../dom.js';
import { card, confirmInPlace, modalityText, selectOf } from './visits-common.js';

export async function visitTypesSection(me) {
  const base = `/api/clinicians/${me.id}/visit-types`;
  const status = statusBox();
  const listArea = h('div', {});
  const refresh = async () => {
    const { visit_types: types } = await api('GET', base);
    listArea.replaceChildren(types.length === 0
      ? h('p', { class: 'empty' }, 'You offer no visits yet: patients cannot book until you add one.')
      : h('ul', { class: 'list', id: 'visit-types' }, types.map((t) => typeItem(t, status, refresh))));
  };
  await refresh();

  const box = errorBox();
  const name = field({ label: 'Name', name: 'name', maxlength: 100, hint: 'Patients see this name, for example “Therapy session”.' });
  const minutes = field({ label: 'Length in minutes', name: 'minutes', type: 'number', min: 5, max: 480, step: 5, value: 50 });
  const modality = selectOf('type-modality', 'How', 'Choose video or in person', [['video', 'Video visit'], ['in_person', 'In person']], 'video');
  const form = h('form', { id: 'type-form' },
    h('h3', {}, 'Offer a kind of visit'),
    box, name.wrap, minutes.wrap, modality.wrap,
    h('div', { class: 'actions' }, button('Add', { type: 'submit' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.textContent = '';
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    try {
      const t = await api('POST', base, { name: name.input.value, minutes: Number(minutes.input.value), modality: modality.input.value });
      status.textContent = `Patients can now book “${t.name}”.`;
      name.input.value = '';
      await refresh();
    } catch (err) {
      box.textContent = err.message;
    } finally {
      btn.disabled = false;
    }
  });
  return card('types-h', 'Kinds of visit you offer', status, listArea, form);
}

function typeItem(t, status, refresh) {
  const box = errorBox();
  const actions = h('div', { class: 'actions' });
  const retire = button('Stop offering', { kind: 'quiet small' });
  retire.setAttribute('aria-label', `Stop offering ${t.name}`);
  retire.addEventListener('click', () => confirmInPlace(actions, 'Booked visits stay booked.', `Yes, stop offering ${t.name}`, 'Keep it', box, async () => {
    await api('DELETE', `/api/visit-types/${t.id}`);
    status.textContent = `“${t.name}” can no longer be booked.`;
    await refresh();
  }));
  actions.append(retire);
  return h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, t.name),
      h('span', { class: 'list__meta' }, `${t.minutes} minutes · ${modalityText(t.modality)}`),
      box),
    actions);
}
