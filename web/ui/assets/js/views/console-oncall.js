// The counselor's on-call switch, and the warning shown when no counselor
// is on call at all.

import { api } from '../api.js';
import { button, errorBox, h, statusBox } from '../dom.js';

// coverageWarning is empty while someone is on call; otherwise it says, as
// an alert, what happens to new requests.
export function coverageWarning() {
  const node = h('p', { class: 'form-error coverage-warning', role: 'alert', id: 'coverage-warning' });
  return {
    node,
    show(cov) {
      node.textContent = cov && !cov.covered
        ? 'No counselor is on call right now. New crisis requests go straight to supervisors, and patients are told to call or text 988.'
        : '';
    },
  };
}

// coverageNotice is the admin home's copy of the warning: it asks the
// server once and stays empty when the crisis service is not available.
export function coverageNotice() {
  const w = coverageWarning();
  api('GET', '/api/crisis/coverage').then((cov) => w.show(cov), () => {});
  return w.node;
}

// onCallCard shows whether the counselor is on call and switches it.
// onChange receives each new state (with the service's coverage).
export function onCallCard(onChange) {
  const state = statusBox();
  state.id = 'oncall-state';
  const problem = errorBox();
  const on = button('Go on call now', {});
  on.id = 'oncall-on';
  const off = button('Go off call', { kind: 'quiet' });
  off.id = 'oncall-off';
  const shift = button('Follow my shift schedule', { kind: 'quiet' });
  shift.id = 'oncall-shift';
  const node = h('section', { class: 'card', 'aria-labelledby': 'oncall-h' },
    h('h2', { id: 'oncall-h' }, 'On call'),
    state, problem,
    h('div', { class: 'actions', role: 'group', 'aria-label': 'On-call switch' }, on, off, shift));

  const show = (st) => {
    state.textContent = st.on_call
      ? `You are on call${st.supervisor ? ' as a supervisor' : ''}: new crisis requests are offered to you.`
      : 'You are not on call: new crisis requests are not offered to you.';
    state.dataset.onCall = String(st.on_call);
    onChange(st);
  };
  const set = async (sw, btn) => {
    problem.textContent = '';
    btn.disabled = true;
    try {
      show(await api('PUT', '/api/crisis/oncall', { switch: sw }));
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      btn.disabled = false;
    }
  };
  on.addEventListener('click', () => set('on', on));
  off.addEventListener('click', () => set('off', off));
  shift.addEventListener('click', () => set('shift', shift));

  return {
    node,
    async load() {
      try {
        show(await api('GET', '/api/crisis/oncall'));
      } catch (err) {
        problem.textContent = err.message;
      }
    },
  };
}
