// The patient's "My progress" page: questionnaire scores and mood over
// time, and the treatment plan's goals.

import { h } from '../dom.js';
import { frame, signedInAs } from './measures-page.js';
import { moodChart, scoreCharts } from './measures-scores.js';
import { treatmentPlanSection } from './records-plan.js';

export async function progressView() {
  const me = await signedInAs('patient');
  if (!me) {
    return null;
  }
  const [scores, mood, plan] = await Promise.all([
    scoreCharts(me.id, { empty: 'You have not filled in a questionnaire yet.' }),
    moodChart(me.id, { empty: 'You have not checked in yet.' }),
    treatmentPlanSection(me.id, me),
  ]);
  return frame('My progress',
    'Your questionnaire results and daily mood over time, and the goals you are working on with your care team.',
    h('p', { class: 'actions' },
      h('a', { href: '/questionnaires' }, 'Questionnaires waiting for you'),
      h('a', { href: '/mood' }, 'Check in with your mood today')),
    h('div', { class: 'grid grid--2' }, scores, mood),
    plan);
}
