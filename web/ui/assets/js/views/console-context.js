// The context of the crisis request this counselor holds: who, how urgent,
// what triggered it (a reference, never message text), the crisis
// conversation, any location the patient shared, their safety plan, care
// team and emergency contacts — and the form that resolves it.

import { api } from '../api.js';
import { button, errorBox, h, timeEl } from '../dom.js';
import { rememberName } from './chat-names.js';
import { planBody } from './crisis-plan.js';
import { conversationHref } from './crisis-request.js';
import { navigate } from '../router.js';
import { resolveForm } from './console-resolve.js';
import { SOURCES } from './console-queue.js';

// contextPanel shows one held request at a time. onResolved(id) runs once
// it is resolved.
export function contextPanel({ onResolved }) {
  const body = h('div', { class: 'context-body' });
  const problem = errorBox();
  const node = h('section', { class: 'card context', 'aria-labelledby': 'context-h', id: 'context', hidden: true },
    h('h2', { id: 'context-h', tabindex: '-1' }, 'Crisis request'), problem, body);
  let shownID = 0;

  const open = async (id, { focus = true } = {}) => {
    problem.textContent = '';
    try {
      const c = await api('GET', `/api/crisis/${id}`);
      shownID = id;
      rememberName(c.patient.id, c.patient.display_name); // for the crisis conversation's page
      node.querySelector('h2').textContent = `Request ${id}: ${c.patient.display_name}`;
      body.replaceChildren(...render(c, () => open(id, { focus: false }), () => {
        shownID = 0;
        node.hidden = true;
        onResolved(id);
      }));
      node.hidden = false;
      if (focus) {
        node.querySelector('h2').focus();
      }
    } catch (err) {
      node.hidden = false;
      problem.textContent = err.message;
    }
  };

  return {
    node,
    open,
    // shows reports whether the panel shows request id.
    shows(id) {
      return shownID === id && !node.hidden;
    },
  };
}

function render(c, reload, resolved) {
  const e = c.escalation;
  return [
    h('dl', { class: 'facts' },
      h('dt', {}, 'Severity'), h('dd', {}, e.severity),
      h('dt', {}, 'Raised by'), h('dd', {}, SOURCES[e.source] || e.source),
      h('dt', {}, 'Trigger'), h('dd', {}, h('code', {}, e.trigger_ref), e.triggers > 1 ? ` (${e.triggers} triggers)` : ''),
      h('dt', {}, 'Raised'), h('dd', {}, timeEl(e.raised_at)),
      e.claimed_at ? [h('dt', {}, 'You took it'), h('dd', {}, timeEl(e.claimed_at))] : null),
    conversation(e, reload),
    videoCall(c.patient),
    h('h3', {}, 'Location'),
    c.location
      ? h('p', { id: 'context-location' },
        `${c.location.lat.toFixed(5)}, ${c.location.lon.toFixed(5)} (within ${Math.round(c.location.accuracy)} m), shared `,
        timeEl(c.location.at), '. ',
        h('a', { href: `geo:${c.location.lat},${c.location.lon}` }, 'Open in a maps app'))
      : h('p', { class: 'muted', id: 'context-location' }, 'The patient has not shared a location. They can share it from their crisis page.'),
    h('h3', {}, 'Emergency contacts'),
    people(c.emergency_contacts, (p) => [p.name, p.relation ? ` (${p.relation})` : '', ': ', h('a', { href: `tel:${p.phone.replace(/[^0-9+*#]/g, '')}` }, p.phone)],
      'No emergency contacts on file.'),
    h('h3', {}, 'Care team'),
    people(c.care_team, (p) => p.display_name, 'No clinicians on the care team.'),
    h('h3', {}, 'Safety plan'),
    c.safety_plan ? h('div', { class: 'plan-body' }, planBody(c.safety_plan, 'h4')) : h('p', { class: 'muted' }, 'The safety plan is not available on this server.'),
    resolveForm(e.id, c.care_team, resolved),
  ];
}

// conversation links the crisis conversation, or offers to open it again.
function conversation(e, reload) {
  if (e.conversation_ref) {
    return h('p', {}, h('a', { class: 'button', href: conversationHref(e.conversation_ref), id: 'open-conversation' }, 'Open crisis conversation'));
  }
  const retry = button('Open the conversation again', { kind: 'quiet small' });
  const problem = errorBox();
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    try {
      const res = await api('POST', `/api/crisis/${e.id}/claim`);
      if (res.conversation_error) {
        problem.textContent = res.conversation_error;
      } else {
        reload();
      }
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      retry.disabled = false;
    }
  });
  return h('div', {}, h('p', {}, 'The crisis conversation is not open yet.'), problem, retry);
}

// videoCall starts a video session with the patient (the counselor's
// access comes from holding the request) and opens it; the patient is
// invited at once (their crisis page and home show the invitation).
function videoCall(patient) {
  const start = button('Start video call', { kind: 'small' });
  start.id = 'start-video';
  const problem = errorBox();
  start.addEventListener('click', async () => {
    start.disabled = true;
    problem.textContent = '';
    try {
      const session = await api('POST', '/api/video/sessions', { patients: [patient.id] });
      navigate(`/video/${encodeURIComponent(session.id)}`);
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      start.disabled = false;
    }
  });
  return h('div', { class: 'context-video' }, start, problem);
}

function people(list, row, empty) {
  if (!list || list.length === 0) {
    return h('p', { class: 'muted' }, empty);
  }
  return h('ul', { class: 'plan-list' }, list.map((p) => h('li', {}, row(p))));
}
