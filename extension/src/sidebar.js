// The comments sidebar (Firefox sidebar_action, Chrome side panel): follows the active tab
// and, for a BitWeb page, shows its comments (threaded, newest activity first, paged), the
// pages that link to it, a post box, reply buttons, the owner's moderation buttons and the
// reader's mute buttons. What is shown is decided in comments-view.js and put into the DOM
// by render.js (textContent only); this file asks the background and reacts to clicks.
//
// First paint: the engine's own copy of the page's comments is asked for and shown at once;
// then the site's peers are asked (comments.list with `refresh`) and the list is shown again
// if they had more. document.documentElement.dataset.firstPaintMs records the first paint.

import * as platform from './platform.js';
import { labelOfPage } from './links.js';
import { listingView, postingAs, PRIVACY_NOTE } from './comments-view.js';
import { mount } from './render.js';

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 50;
/** How long the engine waits for the site's peers when refreshing (ms). */
const REFRESH_WAIT = 4000;
const PRIVACY_ACCEPTED = 'commentsPrivacyAccepted';

const state = {
  tabId: null,
  windowId: null,
  url: null, // the page whose comments are shown
  page: 0,
  listing: null,
  replyTo: null,
  loadSeq: 0,
  posting: false,
  firstPaint: false,
};

function say(text, tone = 'ok') {
  const status = $('status');
  status.textContent = text ?? '';
  status.dataset.tone = tone;
  status.hidden = !text;
}

async function ask(message) {
  try {
    const reply = await platform.sendMessage(message);
    return reply ?? { ok: false, error: { message: 'no answer from the extension' } };
  } catch (error) {
    return { ok: false, error: { kind: 'internal', message: `The extension's background is not answering: ${error.message}` } };
  }
}

function errorText(reply) {
  const error = reply?.error ?? {};
  if (error.kind === 'host' && error.code === 4) return 'The BitWeb host is too old for comments: run the installer again (installer/install.sh --rebuild).';
  return error.message ?? 'Something went wrong.';
}

// ---- following the active tab ----

/**
 * `sidebar.html?tab=<id>` follows that tab instead of the active one: the sidebar opened in a
 * tab of its own (the end-to-end tests do, since no automation can open a browser's sidebar).
 */
const FOLLOWED = Number.parseInt(new URLSearchParams(location.search).get('tab') ?? '', 10);

async function follow() {
  let tab = null;
  try {
    tab = Number.isInteger(FOLLOWED) ? await platform.getTab(FOLLOWED) : await platform.activeTab();
  } catch (error) {
    say(`Cannot see the active tab: ${error.message}`, 'error');
  }
  state.tabId = tab?.id ?? null;
  state.windowId = tab?.windowId ?? state.windowId;
  const url = tab?.url && labelOfPage(tab.url) ? pageUrl(tab.url) : null;
  if (url === state.url) return;
  state.url = url;
  state.page = 0;
  state.replyTo = null;
  $('not-bitweb').hidden = Boolean(url);
  $('main').hidden = !url;
  $('page').textContent = url ?? '';
  $('page').title = url ?? '';
  $('listing').replaceChildren();
  if (url) await load({ refresh: true });
  else say('');
}

