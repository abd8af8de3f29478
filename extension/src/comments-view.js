// What the comments sidebar shows, as pure functions from the host's `comments.list` reply
// to a tree of plain nodes: {tag, attrs, text, children}. Nothing here touches the DOM;
// render.js turns the tree into elements with createElement and textContent only, so no
// text from a record can ever become markup. Record text is hostile until shown otherwise:
// it is made well-formed, stripped of control and bidi-reordering characters, cut to a
// length, and only links to bitweb pages (http://<site>.bitweb/..., web+bitweb:, magnet:)
// become links, pointing at the canonical address of what they name.

import { parseSiteLink, siteHref } from './links.js';

/** The engine refuses bodies over 4000 bytes; a display never shows more than this many characters. */
export const MAX_BODY_CHARS = 4000;
export const MAX_NAME_CHARS = 64;
/** Replies are indented up to this depth (the host reports at most 8). */
export const MAX_DEPTH = 8;

// C0 and C1 controls but tab and line feed; the bidi embeddings, overrides and isolates
// (U+202A-U+202E, U+2066-U+2069); U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/g;
const LINK = /(?:https?:\/\/|web\+bitweb:|magnet:\?)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** Lone surrogates become U+FFFD (String.prototype.toWellFormed where the browser has it). */
function wellFormed(text) {
  if (typeof text.toWellFormed === 'function') return text.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Text from a record as it may be displayed: a string, well-formed, without unsafe
 * characters, carriage returns as line feeds, at most `max` characters (then "…").
 */
export function cleanText(value, max = MAX_BODY_CHARS) {
  if (typeof value !== 'string') return '';
  let text = wellFormed(value).replace(/\r\n?/g, '\n').replace(UNSAFE, '');
  if (text.length > max) {
    // never cut a surrogate pair in half
    let end = max;
    if (/[\uD800-\uDBFF]/.test(text[end - 1])) end -= 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/**
 * A body split into text and link parts: [{text}] or [{text, href}]. Only bitweb links get an
 * href, and it is the canonical address of what they name, never the text as written.
 */
export function bodyParts(value) {
  const text = cleanText(value);
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    const written = match[0].replace(TRAILING, '');
    const parsed = parseSiteLink(written);
    if (!parsed) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: written, href: siteHref(parsed) });
    at = match.index + written.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** "ab12cd34": enough of a key to tell authors apart at a glance. */
export function shortKey(hex) {
  return typeof hex === 'string' && /^[0-9a-f]{64}$/i.test(hex) ? hex.slice(0, 8).toLowerCase() : '????????';
}

/** A hue for an author, from their key: the same author always has the same colour. */
export function keyHue(hex) {
  return typeof hex === 'string' && /^[0-9a-f]{6}/i.test(hex) ? parseInt(hex.slice(0, 6), 16) % 360 : 0;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or the date. */
export function timeAgo(seconds, nowMs = Date.now()) {
  if (!Number.isFinite(seconds)) return '';
  const diff = Math.round(nowMs / 1000 - seconds);
  if (diff < 60) return 'just now';
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`;
  if (diff < 86400) return `${Math.floor(diff / 3600)} h ago`;
  if (diff < 30 * 86400) return `${Math.floor(diff / 86400)} day${diff < 2 * 86400 ? '' : 's'} ago`;
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function isoTime(seconds) {
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : '';
}

const node = (tag, attrs = {}, children = [], text) => ({ tag, attrs, children, text });

/** The text and link nodes of a body. */
function bodyNodes(value) {
  return bodyParts(value).map((part) => (part.href
    ? node('a', { href: part.href, class: 'bitweb-link', 'data-action': 'open', title: part.href }, [], part.text)
    : node('span', {}, [], part.text)));
}

/**
 * One comment or reply: author, time, body, actions. `ctx` = {owner, now, replyingTo}.
 * Hidden (only the owner sees those) and muted records are collapsed to a line saying so.
 */
export function itemView(item, ctx = {}) {
  const id = typeof item?.id === 'string' ? item.id : '';
  const depth = Math.max(0, Math.min(MAX_DEPTH, Number.isInteger(item?.depth) ? item.depth : 0));
  const name = cleanText(item?.name, MAX_NAME_CHARS).replace(/\s+/g, ' ').trim();
  const key = shortKey(item?.author);
  const meta = [
    node('span', { class: 'swatch', 'data-hue': String(keyHue(item?.author)) }),
    node('span', { class: 'author' }, [], name || 'Anonymous'),
    node('span', { class: 'key', title: `Author key ${String(item?.author ?? '')}` }, [], key),
    node('time', { title: isoTime(item?.time) }, [], timeAgo(item?.time, ctx.now)),
  ];
  if (item?.mine) meta.push(node('span', { class: 'tag' }, [], 'you'));
  if (item?.hidden) meta.push(node('span', { class: 'tag warn' }, [], 'hidden by you'));
  if (item?.parent && depth === 0) meta.push(node('span', { class: 'tag' }, [], 'reply to a comment not shown'));
  const actions = [];
  const collapsed = Boolean(item?.muted) && !ctx.showMuted;
  if (!collapsed && !item?.hidden && ctx.canPost !== false) {
    actions.push(node('button', { type: 'button', 'data-action': 'reply', 'data-id': id }, [], 'Reply'));
  }
  if (!item?.mine) {
    actions.push(node('button', { type: 'button', 'data-action': item?.muted ? 'unmute' : 'mute', 'data-author': String(item?.author ?? '') },
      [], item?.muted ? 'Unmute author' : 'Mute author'));
  }
  if (ctx.owner) {
    actions.push(node('button', { type: 'button', 'data-action': item?.hidden ? 'unhide' : 'hide', 'data-id': id }, [],
      item?.hidden ? 'Unhide' : 'Hide'));
    if (!item?.mine) {
      actions.push(node('button', { type: 'button', 'data-action': 'hide-author', 'data-author': String(item?.author ?? '') }, [], 'Hide author'));
    }
  }
  const body = collapsed
    ? node('p', { class: 'body muted' }, [], 'Muted by you.')
    : node('p', { class: 'body', dir: 'auto' }, bodyNodes(item?.body));
  const children = [node('div', { class: 'meta' }, meta), body, node('div', { class: 'actions' }, actions)];
  if (ctx.replyingTo === id) children.push(node('div', { class: 'reply-box', 'data-reply-box': id }));
  return node('li', { class: `comment${item?.hidden ? ' hidden-item' : ''}`, 'data-id': id, 'data-depth': String(depth) }, children);
}

/** One "linked from" entry: the page that links here (a link), with its text or title. */
export function linkedFromView(item, ctx = {}) {
  const parsed = parseSiteLink(typeof item?.from === 'string' ? item.from : '');
  const href = parsed ? siteHref(parsed) : null;
  const title = cleanText(item?.body, 200).replace(/\s+/g, ' ').trim();
  const label = title || (href ?? 'a page');
  const kind = item?.kind === 'link' ? 'links here' : 'answers this page';
  const children = [
    href ? node('a', { href, class: 'bitweb-link', 'data-action': 'open', title: href }, [], label) : node('span', {}, [], label),
    node('span', { class: 'muted small' }, [], ` ${kind} · ${timeAgo(item?.time, ctx.now)}`),
  ];
  return node('li', { class: 'linked', 'data-id': typeof item?.id === 'string' ? item.id : '' }, children);
}

/** The whole list part of the sidebar for one reply of `comments.list`. */
export function listingView(listing, ctx = {}) {
  const comments = Array.isArray(listing?.comments) ? listing.comments : [];
  const linked = Array.isArray(listing?.linkedFrom) ? listing.linkedFrom : [];
  const page = Number.isInteger(listing?.page) ? listing.page : 0;
  const pages = Number.isInteger(listing?.pages) && listing.pages > 0 ? listing.pages : 1;
  const total = Number.isInteger(listing?.total) ? listing.total : comments.length;
  const itemCtx = { ...ctx, owner: Boolean(listing?.owner) };
  const children = [
    node('h2', { id: 'count' }, [], total === 1 ? '1 comment' : `${total} comments`),
  ];
  if (comments.length === 0) {
    children.push(node('p', { class: 'muted empty' }, [], 'No comments yet. Be the first.'));
  } else {
    children.push(node('ol', { class: 'comments' }, comments.map((item) => itemView(item, itemCtx))));
  }
  if (pages > 1) {
    children.push(node('nav', { class: 'pager' }, [
      node('button', { type: 'button', 'data-action': 'page', 'data-page': String(page - 1), disabled: page === 0 ? 'disabled' : undefined }, [], '← Newer'),
      node('span', { class: 'muted' }, [], `Page ${page + 1} of ${pages}`),
      node('button', { type: 'button', 'data-action': 'page', 'data-page': String(page + 1), disabled: page + 1 >= pages ? 'disabled' : undefined }, [], 'Older →'),
    ]));
  }
  const linkedTotal = Number.isInteger(listing?.linkedFromTotal) ? listing.linkedFromTotal : linked.length;
  children.push(node('h2', {}, [], linkedTotal ? `Linked from (${linkedTotal})` : 'Linked from'));
  children.push(linked.length
    ? node('ul', { class: 'linked-from' }, linked.map((item) => linkedFromView(item, ctx)))
    : node('p', { class: 'muted' }, [], 'No other bitweb page links here yet.'));
  return node('div', { class: 'listing' }, children);
}

/** The line under the post box: who posts, and what posting reveals. */
export function postingAs(identity, { perSite } = {}) {
  const name = cleanText(identity?.name, MAX_NAME_CHARS).trim();
  const key = identity?.author ? shortKey(identity.author) : null;
  const who = name ? `${name}${key ? ` (${key})` : ''}` : key ? `key ${key}` : 'a new key made for you';
  return `Posting as ${who}${perSite ?? identity?.perSite ? ', a key for this site only' : ''}.`;
}

export const PRIVACY_NOTE = 'Posting signs your comment with your BitWeb key and sends it to the peers of this site. '
  + 'They, and everyone who reads its comments, see that key and your display name, and the peers it is sent to see '
  + 'your IP address. Reading comments reveals nothing more than visiting the page.';
