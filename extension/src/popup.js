// The toolbar popup: connection state, gateway, the sites this user seeds, and when
// something is wrong, what it is and the command that fixes it. Rendering decisions live
// in view.js; this file only moves them into the DOM (textContent only, never HTML).

import * as platform from './platform.js';
import { BUILD } from './build-info.js';
import { SITE_PATTERNS } from './constants.js';
import { connectionView, siteRow } from './view.js';

const $ = (id) => document.getElementById(id);

function show(element, visible) {
  element.hidden = !visible;
}

function renderConnection(reply) {
  const view = connectionView(reply, { installer: BUILD.installer });
  const state = $('state');
  state.textContent = view.label;
  state.dataset.tone = view.tone;
  $('gateway').textContent = view.gateway ?? '—';
  $('host-version').textContent = view.hostVersion ?? '—';

  show($('problem'), Boolean(view.problem));
  if (view.problem) {
    $('problem-title').textContent = view.problem.title;
    $('problem-detail').textContent = view.problem.detail;
    $('problem-command').textContent = view.problem.command ?? '';
    show($('problem-fix'), Boolean(view.problem.command));
  }
}

function renderSites(reply) {
  const list = $('sites');
  list.replaceChildren();
  list.setAttribute('aria-busy', reply ? 'false' : 'true');
  const sites = reply?.ok ? reply.sites : null;
  show($('sites-unavailable'), Boolean(reply) && !sites);
  show($('sites-empty'), Array.isArray(sites) && sites.length === 0);
  if (!sites) return;

  const template = $('site-row');
  for (const site of sites) {
    const row = siteRow(site);
    const item = template.content.firstElementChild.cloneNode(true);
    item.title = row.title;
    item.querySelector('.site-name').textContent = row.name;
    const link = item.querySelector('.site-url');
    link.textContent = row.urlText;
    if (row.url) {
      link.href = row.url;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        platform.openTab(row.url).then(() => window.close());
      });
    } else {
      link.removeAttribute('href');
    }
    item.querySelector('.site-details').textContent = row.details;
    list.append(item);
  }
}

async function refresh() {
  renderConnection(null);
  renderSites(null);
  let reply;
  try {
    reply = await platform.sendMessage({ type: 'sites' });
  } catch (error) {
    reply = { ok: false, error: { kind: 'internal', message: `The extension's background is not answering: ${error.message}` } };
  }
  renderConnection(reply);
  renderSites(reply);
}

async function refreshAccess() {
  const granted = await platform.hasOrigins(SITE_PATTERNS).catch(() => true);
  show($('access'), !granted);
}

$('retry').addEventListener('click', refresh);

$('copy').addEventListener('click', async () => {
  const button = $('copy');
  try {
    await navigator.clipboard.writeText($('problem-command').textContent);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
});

$('grant').addEventListener('click', async () => {
  await platform.requestOrigins(SITE_PATTERNS).catch(() => false);
  await refreshAccess();
});

refreshAccess();
refresh();
