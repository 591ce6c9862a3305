// Score charts: one per questionnaire the patient has answered, and the
// daily mood trend. Used on the patient's progress page and the
// clinician's chart.

import { api } from '../api.js';
import { h, when } from '../dom.js';
import { lineChart } from './measures-chart.js';
import { bandName, card, localDay, longDate, scaleOf, shortName } from './measures-page.js';

const INSTRUMENTS = ['phq9', 'gad7', 'cssrs'];

// scoreCharts returns a card per instrument with at least one score (an
// empty-state card when there are none). who is "you" or the patient's
// name, for the empty state.
export async function scoreCharts(patientId, { empty = 'No questionnaire scores yet.' } = {}) {
  const series = await Promise.all(INSTRUMENTS.map((id) => api('GET', `/api/patients/${patientId}/measures/series/${id}`)));
  const withData = series.filter((s) => s.points.length > 0);
  if (withData.length === 0) {
    return [card('scores-h', 'Questionnaire scores', h('p', { class: 'empty' }, empty))];
  }
  return withData.map((s) => scoreCard(s));
}

// scoreCard charts one instrument's series.
function scoreCard(s) {
  const scale = scaleOf(s.instrument, s.max);
  const cssrs = s.instrument === 'cssrs';
  const reads = (p) => (cssrs ? bandName(p.band) : `${p.total} of ${s.max} — ${bandName(p.band)}`);
  const points = s.points.map((p) => ({ at: new Date(p.at), value: p.total, text: reads(p), band: p.band, total: p.total }));
  const last = points[points.length - 1];
  const summary = `${points.length} ${points.length === 1 ? 'result' : 'results'} from ${longDate(points[0].at)} to ${longDate(last.at)}. Latest: ${last.text}.`;
  const id = `scores-${s.instrument}-h`;
  return card(id, shortName(s.instrument),
    h('p', { class: 'latest', 'data-instrument': s.instrument }, 'Latest: ', h('strong', {}, last.text), `, ${when(last.at.toISOString())}.`),
    lineChart({
      title: `${s.name}: results over time`,
      summary,
      points,
      scale,
      columns: cssrs ? ['Date', 'Result'] : ['Date', 'Score', 'Severity'],
      row: (p) => (cssrs ? [when(p.at.toISOString()), bandName(p.band)] : [when(p.at.toISOString()), `${p.total} of ${s.max}`, bandName(p.band)]),
      tableLabel: 'Show the results as a table',
    }),
    cssrs ? null : h('p', { class: 'muted' }, s.instrument === 'phq9'
      ? 'Lines mark the severity cut points: 5 mild, 10 moderate, 15 moderately severe, 20 severe.'
      : 'Lines mark the severity cut points: 5 mild, 10 moderate, 15 severe.'));
}

// moodChart charts the daily check-ins of the last 90 days.
export async function moodChart(patientId, { empty = 'No mood check-ins yet.' } = {}) {
  const { points } = await api('GET', `/api/patients/${patientId}/mood/trend`);
  if (points.length === 0) {
    return card('mood-trend-h', 'Mood over the last 90 days', h('p', { class: 'empty' }, empty));
  }
  const pts = points.map((p) => ({ at: localDay(p.day), value: p.score, text: `${p.score} of 10`, day: p.day }));
  const last = pts[pts.length - 1];
  return card('mood-trend-h', 'Mood over the last 90 days',
    h('p', { class: 'latest' }, 'Latest: ', h('strong', {}, `${last.value} of 10`), `, ${longDate(last.at)}.`),
    lineChart({
      title: 'Daily mood, 1 (worst) to 10 (best)',
      summary: `${pts.length} check-ins from ${longDate(pts[0].at)} to ${longDate(last.at)}. Latest: ${last.value} of 10.`,
      points: pts,
      scale: { min: 1, max: 10, ticks: [1, 4, 7, 10] },
      columns: ['Day', 'Mood'],
      row: (p) => [longDate(p.at), `${p.value} of 10`],
      tableLabel: 'Show the check-ins as a table',
    }));
}
