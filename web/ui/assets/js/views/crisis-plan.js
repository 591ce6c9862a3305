// The patient's safety plan on the crisis page: the copy kept on this
// device first (it shows offline), then the current one from the server.
// Also used by the counselor console to show the plan of a held request.

import { api } from '../api.js';
import { h, when } from '../dom.js';
import { cachedPlan, keepPlan } from './crisis-store.js';

// The plan's steps in the order of the Stanley–Brown form, with the
// patient's wording of each heading.
const STEPS = [
  ['warning_signs', 'Warning signs that a crisis may be starting', false],
  ['coping_strategies', 'Things I can do on my own to take my mind off things', false],
  ['distractions', 'People and places that help me feel better', true],
  ['help_contacts', 'People I can ask for help', true],
  ['professionals', 'Professionals and services I can contact', true],
  ['safe_environment', 'Making my surroundings safe', false],
  ['reasons_for_living', 'What matters most to me', false],
];

// planBody renders a plan as GET /api/crisis/safety-plan returns it.
export function planBody(p, headingLevel = 'h3') {
  if (!p || p.version === 0) {
    return [h('p', {}, 'There is no safety plan yet. Your care team can make one with you. Until then, call or text 988 whenever you need to.')];
  }
  const out = [];
  for (const [key, title, contacts] of STEPS) {
    const items = (p.plan && p.plan[key]) || [];
    if (items.length === 0) {
      continue;
    }
    out.push(h(headingLevel, {}, title),
      h('ul', { class: 'plan-list' }, items.map((it) => h('li', {}, contacts ? contact(it) : it))));
  }
  return out;
}

function contact(c) {
  const dial = String(c.phone || '').replace(/[^0-9+*#]/g, '');
  if (!dial) {
    return c.name;
  }
  return [c.name, ': ', h('a', { href: `tel:${dial}` }, c.phone)];
}

// planCard is the safety-plan section of the crisis page.
export function planCard() {
  const body = h('div', { class: 'plan-body' });
  const meta = h('p', { class: 'muted', 'aria-live': 'polite' });
  const node = h('section', { class: 'card', 'aria-labelledby': 'plan-h', hidden: true },
    h('h2', { id: 'plan-h' }, 'Your safety plan'), meta, body);

  const show = (p, note) => {
    body.replaceChildren(...planBody(p));
    meta.textContent = note;
    node.hidden = false;
  };

  return {
    node,
    // showCached shows the copy kept on this device, if any.
    showCached() {
      const c = cachedPlan();
      if (c) {
        show(c.plan, `The copy saved on this device on ${when(c.kept)}.`);
      }
    },
    // load fetches the current plan for the signed-in patient and keeps it.
    async load(me) {
      try {
        const p = await api('GET', '/api/crisis/safety-plan', undefined, { auth: false });
        keepPlan(me.id, p);
        show(p, p.saved_at ? `Last updated ${when(p.saved_at)}. A copy is kept on this device for when you are offline.` : '');
      } catch (err) {
        if (!node.hidden) {
          meta.textContent = `${meta.textContent} It could not be updated just now: ${err.message}`;
        } else if (err.status !== 0) {
          show(null, err.message);
        }
      }
    },
    hide() {
      node.hidden = true;
      body.replaceChildren();
    },
  };
}
