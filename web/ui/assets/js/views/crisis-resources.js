// The crisis lines and the plain statements of the crisis page. They are
// built from the page itself, with no server round trip, so they show at
// once and offline. The emergency number is the server's configured one,
// written into the shell (meta haven-emergency-number).
//
// 988 options as the Lifeline announces them in 2025: press 1 for the
// Veterans Crisis Line (also text 838255), press 2 for Spanish. The
// LGBTQI+ youth option ("press 3") ended on 17 July 2025, so it is not
// offered.

import { h } from '../dom.js';

// emergencyNumber is the local emergency number (911 unless configured).
export function emergencyNumber() {
  const meta = document.querySelector('meta[name="haven-emergency-number"]');
  const n = meta ? meta.getAttribute('content') : '';
  return /^[0-9]{2,8}$/.test(n || '') ? n : '911';
}

// linesCard lists who to call, text or chat right now.
export function linesCard() {
  const em = emergencyNumber();
  return h('section', { class: 'card crisis-lines', 'aria-labelledby': 'lines-h' },
    h('h2', { id: 'lines-h' }, 'Talk to someone now'),
    h('p', {}, h('strong', {}, '988 Suicide & Crisis Lifeline'), ': free and confidential, any time, day or night.'),
    h('div', { class: 'crisis-actions' },
      h('a', { class: 'button', href: 'tel:988', id: 'call-988' }, 'Call 988'),
      h('a', { class: 'button', href: 'sms:988', id: 'text-988' }, 'Text 988'),
      h('a', { class: 'button button--quiet', href: 'https://988lifeline.org/chat', target: '_blank', rel: 'noopener noreferrer', id: 'chat-988' },
        'Chat online at 988lifeline.org')),
    h('p', { class: 'muted' },
      'When you call 988: veterans and service members, press 1 for the Veterans Crisis Line (or text 838255). ',
      h('span', { lang: 'es' }, 'Para ayuda en español, oprima 2.')),
    h('h3', { id: 'emergency-h' }, 'In danger right now?'),
    h('p', {}, `If you or someone else is hurt or in immediate danger, call ${em}.`),
    h('div', { class: 'crisis-actions' },
      h('a', { class: 'button button--emergency', href: `tel:${em}`, id: 'call-emergency' }, `Call ${em}`)));
}

// aboutCard says plainly what Haven does and does not do in a crisis.
export function aboutCard() {
  const em = emergencyNumber();
  return h('section', { class: 'card', 'aria-labelledby': 'about-crisis-h' },
    h('h2', { id: 'about-crisis-h' }, 'What Haven does in a crisis'),
    h('ul', { class: 'crisis-facts' },
      h('li', {}, 'Messages in Haven are not monitored around the clock. The crisis button alerts your clinic\u2019s on-call crisis counselor, who joins you here.'),
      h('li', {}, `Haven never calls emergency services for you. If you are in danger, call ${em} yourself, or ask someone near you to call.`),
      h('li', {}, 'Once you have opened this page, it works without an internet connection. The phone numbers always work.')));
}
