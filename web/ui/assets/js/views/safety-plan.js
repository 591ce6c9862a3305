// The Stanley–Brown safety plan, edited together by the patient and their
// clinicians: six steps (and reasons for living), lines added and removed
// freely, each save a new version. A save made from an out-of-date version
// is refused by the server; the editor then keeps what was typed, shows the
// newer version, and lets the person choose.

import { api } from '../api.js';
import { button, errorBox, h, statusBox, submitting, timeEl } from '../dom.js';
import { frame, signedInAs } from './measures-page.js';

// SECTIONS are the plan's parts in the Stanley–Brown order. contact
// sections hold a name and a phone number (required when phone is set).
export const SECTIONS = [
  { key: 'warning_signs', title: 'Step 1: Warning signs', hint: 'Thoughts, images, moods, situations or behaviours that tell me a crisis may be starting.', item: 'Warning sign', add: 'Add a warning sign' },
  { key: 'coping_strategies', title: 'Step 2: Things I can do on my own', hint: 'Ways to take my mind off my problems without contacting anyone: relaxing, moving, something I enjoy.', item: 'Coping strategy', add: 'Add a coping strategy' },
  { key: 'distractions', title: 'Step 3: People and places that take my mind off things', hint: 'People to be with, or places to go, that help me feel better.', item: 'Person or place', add: 'Add a person or place', contact: true },
  { key: 'help_contacts', title: 'Step 4: People I can ask for help', hint: 'Family members or friends I can call when I need help.', item: 'Person', add: 'Add a person', contact: true, phone: true },
  { key: 'professionals', title: 'Step 5: Professionals and services I can contact in a crisis', hint: 'My clinicians, an urgent care line, and the 988 Suicide & Crisis Lifeline, which is always included.', item: 'Service', add: 'Add a professional or service', contact: true, phone: true },
  { key: 'safe_environment', title: 'Step 6: Making my surroundings safe', hint: 'Ways to keep things I could use to hurt myself out of reach.', item: 'Step', add: 'Add a step' },
  { key: 'reasons_for_living', title: 'What matters most to me', hint: 'The things most important to me and worth living for (optional).', item: 'Reason', add: 'Add a reason' },
];

export async function safetyPlanView() {
  const me = await signedInAs('patient');
  if (!me) {
    return null;
  }
  return frame('My safety plan',
    'A plan you make with your care team for hard moments: what to watch for, what helps, and who to reach. You can change it at any time; your care team sees every version.',
    await safetyPlanEditor(me.id, me));
}

// safetyPlanEditor returns the editor and its version history for a
// patient, as me (the patient or a clinician) sees them.
export async function safetyPlanEditor(patientId, me) {
  const base = `/api/patients/${patientId}/safety-plan`;
  const current = await api('GET', base);
  let version = current.version;
  const box = errorBox();
  const status = statusBox();
  const conflict = h('div', { class: 'conflict', hidden: true });
  const sections = SECTIONS.map((s) => sectionEditor(s, current.plan[s.key] || []));
  const history = h('div', {});
  const save = button('Save the safety plan', { type: 'submit' });
  const form = h('form', { id: 'safety-plan-form', method: 'post', action: '/safety-plan' },
    box, conflict, sections.map((s) => s.node), status, h('div', { class: 'actions' }, save));

  const plan = () => Object.fromEntries(sections.map((s) => [s.key, s.value()]));
  const send = async () => {
    const v = await api('PUT', base, { base_version: version, plan: plan() });
    version = v.version;
    conflict.hidden = true;
    conflict.replaceChildren();
    status.textContent = `Saved as version ${v.version}.`;
    await showHistory();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    status.textContent = '';
    submit(form, box, send, async () => {
      // Someone else saved: keep what was typed, show theirs, let the
      // person choose.
      const latest = await api('GET', base);
      showConflict(conflict, latest, me, {
        keepMine: () => {
          version = latest.version;
          form.requestSubmit();
        },
        takeTheirs: () => {
          version = latest.version;
          sections.forEach((s) => s.fill(latest.plan[s.key] || []));
          conflict.hidden = true;
          box.textContent = '';
          status.textContent = `Showing version ${latest.version}.`;
        },
      });
    });
  });

  const showHistory = async () => {
    history.replaceChildren(await historyList(base, me));
  };
  await showHistory();
  return h('div', {},
    h('section', { class: 'card', 'aria-labelledby': 'sp-edit-h' },
      h('h2', { id: 'sp-edit-h' }, version === 0 ? 'Make your safety plan' : 'Safety plan'),
      form),
    history);
}

// submit is submitting with a 409 handler: after a conflict, whose
// message stays in box, onConflict runs.
async function submit(form, box, send, onConflict) {
  let conflicted = false;
  await submitting(form, box, async () => {
    try {
      await send();
    } catch (err) {
      conflicted = err && err.status === 409;
      throw err;
    }
  });
  if (conflicted) {
    try {
      await onConflict();
    } catch (err) {
      box.textContent = err.message;
    }
  }
}

