// The composer of a conversation: a labelled textarea (Enter sends,
// Shift+Enter starts a new line), attachments, and Send. The text is kept
// as a draft in sessionStorage on every keystroke; sending moves it to the
// outbox, which keeps it until the server acknowledges it.

import { errorBox, h, nextId, statusBox } from '../dom.js';
import { readDraft, writeDraft } from './chat-outbox.js';
import { attachmentPicker } from './chat-attach.js';

const MAX_CHARS = 4000; // characters (code points), as the server counts

// composer returns {node, focus, setText, disable}.
export function composer({ store, conv, me }) {
  const box = errorBox();
  box.id = 'chat-error';
  const note = statusBox();
  const id = nextId('chat-input');
  const hintId = `${id}-hint`;
  const input = h('textarea', {
    id, name: 'message', rows: '3', 'aria-describedby': hintId, autocomplete: 'off', class: 'chat-input',
  });
  input.value = readDraft(me.id, conv);
  const picker = attachmentPicker({ conv, box, note });
  const send = h('button', { class: 'button chat-send', type: 'submit', id: 'chat-send' }, 'Send');
  const form = h('form', { class: 'chat-composer', id: 'chat-composer', method: 'post', action: '/chat', 'aria-label': 'Write a message' },
    box, note,
    h('div', { class: 'field' },
      h('label', { for: id }, 'Message'),
      input,
      h('span', { class: 'hint', id: hintId }, 'Enter sends. Shift+Enter starts a new line.')),
    picker.node,
    h('div', { class: 'actions' }, send));

  input.addEventListener('input', () => {
    writeDraft(me.id, conv, input.value);
    if (input.value.trim() !== '') {
      store.typing(conv);
    }
  });
  // Enter sends. Some input paths (automation, a few virtual keyboards)
  // deliver the key's line break as a separate event after the keydown,
  // so a line break right after a sending Enter is dropped too.
  let sentByEnter = false;
  input.addEventListener('keydown', (ev) => {
    sentByEnter = false;
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      sentByEnter = true;
      form.requestSubmit();
    }
  });
  input.addEventListener('beforeinput', (ev) => {
    if (sentByEnter && (ev.inputType === 'insertLineBreak' || ev.inputType === 'insertParagraph')) {
      ev.preventDefault();
    }
    sentByEnter = false;
  });
  input.addEventListener('keyup', () => {
    sentByEnter = false;
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    box.textContent = '';
    const body = input.value;
    const files = picker.take(false);
    if (picker.busy()) {
      box.textContent = 'Wait until the file is attached, then send.';
      return;
    }
    if (body.trim() === '' && files.length === 0) {
      box.textContent = 'Write a message or attach a file first.';
      return;
    }
    if ([...body].length > MAX_CHARS) {
      box.textContent = `A message can be at most ${MAX_CHARS} characters. Shorten it or split it in two.`;
      return;
    }
    store.send(conv, body.trim() === '' ? '' : body, picker.take(true));
    input.value = '';
    writeDraft(me.id, conv, '');
    input.focus();
  });

  return {
    node: form,
    focus: () => input.focus(),
    // setText puts text back in the composer (editing a refused message).
    setText(text) {
      input.value = text;
      writeDraft(me.id, conv, text);
      input.focus();
    },
    // disable turns the composer off, saying why.
    disable(reason) {
      input.disabled = true;
      send.disabled = true;
      picker.disable();
      note.textContent = reason;
    },
  };
}
