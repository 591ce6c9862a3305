// The clinician's chart of one patient (/chart?patient=<id>): assign a
// questionnaire and see the scores, write notes and decide what is shared,
// the treatment plan, and the safety plan made together with the patient.
// Access is the server's decision; a refusal is shown as it says.

import { api } from '../api.js';
import { h } from '../dom.js';
import { frame, signedInAs } from './measures-page.js';
import { assignSection } from './measures-assign.js';
import { moodChart, scoreCharts } from './measures-scores.js';
import { staffNotesSection } from './records-notes-staff.js';
import { treatmentPlanSection } from './records-plan.js';
import { safetyPlanEditor } from './safety-plan.js';

export async function chartView() {
  const me = await signedInAs('clinician');
  if (!me) {
    return null;
  }
  const raw = new URLSearchParams(location.search).get('patient') || '';
  if (!/^[1-9][0-9]{0,17}$/.test(raw)) {
    return frame('Patient not found', null, h('p', { role: 'alert' }, 'This address does not name a patient. Open a patient from your home page.'));
  }
  const pid = raw;
  const { patients } = await api('GET', '/api/me/patients');
  const p = patients.find((x) => String(x.id) === pid);
  const name = p ? p.display_name : `Patient ${pid}`;
  let parts;
  try {
    parts = await Promise.all([
      assignSection(pid),
      scoreCharts(pid, { empty: 'This patient has not completed a questionnaire yet.' }),
      moodChart(pid, { empty: 'This patient has not checked in yet.' }),
      staffNotesSection(pid),
      treatmentPlanSection(pid, me),
      safetyPlanEditor(pid, me),
    ]);
  } catch (err) {
    if (err.status === 403 || err.status === 404) {
      return frame(name, null, h('p', { role: 'alert' }, err.message));
    }
    throw err;
  }
  const [assign, scores, mood, notes, plan, safety] = parts;
  return frame(name, 'Questionnaires, notes and plans. Everything you open here is recorded in the patient’s access log, which they can see.',
    h('div', { class: 'grid grid--2' }, assign, h('div', {}, scores, mood)),
    notes,
    plan,
    safety);
}
