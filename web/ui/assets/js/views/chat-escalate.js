// A clinician's manual crisis escalation from a conversation: one button,
// a confirmation that names the patient, then POST
// /api/patients/{id}/escalate with the conversation, and the answer in
// words. Only clinicians on the patient's care team are allowed; others
// get the server's message.

import { api } from '../api.js';
import { button, h } from '../dom.js';

// escalatePanel returns the panel for the conversation with patientId;
// patientName is how the confirmation names them.
export function escalatePanel(patientId, conversationId, patientName) {
  const start = button('Escalate to a crisis counselor', { kind: 'quiet small' });
  start.id = 'chat-escalate';
  const confirm = button('Alert the on-call counselor now', { kind: 'crisis small' });
  confirm.id = 'chat-escalate-confirm';
  const cancel = button('Cancel', { kind: 'quiet small' });
  const question = h('p', {}, `This alerts the on-call crisis counselor about ${patientName} at once.`);
  const asking = h('div', { class: 'chat-escalate-confirm', hidden: true }, question, confirm, ' ', cancel);
  const result = h('p', { role: 'status', 'aria-live': 'polite', id: 'chat-escalate-status' });
  const panel = h('div', { class: 'chat-escalate' }, start, asking, result);

  start.addEventListener('click', () => {
    result.textContent = '';
    asking.hidden = false;
    start.hidden = true;
    confirm.focus();
  });
  cancel.addEventListener('click', () => {
    asking.hidden = true;
    start.hidden = false;
    start.focus();
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      const res = await api('POST', `/api/patients/${patientId}/escalate`, { conversation_id: conversationId });
      result.textContent = res.attached
        ? `${patientName} already had an open crisis request (request ${res.escalation_id}); this conversation was added to it.`
        : `The on-call crisis counselor has been alerted (request ${res.escalation_id}).`;
      asking.hidden = true;
      start.hidden = false;
    } catch (err) {
      result.textContent = err.message || 'The escalation could not be sent. Call the crisis line directly.';
    } finally {
      confirm.disabled = false;
    }
  });
  return panel;
}
