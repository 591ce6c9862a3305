// A questionnaire as a form: the published wording exactly as the server
// sends it, one question per fieldset with one radio button per answer,
// questions shown or skipped as the instrument's rules say. Nothing is sent
// until every question asked has an answer.

import { button, errorBox, h, nextId, submitting } from '../dom.js';

// asked reports whether item is asked given the answers so far (the
// server applies the same rule).
function asked(item, instrument, answers) {
  const c = item.asked_if;
  if (!c) {
    return true;
  }
  if (c.yes) {
    return answers[c.yes] === 1;
  }
  if (c.any_problem) {
    return instrument.items.some((it) => it.scored && answers[it.key] > 0);
  }
  return true;
}

// questionnaireForm renders instrument; send(answers) submits the complete
// answers and may throw (its message is shown, the answers are kept).
export function questionnaireForm(instrument, send) {
  const box = errorBox();
  const questions = instrument.items.map((item, i) => question(item, i + 1));
  const form = h('form', { class: 'questionnaire', method: 'post', action: '/questionnaires', novalidate: true },
    instrument.stem ? h('p', { class: 'stem' }, instrument.stem) : null,
    box,
    questions.map((q) => q.node),
    h('div', { class: 'actions' }, button('Submit my answers', { type: 'submit' })),
    h('p', { class: 'muted small' }, instrument.source));

  const answers = () => {
    const out = {};
    for (const q of questions) {
      const v = q.value();
      if (v !== null) {
        out[q.item.key] = v;
      }
    }
    return out;
  };
  // sync shows the questions now asked and clears answers to the ones
  // that are not, so a skipped question is never sent.
  const sync = () => {
    let a = answers();
    for (const q of questions) {
      const on = asked(q.item, instrument, a);
      q.node.hidden = !on;
      if (!on && q.value() !== null) {
        q.clear();
        a = answers();
      }
      if (on && q.value() !== null) {
        q.mark(false);
      }
    }
  };
  form.addEventListener('change', sync);
  sync();

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const a = answers();
    const missing = questions.filter((q) => !q.node.hidden && q.value() === null);
    for (const q of questions) {
      q.mark(missing.includes(q));
    }
    if (missing.length > 0) {
      const numbers = missing.map((q) => q.number).join(', ');
      box.textContent = `Please answer every question before submitting. Still to answer: question${missing.length > 1 ? 's' : ''} ${numbers}.`;
      missing[0].focus();
      return;
    }
    submitting(form, box, () => send(a));
  });
  return form;
}

// question is one item's fieldset.
function question(item, number) {
  const name = nextId(`q-${item.key}`);
  const helpId = item.help ? nextId('help') : null;
  const missingId = nextId('missing');
  const inputs = item.options.map((o) => h('input', { type: 'radio', name, value: String(o.value) }));
  const node = h('fieldset', { class: 'question', 'data-key': item.key, 'aria-describedby': helpId },
    h('legend', {}, h('span', { class: 'question__number' }, `${number}. `), item.text,
      item.period ? h('span', { class: 'tag' }, item.period) : null),
    item.help ? h('p', { class: 'hint', id: helpId }, item.help) : null,
    h('p', { class: 'question__missing', id: missingId, hidden: true }, 'Please choose an answer.'),
    h('div', { class: 'options' }, item.options.map((o, i) => h('label', { class: 'option' }, inputs[i], h('span', {}, o.label)))));
  return {
    item,
    number,
    node,
    value() {
      const c = inputs.find((i) => i.checked);
      return c ? Number(c.value) : null;
    },
    clear() {
      for (const i of inputs) {
        i.checked = false;
      }
    },
    mark(on) {
      node.classList.toggle('question--missing', on);
      node.querySelector('.question__missing').hidden = !on;
      for (const i of inputs) {
        if (on) {
          i.setAttribute('aria-describedby', missingId);
          i.setAttribute('aria-invalid', 'true');
        } else {
          i.removeAttribute('aria-describedby');
          i.removeAttribute('aria-invalid');
        }
      }
    },
    focus() {
      inputs[0].focus();
    },
  };
}
