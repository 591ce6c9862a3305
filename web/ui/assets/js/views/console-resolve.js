// Resolving a held crisis request: how it ended (a fixed list) and the
// follow-ups to set, each assigned to the counselor or to a clinician on
// the patient's care team. A refused submission keeps every choice made.

import { api } from '../api.js';
import { errorBox, h, nextId, statusBox, submitting } from '../dom.js';

const DISPOSITIONS = [
  ['de_escalated', 'De-escalated: the patient is safer now'],
  ['safety_plan', 'Went through the safety plan together'],
  ['care_team_followup', 'Handed to the care team to follow up'],
  ['referred_988', 'Referred to 988'],
  ['emergency_advised', 'Advised the patient to call emergency services'],
  ['no_contact', 'Could not reach the patient'],
  ['not_a_crisis', 'Not a crisis'],
];

const FOLLOW_UPS = [
  ['call_back', 'Call the patient back'],
  ['care_team_review', 'Care team reviews this episode'],
  ['safety_plan_update', 'Update the safety plan'],
  ['appointment', 'Book an appointment'],
];

// resolveForm resolves request id; team is the patient's care team;
// resolved() runs once the server has resolved it.
export function resolveForm(id, team, resolved) {
  const box = errorBox();
  const done = statusBox();
  const rows = FOLLOW_UPS.map(([kind, label]) => followUpRow(kind, label, team || []));
  const form = h('form', { class: 'resolve', 'aria-labelledby': 'resolve-h', novalidate: true },
    h('h3', { id: 'resolve-h' }, 'Resolve this request'),
    h('fieldset', {},
      h('legend', {}, 'How did it end?'),
      DISPOSITIONS.map(([value, label]) => {
        const rid = nextId('disposition');
        return h('div', { class: 'choice' },
          h('input', { type: 'radio', name: 'disposition', value, id: rid }),
          h('label', { for: rid }, label));
      })),
    h('fieldset', {},
      h('legend', {}, 'Follow-ups (optional)'),
      rows.map((r) => r.node)),
    box, done,
    h('button', { class: 'button', type: 'submit', id: 'resolve-submit' }, 'Resolve this request'));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const picked = form.querySelector('input[name="disposition"]:checked');
    if (!picked) {
      box.textContent = 'Choose how it ended.';
      return;
    }
    const followUps = [];
    for (const r of rows) {
      const f = r.value();
      if (f && f.error) {
        box.textContent = f.error;
        return;
      }
      if (f) {
        followUps.push(f);
      }
    }
    submitting(form, box, async () => {
      await api('POST', `/api/crisis/${id}/resolve`, { disposition: picked.value, follow_ups: followUps });
      done.textContent = 'Resolved.';
      resolved();
    });
  });
  return form;
}

function followUpRow(kind, label, team) {
  const cid = nextId(kind);
  const aid = nextId('assignee');
  const did = nextId('due');
  const check = h('input', { type: 'checkbox', id: cid, name: 'follow_up', value: kind });
  const assignee = h('select', { id: aid, name: `${kind}_assignee` },
    h('option', { value: '0' }, 'Me'),
    team.map((m) => h('option', { value: String(m.id) }, m.display_name)));
  const due = h('input', { type: 'datetime-local', id: did, name: `${kind}_due`, value: localInput(new Date(Date.now() + 24 * 3600 * 1000)) });
  const node = h('div', { class: 'follow-up' },
    h('div', { class: 'choice' }, check, h('label', { for: cid }, label)),
    h('div', { class: 'follow-up__details' },
      h('div', { class: 'field' }, h('label', { for: aid }, 'Assigned to'), assignee),
      h('div', { class: 'field' }, h('label', { for: did }, 'Due'), due)));
  return {
    node,
    value() {
      if (!check.checked) {
        return null;
      }
      const at = new Date(due.value);
      if (!due.value || Number.isNaN(at.getTime())) {
        return { error: `Give a due date and time for \u201c${label}\u201d.` };
      }
      return { kind, assignee_id: Number(assignee.value), due: at.toISOString() };
    },
  };
}

// localInput formats d for a datetime-local input in the browser's zone.
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
