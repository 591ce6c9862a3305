// Names of the people in conversations. Chat frames carry user ids only;
// names come from the pages' own APIs: a patient's care team, a
// clinician's patients, and (when a colleague appears) a patient's care
// team. Whatever cannot be named is called by role.

import { api } from '../api.js';

const known = new Map(); // user id → display name, for this page load
const asked = new Set(); // what was already fetched (or refused)

// fetchOnce runs the named fetch once per page load; failures (a role
// without access) leave the role-based fallbacks in place.
async function fetchOnce(key, fn) {
  if (asked.has(key)) {
    return;
  }
  asked.add(key);
  try {
    await fn();
  } catch {
    // not ours to see: fall back to roles
  }
}

function learn(people) {
  for (const p of people || []) {
    if (p && p.id && p.display_name) {
      known.set(p.id, p.display_name);
    }
  }
}

// rememberName keeps a name another page of this load was shown, such as
// the patient of the crisis request the console shows its counselor (a
// counselor can read no patient list, so the conversation page could
// otherwise only say "Patient").
export function rememberName(id, displayName) {
  learn([{ id, display_name: displayName }]);
}

// learnNames gathers the names a user needs to read conversations of the
// given patients; staffIds are staff user ids that should be named (a
// colleague's message, an assignee). summaries lets a crisis conversation
// name its people: for the patient, the counselor their own crisis request
// names (GET /api/crisis/mine) once one has joined; for the counselor, the
// patient of the request they hold (GET /api/crisis/{escalation}).
export async function learnNames(me, patients = [], staffIds = [], summaries = []) {
  known.set(me.id, me.display_name);
  if (me.role === 'patient') {
    await fetchOnce('team:' + me.id, async () => learn((await api('GET', `/api/patients/${me.id}/care-team`)).members));
    const crisis = summaries.find((s) => s && s.kind === 'crisis');
    if (crisis) {
      await fetchOnce('crisis:' + crisis.conversation, async () => learnCounselor(crisis, await api('GET', '/api/crisis/mine')));
    }
    return;
  }
  if (me.role === 'clinician') {
    await fetchOnce('patients', async () => learn((await api('GET', '/api/me/patients')).patients));
  }
  if (me.role === 'counselor') {
    // The counselor holding a crisis request may read its context, which
    // names the patient; after the request ends the page says "Patient".
    await Promise.all(summaries.filter((s) => s && s.kind === 'crisis' && s.escalation && !known.has(s.patient))
      .map((s) => fetchOnce('crisis:' + s.escalation, async () => learn([(await api('GET', `/api/crisis/${s.escalation}`)).patient]))));
  }
  if (staffIds.some((id) => !known.has(id))) {
    await Promise.all(patients.map((p) => fetchOnce('team:' + p, async () => learn((await api('GET', `/api/patients/${p}/care-team`)).members))));
  }
}

// learnCounselor names the staff member of a crisis conversation from the
// patient's crisis request, when that request is this conversation's.
function learnCounselor(summary, request) {
  const staff = (summary.participants || []).find((p) => p.role === 'staff');
  if (staff && request && request.counselor_name && request.conversation_ref === String(summary.conversation)) {
    known.set(staff.user, request.counselor_name);
  }
}

// nameOf is a user's name, or what they are by role ("Patient",
// "Crisis counselor", "Care team member").
export function nameOf(user, { role = 'staff', kind = '' } = {}) {
  if (known.has(user)) {
    return known.get(user);
  }
  if (role === 'patient') {
    return 'Patient';
  }
  return kind === 'crisis' ? 'Crisis counselor' : 'Care team member';
}

// careTeamOf returns the patient's care team as [{id, display_name}] (for
// starting a conversation with one clinician).
export async function careTeamOf(patientId) {
  const { members } = await api('GET', `/api/patients/${patientId}/care-team`);
  learn(members);
  return members;
}

// conversationTitle names a conversation from where the viewer stands: for
// the patient, who they talk to; for staff, the patient.
export function conversationTitle(me, summary) {
  if (!summary) {
    return 'Conversation';
  }
  if (me.role === 'patient') {
    if (summary.kind === 'team') {
      return 'Your care team';
    }
    if (summary.kind === 'crisis') {
      const counselor = (summary.participants || []).find((p) => p.role === 'staff');
      return counselor && known.has(counselor.user) ? known.get(counselor.user) : 'Crisis counselor';
    }
    const staff = (summary.participants || []).find((p) => p.role === 'staff');
    return staff ? nameOf(staff.user, { role: 'staff' }) : 'Your clinician';
  }
  return nameOf(summary.patient, { role: 'patient' });
}