// showConflict explains a refused save and offers both ways forward.
function showConflict(node, latest, me, { keepMine, takeTheirs }) {
  const keep = button('Save my version anyway', { onclick: keepMine });
  const take = button('Use their version instead', { kind: 'quiet', onclick: takeTheirs });
  node.replaceChildren(
    h('h3', { class: 'subhead' }, `Version ${latest.version} was saved ${savedBy(latest, me)} while you were editing`),
    h('p', {}, 'Your changes are still in the form below. Compare them with the newer version, then choose.'),
    planView(latest.plan),
    h('div', { class: 'actions' }, keep, take));
  node.hidden = false;
}

// sectionEditor is one part of the plan: a fieldset of lines, each with a
// Remove button, and a button to add a line.
function sectionEditor(s, entries) {
  const list = h('ul', { class: 'entries' });
  const hintId = `sp-${s.key}-hint`;
  const add = button(s.add, { kind: 'quiet small' });
  const node = h('fieldset', { class: 'plan-section', 'aria-describedby': hintId },
    h('legend', {}, s.title),
    h('p', { class: 'hint', id: hintId }, s.hint),
    list,
    add);
  const renumber = () => {
    [...list.children].forEach((li, i) => {
      const n = i + 1;
      for (const input of li.querySelectorAll('input')) {
        input.setAttribute('aria-label', `${input.dataset.what} ${n}`);
      }
      li.querySelector('button').setAttribute('aria-label', `Remove ${s.item.toLowerCase()} ${n}`);
    });
  };
  const line = (entry) => {
    const inputs = s.contact
      ? [h('input', { type: 'text', name: `${s.key}-name`, 'data-what': `${s.item}, name,`, maxlength: 100, value: entry ? entry.name : '', placeholder: 'Name' }),
        h('input', { type: 'tel', name: `${s.key}-phone`, 'data-what': `${s.item}, phone,`, maxlength: 32, autocomplete: 'off', value: entry ? entry.phone || '' : '', placeholder: s.phone ? 'Phone' : 'Phone (optional)' })]
      : [h('input', { type: 'text', name: s.key, 'data-what': s.item, maxlength: 500, value: entry || '' })];
    const remove = button('Remove', { kind: 'quiet small' });
    const li = h('li', { class: 'entry' }, inputs, remove);
    remove.addEventListener('click', () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      renumber();
      (next ? next.querySelector('input') : add).focus();
    });
    list.append(li);
    renumber();
    return inputs[0];
  };
  const fill = (values) => {
    list.replaceChildren();
    (values.length > 0 ? values : [null]).forEach((v) => line(v));
  };
  add.addEventListener('click', () => line(null).focus());
  fill(entries);
  return {
    key: s.key,
    node,
    fill,
    value() {
      return [...list.children].map((li) => {
        const [a, b] = li.querySelectorAll('input');
        return s.contact ? { name: a.value, phone: b.value } : a.value;
      }).filter((v) => (s.contact ? v.name.trim() || v.phone.trim() : v.trim()));
    },
  };
}

// planView shows a plan read-only.
export function planView(plan) {
  return h('div', { class: 'plan-view' }, SECTIONS.map((s) => {
    const items = plan[s.key] || [];
    if (items.length === 0) {
      return null;
    }
    return h('div', {},
      h('h4', {}, s.title),
      h('ul', {}, items.map((e) => h('li', {}, s.contact ? [e.name, e.phone ? ' — ' : '', e.phone ? h('a', { href: `tel:${e.phone.replace(/[^0-9+]/g, '')}` }, e.phone) : ''] : e))));
  }));
}

// savedBy says who saved a version, from me's point of view.
function savedBy(v, me) {
  if (v.saved_by === me.id) {
    return 'by you';
  }
  if (v.saved_role === 'patient') {
    return 'by the patient';
  }
  return me.role === 'patient' ? 'by your care team' : 'by a clinician';
}

// historyList is the version history, newest first; each version can be
// opened read-only.
async function historyList(base, me) {
  const { versions } = await api('GET', `${base}/history`);
  const shown = h('div', { class: 'version-view', 'aria-live': 'polite' });
  const body = versions.length === 0
    ? h('p', { class: 'empty' }, 'No versions saved yet.')
    : h('ol', { class: 'list', id: 'sp-versions' }, versions.map((v) => {
      const view = button('View', { kind: 'quiet small' });
      view.setAttribute('aria-label', `View version ${v.version}`);
      view.addEventListener('click', async () => {
        try {
          const got = await api('GET', `${base}/versions/${v.version}`);
          shown.replaceChildren(h('h3', { class: 'subhead' }, `Version ${v.version}`), planView(got.plan));
        } catch (err) {
          shown.replaceChildren(h('p', { class: 'form-error' }, err.message));
        }
      });
      return h('li', {},
        h('div', { class: 'list__main' },
          h('span', { class: 'list__title' }, `Version ${v.version}`),
          h('span', { class: 'list__meta' }, `Saved ${savedBy(v, me)}, `, timeEl(v.saved_at))),
        h('div', { class: 'actions' }, view));
    }));
  return h('section', { class: 'card', 'aria-labelledby': 'sp-history-h' },
    h('h2', { id: 'sp-history-h' }, 'Version history'),
    body,
    shown);
}
