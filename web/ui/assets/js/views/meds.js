// The patient's Medications page: each medication with its reminders
// switch, today's doses to mark taken or skipped, a refill request, and the
// answers to refill requests.

import { api } from '../api.js';
import { button, errorBox, h, nextId, statusBox } from '../dom.js';
import { backHome, card, clockInZone, dayInZone, signedIn, viewerZone } from './visits-common.js';
import { adherenceText, refillList } from './meds-common.js';

export async function medsView() {
  const me = await signedIn('patient');
  if (!me) {
    return null;
  }
  const base = `/api/patients/${me.id}`;
  const status = statusBox();
  const listArea = h('div', {});
  const refillArea = h('div', {});
  const refreshRefills = async () => {
    const { refills } = await api('GET', `${base}/refills`);
    refillArea.replaceChildren(refillList(refills, 'You have not asked for a refill yet.'));
  };
  const [{ medications }, adherence] = await Promise.all([
    api('GET', `${base}/medications`),
    api('GET', `${base}/adherence?days=30`),
  ]);
  const rates = new Map(adherence.medications.map((m) => [m.medication_id, m]));
  listArea.replaceChildren(medications.length === 0
    ? h('p', { class: 'empty' }, 'Your care team has not recorded any medications for you.')
    : h('ul', { class: 'list med-list', id: 'med-list' }, medications.map((m) => medItem(m, rates.get(m.id), status, refreshRefills))));
  await refreshRefills();
  return h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Medications'),
    h('p', { class: 'lede' }, 'Your medications as your care team recorded them. Questions about a medication? Send your care team a message.'),
    status,
    card('meds-h', 'Your medications', listArea),
    card('refills-h', 'Refill requests', refillArea));
}

function medItem(m, rate, status, refreshRefills) {
  const box = errorBox();
  const stopped = m.stop !== '' && m.stop < dayInZone(m.zone);
  const refill = button('Request a refill', { kind: 'quiet small' });
  refill.setAttribute('aria-label', `Request a refill of ${m.name}`);
  refill.addEventListener('click', async () => {
    refill.disabled = true;
    box.textContent = '';
    try {
      await api('POST', `/api/medications/${m.id}/refills`);
      status.textContent = `Refill of ${m.name} requested. Your care team will answer here.`;
      await refreshRefills();
    } catch (err) {
      box.textContent = err.message;
    } finally {
      refill.disabled = false;
    }
  });
  return h('li', { 'data-id': String(m.id) },
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, `${m.name} · ${m.dose}`),
      m.instructions ? h('span', { class: 'list__meta' }, m.instructions) : null,
      h('span', { class: 'list__meta' },
        m.daily_times.length > 0 ? `Daily at ${m.daily_times.join(', ')} (${m.zone.replaceAll('_', ' ')} time)` : 'No set dose times',
        m.prescriber_name ? ` · Prescribed by ${m.prescriber_name}` : '',
        stopped ? ` · Stopped ${m.stop}` : ''),
      rate && rate.expected > 0 ? h('span', { class: 'list__meta' }, adherenceText(rate, 30)) : null,
      box,
      stopped ? null : reminderSwitch(m, box, status),
      stopped ? null : todaysDoses(m, box, status)),
    stopped ? null : h('div', { class: 'actions' }, refill));
}

// reminderSwitch turns dose reminders on or off, in this device's zone.
function reminderSwitch(m, box, status) {
  const id = nextId('remind');
  const input = h('input', { id, type: 'checkbox', name: 'reminders' });
  input.checked = m.reminders_on;
  input.disabled = m.daily_times.length === 0;
  input.addEventListener('change', async () => {
    const on = input.checked;
    input.disabled = true;
    box.textContent = '';
    try {
      await api('PUT', `/api/medications/${m.id}/reminders`, { on, zone: viewerZone() });
      status.textContent = on ? `Reminders for ${m.name} are on.` : `Reminders for ${m.name} are off.`;
      if (on) {
        m.zone = viewerZone();
      }
    } catch (err) {
      input.checked = !on;
      box.textContent = err.message;
    } finally {
      input.disabled = false;
    }
  });
  return h('div', { class: 'field med-remind' }, h('label', { for: id, class: 'check' }, input, ' Remind me to take it'));
}

// todaysDoses lists today's dose times that have come, each to mark taken
// or skipped.
function todaysDoses(m, box, status) {
  const today = dayInZone(m.zone);
  const now = clockInZone(m.zone);
  const due = m.daily_times.filter((t) => t <= now && m.start <= today);
  if (due.length === 0) {
    return null;
  }
  return h('div', { class: 'doses' },
    h('p', { class: 'label' }, 'Today’s doses'),
    h('ul', { class: 'dose-list' }, due.map((t) => {
      const said = h('span', { class: 'dose-said' });
      const mark = (doseStatus, text) => {
        const b = button(text, { kind: 'quiet small' });
        b.setAttribute('aria-label', `${text}: ${m.name} at ${t}`);
        b.addEventListener('click', async () => {
          box.textContent = '';
          b.disabled = true;
          try {
            await api('POST', `/api/medications/${m.id}/doses`, { day: today, time: t, status: doseStatus });
            said.textContent = doseStatus === 'taken' ? 'Taken' : 'Skipped';
            status.textContent = `${m.name} at ${t}: recorded as ${doseStatus}.`;
          } catch (err) {
            box.textContent = err.message;
          } finally {
            b.disabled = false;
          }
        });
        return b;
      };
      return h('li', {}, h('span', { class: 'dose-time' }, t), ' ', mark('taken', 'Taken'), ' ', mark('skipped', 'Skipped'), ' ', said);
    })));
}

