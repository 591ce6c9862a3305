// Attaching files to a message: a labelled file input for images and PDFs
// up to 10 MB, each file uploaded at once to the conversation
// (POST /api/chat/conversations/{id}/attachments, the raw bytes), then
// listed with a Remove button until the message is sent.

import { button, h, nextId } from '../dom.js';
import { sentence } from './chat-common.js';

export const MAX_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 10;
const TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/pdf'];

// attachmentPicker returns {node, take(clear), busy(), disable()}: take
// returns the attached files ({id, type, size, name}) and, with clear,
// empties the list.
export function attachmentPicker({ conv, box, note }) {
  const id = nextId('chat-file');
  const input = h('input', { id, type: 'file', name: 'attachment', accept: TYPES.join(','), class: 'chat-file-input' });
  const list = h('ul', { class: 'chat-attached', id: 'chat-attached' });
  let files = [];
  let uploading = 0;

  const render = () => {
    list.replaceChildren(...files.map((f) => {
      const remove = button('Remove', { kind: 'quiet small' });
      remove.setAttribute('aria-label', `Remove attachment ${f.name}`);
      remove.addEventListener('click', () => {
        files = files.filter((x) => x !== f);
        render();
        input.focus();
      });
      return h('li', {}, h('span', { class: 'chat-attached__name' }, `${f.name} (${sizeText(f.size)})`), ' ', remove);
    }));
    input.disabled = files.length >= MAX_FILES;
  };

  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) {
      return;
    }
    box.textContent = '';
    const problem = check(file);
    if (problem) {
      box.textContent = problem;
      return;
    }
    uploading += 1;
    note.textContent = `Attaching ${file.name}…`;
    try {
      const a = await upload(conv, file);
      files.push({ id: a.attachment, type: a.content_type, size: a.size, name: file.name });
      note.textContent = `${file.name} is attached. It is sent with your next message.`;
      render();
    } catch (err) {
      note.textContent = '';
      box.textContent = err.message;
    } finally {
      uploading -= 1;
    }
  });

  return {
    node: h('div', { class: 'field chat-files' },
      h('label', { for: id }, 'Attach an image or PDF (up to 10 MB)'),
      input, list),
    take(clear) {
      const out = files;
      if (clear) {
        files = [];
        render();
      }
      return out;
    },
    busy: () => uploading > 0,
    disable() {
      input.disabled = true;
    },
  };
}

// check says why a file cannot be attached, or returns ''.
export function check(file) {
  if (file.type && !TYPES.includes(file.type)) {
    return 'Only images (PNG, JPEG, WebP or GIF) and PDF files can be attached.';
  }
  if (file.size > MAX_BYTES) {
    return `${file.name} is larger than 10 MB. Attach a smaller file.`;
  }
  if (file.size === 0) {
    return `${file.name} is empty.`;
  }
  return '';
}

// upload sends the file's bytes; the server finds the type from the
// content and answers {attachment, content_type, size}, or a plain-text
// reason.
async function upload(conv, file) {
  let res;
  try {
    res = await fetch(`/api/chat/conversations/${conv}/attachments`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' },
    });
  } catch {
    throw new Error('The file could not be sent. Check your connection and try again.');
  }
  if (res.status === 201) {
    return res.json();
  }
  let reason = '';
  try {
    reason = (await res.text()).trim();
  } catch {
    // no reason given
  }
  if (res.status === 413) {
    throw new Error(sentence(reason) || 'That file is larger than 10 MB.');
  }
  throw new Error(sentence(reason) || 'The file could not be attached. Please try again.');
}

// sizeText is a file size for people.
export function sizeText(n) {
  if (n >= 1024 * 1024) {
    return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  }
  if (n >= 1024) {
    return `${Math.round(n / 1024)} KB`;
  }
  return `${n} bytes`;
}
