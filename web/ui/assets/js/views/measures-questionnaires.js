// The patient's Questionnaires page: what the care team has asked them to
// fill in, and (with ?assignment=<id>) the questionnaire itself. When the
// answers call for it, the page goes straight to the crisis page.

import { api } from '../api.js';
import { h, timeEl } from '../dom.js';
import { navigate } from '../router.js';
import { bandName, card, crisisLink, frame, signedInAs } from './measures-page.js';
import { questionnaireForm } from './measures-form.js';

export async function questionnairesView() {
  const me = await signedInAs('patient');
  if (!me) {
    return null;
  }
  const { assignments } = await api('GET', `/api/patients/${me.id}/measures/assignments`);
  const wanted = new URLSearchParams(location.search).get('assignment');
  if (wanted) {
    const a = assignments.find((x) => String(x.id) === wanted);
    if (a) {
      return answerPage(me, a);
    }
    return frame('Questionnaires', null,
      h('p', { class: 'notice', role: 'status' }, 'This questionnaire is no longer waiting for you.'),
      dueList(assignments));
  }
  return frame('Questionnaires',
    'Your care team uses these short questionnaires to see how you are doing over time. Your answers go only to your care team.',
    crisisLink(),
    dueList(assignments),
    h('p', {}, h('a', { href: '/progress' }, 'See your scores over time')));
}

// dueList lists the open assignments, overdue first.
function dueList(assignments) {
  const now = Date.now();
  const body = assignments.length === 0
    ? h('p', { class: 'empty' }, 'Nothing to fill in right now. Your care team will let you know when there is.')
    : h('ul', { class: 'list', id: 'due-list' }, assignments.map((a) => h('li', {},
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' }, a.instrument_name),
        h('span', { class: 'list__meta' }, new Date(a.due).getTime() <= now ? 'Due now' : ['Due ', timeEl(a.due)],
          a.every_days > 0 ? ` · repeats every ${a.every_days} days` : '')),
      h('div', { class: 'actions' },
        h('a', { class: 'button button--small', href: `/questionnaires?assignment=${a.id}`, 'aria-label': `Start ${a.instrument_name}` }, 'Start')))));
  return card('due-h', 'Waiting for you', body);
}

// answerPage is one questionnaire's form; after it is sent, its result.
async function answerPage(me, a) {
  const instrument = await api('GET', `/api/measures/instruments/${encodeURIComponent(a.instrument)}`);
  const holder = h('div', {});
  const form = questionnaireForm(instrument, async (answers) => {
    const sub = await api('POST', `/api/patients/${me.id}/measures/responses`,
      { instrument: instrument.id, version: instrument.version, assignment_id: a.id, answers });
    if (sub.show_crisis_resources) {
      navigate('/crisis');
      return;
    }
    holder.replaceChildren(result(sub));
    holder.querySelector('h2').focus();
  });
  holder.append(h('section', { class: 'card', 'aria-labelledby': 'form-h' },
    h('h2', { id: 'form-h' }, 'Questions'),
    form));
  return frame(instrument.name, null,
    h('p', {}, h('a', { href: '/questionnaires' }, 'Back to your questionnaires')),
    crisisLink(),
    holder);
}

// result thanks the patient and shows the score.
function result(sub) {
  return h('section', { class: 'card', 'aria-labelledby': 'done-h' },
    h('h2', { id: 'done-h', tabindex: '-1' }, 'Thank you — your answers are saved'),
    h('p', { role: 'status', id: 'score-result' },
      sub.instrument === 'cssrs' ? `Result: ${bandName(sub.score.band)}.` : `Your score: ${sub.score.total} of ${sub.score.max} (${bandName(sub.score.band)}).`),
    h('p', { class: 'muted' }, 'Your care team will see your answers. If you want to talk about them, bring them up at your next visit or send your clinician a message.'),
    h('div', { class: 'actions' },
      h('a', { class: 'button', href: '/progress' }, 'See your progress'),
      h('a', { class: 'button button--quiet', href: '/questionnaires' }, 'Back to your questionnaires')));
}