/** The page a tab shows, without query and fragment (they are not part of a page). */
function pageUrl(tabUrl) {
  try {
    const url = new URL(tabUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

// ---- loading and showing ----

async function load({ refresh = false } = {}) {
  const seq = ++state.loadSeq;
  const url = state.url;
  if (!url) return;
  const asked = performance.now();
  const local = await ask({ type: 'comments.list', url, page: state.page, pageSize: PAGE_SIZE });
  if (!state.firstPaint) {
    // for the end-to-end test's figure: where the first paint's time goes
    document.documentElement.dataset.firstAskMs = String(Math.round(asked));
    document.documentElement.dataset.firstAnswerMs = String(Math.round(performance.now()));
  }
  if (seq !== state.loadSeq) return; // the tab moved on meanwhile
  if (!local.ok) {
    say(errorText(local), 'error');
  } else {
    show(local.listing);
  }
  if (!refresh) return;
  say('Asking this site’s peers…', 'busy');
  const fresh = await ask({ type: 'comments.list', url, page: state.page, pageSize: PAGE_SIZE, refresh: true, wait: REFRESH_WAIT });
  if (seq !== state.loadSeq) return;
  if (!fresh.ok) {
    say(errorText(fresh), 'error');
    return;
  }
  show(fresh.listing);
  const swarm = fresh.listing?.swarm;
  say(swarm && swarm.asked === 0 ? 'No peer of this site is connected: showing what this browser knows.' : '');
}

function show(listing) {
  state.listing = listing;
  const tree = listingView(listing, { now: Date.now(), replyingTo: state.replyTo });
  $('listing').replaceChildren(mount(tree));
  $('posting-as').textContent = postingAs(listing?.identity);
  if (state.replyTo) placeReplyBox();
  if (!state.firstPaint) {
    state.firstPaint = true;
    document.documentElement.dataset.firstPaintMs = String(Math.round(performance.now()));
  }
}

// ---- posting ----

async function post(event) {
  event.preventDefault();
  if (state.posting || !state.url) return;
  const text = $('post-text').value;
  if (!text.trim()) {
    say('Write something first.', 'error');
    return;
  }
  if (!(await privacyAccepted())) return;
  state.posting = true;
  $('post-button').disabled = true;
  say('Signing your comment (about a second of work, so spam costs something)…', 'busy');
  const reply = await ask({ type: 'comments.post', url: state.url, body: text, replyTo: state.replyTo ?? undefined });
  state.posting = false;
  $('post-button').disabled = false;
  if (!reply.ok) {
    say(errorText(reply), 'error');
    return;
  }
  $('post-text').value = '';
  cancelReply();
  say('Posted.');
  await load();
}

/** Before the first post: what posting reveals, and a tick to say it was read. */
async function privacyAccepted() {
  if (await platform.storageGet(PRIVACY_ACCEPTED).catch(() => false)) return true;
  const box = $('privacy');
  if (box.hidden) {
    $('privacy-text').textContent = PRIVACY_NOTE;
    box.hidden = false;
    say('Please read the note above the Post button first.', 'busy');
    return false;
  }
  if (!$('privacy-ok').checked) {
    say('Tick “I understand” to post.', 'busy');
    return false;
  }
  await platform.storageSet(PRIVACY_ACCEPTED, true).catch(() => {});
  box.hidden = true;
  return true;
}

function startReply(id) {
  state.replyTo = id;
  $('cancel-reply').hidden = false;
  $('post-label').textContent = 'Reply';
  placeReplyBox();
  $('post-text').focus();
}

/** Moves the post form under the comment being answered. */
function placeReplyBox() {
  const slot = [...document.querySelectorAll('[data-reply-box]')].find((el) => el.dataset.replyBox === state.replyTo);
  if (slot) slot.append($('post'));
}

function cancelReply() {
  state.replyTo = null;
  $('cancel-reply').hidden = true;
  $('post-label').textContent = 'Add a comment';
  $('main').prepend($('post'));
}

// ---- actions on comments ----

async function act(event) {
  const target = event.target.closest('[data-action]');
  if (!target || !$('listing').contains(target)) return;
  const { action } = target.dataset;
  if (action === 'open') {
    event.preventDefault();
    const reply = await ask({ type: 'comments.open', url: target.getAttribute('href'), tabId: state.tabId });
    if (!reply.ok) say(errorText(reply), 'error');
    return;
  }
  if (action === 'reply') {
    if (state.listing) show(state.listing); // re-render with the slot for the box
    startReply(target.dataset.id);
    return;
  }
  if (action === 'page') {
    state.page = Math.max(0, Number(target.dataset.page) || 0);
    await load();
    $('listing').scrollIntoView({ block: 'start' });
    return;
  }
  let message = null;
  if (action === 'mute' || action === 'unmute') {
    message = { type: 'comments.mute', author: target.dataset.author, muted: action === 'mute' };
  } else if (action === 'hide' || action === 'unhide') {
    message = { type: 'comments.moderate', url: state.url, action, id: target.dataset.id };
  } else if (action === 'hide-author') {
    message = { type: 'comments.moderate', url: state.url, action: 'hide-author', author: target.dataset.author };
  }
  if (!message) return;
  target.disabled = true;
  const reply = await ask(message);
  if (!reply.ok) say(errorText(reply), 'error');
  await load();
}

// ---- identity ----

async function loadIdentity() {
  const reply = await ask({ type: 'identity.get' });
  if (!reply.ok) return;
  const identity = reply.identity ?? {};
  $('display-name').value = identity.name ?? '';
  $('per-site').checked = Boolean(identity.perSite);
  $('identity-key').textContent = identity.publicKey ? `Your key: ${identity.publicKey}` : 'No key yet: one is made when you first post.';
}

async function saveIdentity(patch) {
  const reply = await ask({ type: 'identity.set', ...patch });
  say(reply.ok ? 'Saved.' : errorText(reply), reply.ok ? 'ok' : 'error');
  await loadIdentity();
  if (state.url) await load();
}

async function exportKey() {
  const reply = await ask({ type: 'identity.export' });
  if (!reply.ok) {
    say(errorText(reply), 'error');
    return;
  }
  const box = $('key-text');
  box.value = reply.text ?? '';
  box.hidden = false;
  $('import-confirm').hidden = true;
  box.select();
  say('Keep this text somewhere safe: anyone holding it can comment as you.');
}

function importKey() {
  const box = $('key-text');
  box.value = '';
  box.hidden = false;
  $('import-confirm').hidden = false;
  box.focus();
  say('Paste an exported BitWeb reader key, then “Import this key”. The key you have now is kept aside on disk.');
}

async function confirmImport() {
  const reply = await ask({ type: 'identity.import', text: $('key-text').value, replace: true });
  say(reply.ok ? 'Imported: you now comment with that key.' : errorText(reply), reply.ok ? 'ok' : 'error');
  if (reply.ok) {
    $('key-text').hidden = true;
    $('import-confirm').hidden = true;
    await loadIdentity();
  }
}

// ---- wiring ----

$('post').addEventListener('submit', post);
$('cancel-reply').addEventListener('click', cancelReply);
$('listing').addEventListener('click', act);
$('refresh').addEventListener('click', () => load({ refresh: true }));
$('identity-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveIdentity({ name: $('display-name').value });
});
$('per-site').addEventListener('change', () => saveIdentity({ perSite: $('per-site').checked }));
$('export').addEventListener('click', exportKey);
$('import').addEventListener('click', importKey);
$('import-confirm').addEventListener('click', confirmImport);
$('identity').addEventListener('toggle', () => {
  if ($('identity').open) loadIdentity();
});

platform.onTabActivated(() => {
  if (!Number.isInteger(FOLLOWED)) follow();
});
platform.onTabUpdated((tabId, change) => {
  if (tabId === state.tabId && (change.url || change.status === 'complete')) follow();
});

// the background pushes `comments.changed` when records of a site arrive
const port = platform.connectToBackground('sidebar');
port.onMessage((message) => {
  if (message?.event === 'comments.changed' && state.url && labelOfPage(state.url) === message.data?.site && !state.posting) {
    load();
  }
});

follow();
