// Turns the plain node trees of comments-view.js into DOM elements: createElement,
// textContent and a short list of attributes, nothing else. No HTML string is ever parsed,
// so no text can become markup; an href is set only when it is a bitweb page address.

const ATTRIBUTES = new Set(['id', 'class', 'dir', 'title', 'type', 'disabled', 'href']);

/** Whether an href may be set: http://<something>.bitweb/... and nothing else (never javascript:, data: ...). */
export function safeHref(value) {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && /\.bitweb$/i.test(url.hostname) && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** An element for `tree` (made in `doc`), with its children. */
export function mount(tree, doc = document) {
  const element = doc.createElement(tree.tag);
  for (const [name, value] of Object.entries(tree.attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    const text = String(value);
    if (name === 'data-hue') {
      if (/^\d{1,3}$/.test(text)) element.style.setProperty('--hue', text);
    } else if (name === 'href') {
      if (safeHref(text)) element.setAttribute('href', text);
    } else if (ATTRIBUTES.has(name) || /^(data|aria)-[a-z-]+$/.test(name)) {
      element.setAttribute(name, text);
    }
  }
  if (typeof tree.text === 'string') element.textContent = tree.text;
  for (const child of tree.children ?? []) element.append(mount(child, doc));
  return element;
}
