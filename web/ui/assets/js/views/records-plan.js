// The treatment plan: goals with their progress notes. The patient and
// the care team both add progress; clinicians add and change goals.

import { api } from '../api.js';
import { button, errorBox, field, h, nextId, selectField, statusBox, submitting, timeEl } from '../dom.js';
import { longDate, localDay } from './measures-page.js';

const STATUSES = [['active', 'Active'], ['achieved', 'Achieved'], ['discontinued', 'Stopped']];
const statusName = Object.fromEntries(STATUSES);

// treatmentPlanSection is the plan's card for me (patient or clinician).
export async function treatmentPlanSection(patientId, me) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'plan-h' });
  const base = `/api/patients/${patientId}/treatment-plan`;
  const clinician = me.role === 'clinician';
  const status = statusBox();
  const render = async (message) => {
    const { goals } = await api('GET', base);
    status.textContent = message || '';
    const parts = [
      h('h2', { id: 'plan-h' }, 'Treatment plan'),
      status,
      goals.length === 0
        ? h('p', { class: 'empty' }, clinician ? 'No goals yet. Add the first one below.' : 'Your care team has not added goals yet.')
        : h('ul', { class: 'list', id: 'goal-list' }, goals.map((g) => goalItem(g, me, base, render))),
    ];
    if (clinician) {
      parts.push(addGoalForm(base, render));
    }
    section.replaceChildren(...parts);
  };
  await render();
  return section;
}

function goalItem(g, me, base, render) {
  const progress = g.progress.length === 0 ? null : h('ul', { class: 'progress-list' }, g.progress.map((p) => h('li', {},
    h('p', { class: 'note-body' }, p.note),
    h('p', { class: 'list__meta' }, p.author_id === me.id ? 'You' : (p.author_role === 'patient' ? 'The patient' : 'Care team'), ', ', timeEl(p.at)))));
  return h('li', {}, h('div', { class: 'list__main' },
    h('span', { class: 'list__title' }, g.text),
    h('span', { class: 'list__meta' }, h('span', { class: 'tag' }, statusName[g.status] || g.status),
      g.target_date ? ` Target: ${longDate(localDay(g.target_date))}` : ''),
    progress,
    progressForm(g, base, render),
    me.role === 'clinician' ? editGoal(g, base, render) : null));
}

// progressForm adds a progress note to goal g.
function progressForm(g, base, render) {
  const box = errorBox();
  const id = nextId('progress');
  const text = h('textarea', { id, name: 'note', required: true, maxlength: 4000, rows: 2 });
  const form = h('form', { class: 'inline-form', method: 'post', action: '/progress' },
    box,
    h('div', { class: 'field' }, h('label', { for: id }, 'Add a progress note'), text),
    button('Add note', { type: 'submit', kind: 'quiet small' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      await api('POST', `${base}/goals/${g.id}/progress`, { note: text.value });
      await render('Your progress note is saved.');
    });
  });
  return form;
}

// goalFields are a goal's inputs, filled from g when editing.
function goalFields(g) {
  const text = h('textarea', { id: nextId('goal'), name: 'text', required: true, maxlength: 1000, rows: 2 }, g ? g.text : '');
  const target = field({ label: 'Target date (optional)', name: 'target_date', type: 'date', required: false, value: g ? g.target_date || '' : '' });
  const st = selectField({ label: 'Status', name: 'status', options: STATUSES });
  st.input.value = g ? g.status : 'active';
  return {
    nodes: [h('div', { class: 'field' }, h('label', { for: text.id }, 'Goal'), text), target.wrap, st.wrap],
    value: () => ({ text: text.value, target_date: target.input.value, status: st.input.value }),
  };
}

function addGoalForm(base, render) {
  const box = errorBox();
  const f = goalFields(null);
  const form = h('form', { method: 'post', action: '/chart' },
    h('h3', { class: 'subhead' }, 'Add a goal'), box, f.nodes, button('Add goal', { type: 'submit' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      await api('POST', `${base}/goals`, f.value());
      await render('The goal is added.');
    });
  });
  return form;
}

function editGoal(g, base, render) {
  const box = errorBox();
  const f = goalFields(g);
  const form = h('form', { method: 'post', action: '/chart' }, box, f.nodes, button('Save goal', { type: 'submit', kind: 'quiet small' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      await api('PUT', `${base}/goals/${g.id}`, f.value());
      await render('The goal is saved.');
    });
  });
  return h('details', {}, h('summary', {}, 'Change this goal'), form);
}
