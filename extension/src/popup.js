// The toolbar popup (also usable as a tab): connection state and what to do when something
// is wrong, the sites with their actions, publishing, pet names and settings. Rendering
// decisions live in view.js; this file only moves them into the DOM (textContent only,
// never HTML) and sends the person's actions to the background.

import * as platform from './platform.js';
import { BUILD } from './build-info.js';
import { SITE_PATTERNS, TOP_LEVEL_PATTERNS } from './hosts.js';
import { ErrorCode } from './error-codes.js';
import { availabilityView } from './availability.js';
import {
  actionError, connectionView, formatSize, graceHoursField, parseGraceHours, parseStorageLimit, publishProgressText, publishRequest, rateLimitsField, rateLimitsRequest, routingView,
  siteRow, siteUpdate, storageLimitField, storageLimitHint,
} from './view.js';

const $ = (id) => document.getElementById(id);
const show = (element, visible) => { element.hidden = !visible; };

let last = null; // the last 'state' reply
const sites = new Map(); // address -> Site

function say(element, text, tone = 'ok') {
  element.textContent = text ?? '';
  element.dataset.tone = tone;
  show(element, Boolean(text));
}

async function ask(message) {
  try {
    return await platform.sendMessage(message);
  } catch (error) {
    return { ok: false, error: { kind: 'internal', message: `The extension's background is not answering: ${error.message}` } };
  }
}

// ---- connection, routing ----

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
  const connected = reply?.connection?.state === 'connected' && reply.ok;
  $('publish').classList.toggle('offline', !connected);
  renderRouting(reply?.routing);
}

function renderRouting(routing) {
  const view = routingView(routing);
  $('routing').textContent = view.label;
  show($('routing-detail'), Boolean(view.detail));
  $('routing-detail').textContent = view.detail ? ` ${view.detail}` : '';
  if (routing?.preference) {
    $('routing-auto').checked = routing.preference === 'auto';
    $('routing-subdomain').checked = routing.preference === 'subdomain';
  }
}

// ---- sites ----

function renderSites(reply) {
  const list = $('sites');
  list.setAttribute('aria-busy', reply ? 'false' : 'true');
  const available = Boolean(reply?.ok && Array.isArray(reply.sites));
  show($('sites-unavailable'), Boolean(reply) && !available);
  if (available) {
    sites.clear();
    for (const site of reply.sites) if (typeof site?.address === 'string') sites.set(site.address, site);
  }
  show($('sites-empty'), available && sites.size === 0);
  replaceRows(list, available ? [...sites.values()].map(siteItem) : []);
}

// Site status updates re-render the list every second or so while sites transfer: what the
// person had open in a row (a "Remove?" confirmation, the key form and what was typed in it)
// and where the focus was stay as they were, or a click could land on a button just replaced.
function replaceRows(list, items) {
  const before = new Map();
  for (const old of list.children) {
    if (!old.dataset.address) continue;
    const focused = old.contains(document.activeElement) ? document.activeElement : null;
    before.set(old.dataset.address, {
      confirm: old.querySelector('.site-confirm')?.hidden === false,
      keyForm: old.querySelector('.site-update-key')?.hidden === false,
      key: old.querySelector('.update-key')?.value ?? '',
      focus: focused ? [...focused.classList].find((c) => c.startsWith('act-') || c === 'update-key') : null,
    });
  }
  list.replaceChildren(...items);
  for (const item of items) {
    const state = before.get(item.dataset.address);
    if (!state) continue;
    if (state.confirm) show(item.querySelector('.site-confirm'), true);
    if (state.keyForm) {
      show(item.querySelector('.site-update-key'), true);
      item.querySelector('.update-key').value = state.key;
    }
    if (state.focus) item.querySelector(`.${state.focus}`)?.focus();
  }
}

function siteItem(site) {
  const row = siteRow(site, { petNames: last?.petNames ?? {} });
  const item = $('site-row').content.firstElementChild.cloneNode(true);
  item.title = row.title;
  item.dataset.address = row.address;
  item.querySelector('.site-name').textContent = row.name;
  const badges = item.querySelector('.site-badges');
  for (const badge of row.badges) {
    const span = document.createElement('span');
    span.className = `badge badge-${badge.replace(/ /g, '-')}`;
    span.textContent = badge;
    badges.append(span);
  }
  const link = item.querySelector('.site-url');
  link.textContent = row.urlText;
  if (row.url) {
    link.href = row.url;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      openSite(row.url);
    });
  } else {
    link.removeAttribute('href');
  }
  item.querySelector('.site-names').textContent = row.petNames.length ? `also ${row.petNames.join(', ')}` : '';
  item.querySelector('.site-details').textContent = row.details;
  item.querySelector('.site-details').title = row.privacy;
  const privacy = item.querySelector('.site-privacy');
  if (privacy) privacy.textContent = row.privacy;
  if (!row.complete) {
    show(item.querySelector('.site-progress'), true);
    item.querySelector('progress').value = row.percent;
    item.querySelector('.site-progress span').textContent = ` ${row.progressText}`;
  }
  const open = item.querySelector('.act-open');
  open.disabled = !row.url;
  open.addEventListener('click', () => openSite(row.url));
  const copy = item.querySelector('.act-copy');
  copy.disabled = !row.url;
  copy.addEventListener('click', () => copyText(row.url, copy, 'Copy link'));
  const seed = item.querySelector('.act-seed');
  seed.textContent = row.seeding ? 'Stop seeding' : 'Seed';
  seed.title = row.seeding
    ? 'Stop sharing this site; peers will no longer learn from you that you have it'
    : 'Share this site with others. This announces in the DHT that you have it.';
  seed.addEventListener('click', () => siteAction(row.seeding ? 'site.unseed' : 'site.seed', row, seed));
  const update = site?.published === true ? siteUpdate(site) : null;
  const updateButton = item.querySelector('.act-update');
  if (update && update.salt !== undefined) {
    show(updateButton, true);
    const keyForm = item.querySelector('.site-update-key');
    updateButton.addEventListener('click', () => {
      if (update.key) updateSite(update, update.key, updateButton);
      else show(keyForm, true); // the record does not name the key: ask for it
    });
    keyForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = keyForm.querySelector('.update-key').value.trim();
      if (key) updateSite(update, key, updateButton);
    });
  }
  const remove = item.querySelector('.act-remove');
  const confirm = item.querySelector('.site-confirm');
  remove.addEventListener('click', () => show(confirm, true));
  item.querySelector('.act-remove-no').addEventListener('click', () => show(confirm, false));
  item.querySelector('.act-remove-yes').addEventListener('click', (event) => removeSite(row, event.currentTarget));
  return item;
}

async function openSite(url) {
  if (!url) return;
  // Through the background, so the subdomain form is used when that is the routing mode.
  const reply = await ask({ type: 'open-link', link: url });
  await platform.openTab(reply?.ok ? reply.url : url);
  if (!isTab()) window.close();
}

async function siteAction(type, row, button) {
  button.disabled = true;
  const reply = await ask({ type, address: row.address });
  button.disabled = false;
  if (!reply?.ok) {
    say($('site-message'), `${row.name}: ${actionError(reply?.error)}`, 'error');
    return;
  }
  if (reply.site?.address) sites.set(reply.site.address, reply.site);
  say($('site-message'), type === 'site.seed' ? `You now seed ${row.name}.` : `You no longer seed ${row.name}.`);
  rerenderSites();
}

async function removeSite(row, button) {
  button.disabled = true;
  const reply = await ask({ type: 'site.remove', address: row.address });
  button.disabled = false;
  if (!reply?.ok) {
    say($('site-message'), `${row.name}: ${actionError(reply?.error)}`, 'error');
    return;
  }
  sites.delete(row.address);
  const freed = Number.isFinite(reply.freed) ? formatSize(reply.freed) : 'unknown';
  say($('site-message'), `Removed ${row.name}; ${freed} freed.`);
  rerenderSites();
}

function rerenderSites() {
  replaceRows($('sites'), [...sites.values()].map(siteItem));
  show($('sites-empty'), sites.size === 0);
}

async function copyText(text, button, label) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

// ---- publishing ----

function renderPublishing(publishing, lastPublish) {
  show($('publish-progress'), Boolean(publishing));
  $('publish-button').disabled = Boolean(publishing);
  if (publishing) {
    const { done, total } = publishing;
    const bar = $('publish-bar');
    if (Number.isFinite(done) && Number.isFinite(total) && total > 0) bar.value = Math.floor((done / total) * 100);
    else bar.removeAttribute('value');
    $('publish-text').textContent = `${publishProgressText(publishing)} ${publishing.path ?? ''}`;
  }
  if (!publishing && lastPublish) {
    if (lastPublish.ok) {
      say($('publish-result'), `Published ${lastPublish.site?.name ?? lastPublish.path}: ${lastPublish.site?.url ?? ''}`);
    } else {
      say($('publish-result'), actionError(lastPublish.error), 'error');
    }
  }
}

async function publish(event) {
  event.preventDefault();
  const { request, error } = publishRequest({
    path: $('publish-path').value, key: $('publish-key').value, salt: $('publish-salt').value,
  });
  if (error) {
    say($('publish-result'), error, 'error');
    return;
  }
  if (await publishWith(request)) {
    $('publish-path').value = '';
    $('publish-key').value = '';
    $('publish-salt').value = '';
  }
}

/** Sends `site.publish {path, key?, salt?}` through the background; progress shows as usual. */
async function publishWith(request) {
  const { path } = request;
  say($('publish-result'), '');
  renderPublishing({ path, done: 0, total: null }, null);
  const reply = await ask({ type: 'publish', ...request });
  renderPublishing(null, reply?.ok ? { ok: true, site: reply.site, path } : { ok: false, error: reply?.error, path });
  if (reply?.ok) refresh();
  return Boolean(reply?.ok);
}

/** "Update": the published key site's source folder, again, signed with its key and salt. */
async function updateSite(update, key, button) {
  if (!key) return;
  const request = { path: update.path, key };
  if (update.salt) request.salt = update.salt;
  button.disabled = true;
  await publishWith(request);
  button.disabled = false;
}

async function choose() {
  const button = $('choose');
  button.disabled = true;
  say($('choose-note'), 'A folder dialog is open on your desktop. If this popup closes, open it again: the folder you pick will be filled in.', 'muted');
  const reply = await ask({ type: 'folder.pick' });
  button.disabled = false;
  say($('choose-note'), '');
  if (reply?.ok) {
    if (reply.path) $('publish-path').value = reply.path;
    return;
  }
  if (reply?.error?.code === ErrorCode.UNKNOWN_ACTION) {
    show(button, false); // this host has no folder dialog: typing the path is the way
    say($('choose-note'), 'This BitWeb host cannot open a folder dialog; type the folder\'s path.', 'muted');
  } else if (reply?.error?.code === ErrorCode.NOT_FOUND) {
    say($('choose-note'), `No folder dialog is available here (${reply.error.message}). Type the folder's path.`, 'muted');
  } else {
    say($('choose-note'), actionError(reply?.error), 'error');
  }
}

// ---- pet names ----

function renderNames(petNames) {
  const list = $('name-list');
  const entries = Object.entries(petNames ?? {}).sort(([a], [b]) => a.localeCompare(b));
  list.replaceChildren(...entries.map(([name, label]) => {
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.className = 'name-entry';
    const site = sites.get(label);
    text.textContent = `${name}.bitweb → ${site?.name ? `${site.name} ` : ''}(${label.slice(0, 12)}…)`;
    text.title = `http://${name}.bitweb/ opens http://${label}.bitweb/`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary small-button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      const reply = await ask({ type: 'petnames.remove', name });
      if (reply?.ok) updateNames(reply.petNames);
      else say($('name-message'), actionError(reply?.error), 'error');
    });
    li.append(text, remove);
    return li;
  }));
}

function updateNames(petNames) {
  if (last) last.petNames = petNames;
  renderNames(petNames);
  rerenderSites();
}

async function addName(event) {
  event.preventDefault();
  const reply = await ask({ type: 'petnames.set', name: $('name-input').value, target: $('name-target').value });
  if (!reply?.ok) {
    say($('name-message'), reply?.error?.message ?? 'Could not add the name.', 'error');
    return;
  }
  say($('name-message'), `http://${reply.name}.bitweb/ now opens that site.`);
  $('name-input').value = '';
  $('name-target').value = '';
  updateNames(reply.petNames);
}

// ---- settings ----

function renderSettings(reply) {
  const settings = reply?.settings;
  const available = Boolean(reply?.ok && settings);
  show($('engine-settings'), available);
  const unavailable = reply?.ok && !settings;
  show($('settings-unavailable'), Boolean(unavailable));
  if (unavailable) {
    $('settings-unavailable').textContent = reply.settingsError?.code === ErrorCode.UNKNOWN_ACTION
      ? 'This BitWeb host is too old for these settings: installer/install.sh --rebuild'
      : `Engine settings are unavailable: ${reply.settingsError?.message ?? 'unknown reason'}`;
  }
  if (!available) return;
  $('keep-seeding').checked = settings.keepSeeding === true;
  // an older host has no such setting: no box to tick
  show($('lan-discovery-row'), typeof settings.lanDiscovery === 'boolean');
  $('lan-discovery').checked = settings.lanDiscovery === true;
  // an engine from before the automatic limit does not send it: only the field shows
  const hasAuto = typeof settings.storageLimitAuto === 'boolean';
  show($('limit-auto-row'), hasAuto);
  $('limit-auto').checked = settings.storageLimitAuto === true;
  $('limit-auto-hint').textContent = hasAuto ? storageLimitHint(settings) : '';
  show($('limit-form'), !settings.storageLimitAuto);
  if (document.activeElement !== $('limit-value')) {
    const field = storageLimitField(settings.storageLimitBytes);
    $('limit-value').value = field.value;
    $('limit-unit').value = field.unit;
  }
  // an engine from before the setting does not send it: the field then hides
  // an engine older than rate limits says nothing of them: the control stays hidden
  show($('rates-row'), typeof settings.rateLimits === 'object' && settings.rateLimits !== null);
  if (!$('rates-form').contains(document.activeElement)) {
    const rates = rateLimitsField(settings.rateLimits);
    $('rate-preset').value = rates.preset;
    $('rate-up').value = rates.up;
    $('rate-down').value = rates.down;
    show($('rates-custom'), rates.preset === 'custom');
  }
  show($('grace-row'), Number.isInteger(settings.oldVersionGraceHours));
  if (document.activeElement !== $('grace-hours')) {
    $('grace-hours').value = graceHoursField(settings.oldVersionGraceHours);
  }
}

async function saveSettings(patch) {
  const reply = await ask({ type: 'settings.set', ...patch });
  if (!reply?.ok) {
    say($('settings-message'), actionError(reply?.error), 'error');
    return;
  }
  renderSettings({ ok: true, settings: reply.settings });
  say($('settings-message'), 'Saved.');
}

async function saveLimit(event) {
  event.preventDefault();
  let bytes;
  try {
    bytes = parseStorageLimit($('limit-value').value, $('limit-unit').value);
  } catch (error) {
    say($('settings-message'), error.message, 'error');
    return;
  }
  await saveSettings({ storageLimitBytes: bytes });
}

async function saveRates(event) {
  event.preventDefault();
  let patch;
  try {
    patch = rateLimitsRequest($('rate-preset').value, $('rate-up').value, $('rate-down').value);
  } catch (error) {
    say($('settings-message'), error.message, 'error');
    return;
  }
  await saveSettings(patch);
}

async function saveGrace(event) {
  event.preventDefault();
  let hours;
  try {
    hours = parseGraceHours($('grace-hours').value);
  } catch (error) {
    say($('settings-message'), error.message, 'error');
    return;
  }
  await saveSettings({ oldVersionGraceHours: hours });
}

async function setRouting(preference) {
  const reply = await ask({ type: 'routing.set', preference });
  if (!reply?.ok) say($('settings-message'), reply?.error?.message ?? 'Could not change the routing.', 'error');
  renderRouting(reply?.routing);
}

/** Says so when network prediction is on after all: another extension or a policy controls it. */
async function renderPrediction() {
  const setting = await platform.networkPrediction.get().catch(() => null);
  if (setting && (setting.value !== false || setting.levelOfControl !== 'controlled_by_this_extension')) {
    $('prediction-note').textContent = 'Network prediction is on (DNS prefetch, preconnect, prerender): another extension or a policy controls it, so a BitWeb page can make this browser contact a site on the ordinary web.';
    $('prediction-note').classList.add('error');
  }
}

async function renderWebrtc() {
  const box = $('webrtc-global');
  const granted = await platform.hasPermission('privacy').catch(() => false);
  if (!granted) {
    box.checked = false;
    return;
  }
  const setting = await platform.webrtcPolicy.get().catch(() => null);
  box.checked = setting?.value === 'disable_non_proxied_udp';
}

async function toggleWebrtc() {
  const box = $('webrtc-global');
  const wanted = box.checked;
  try {
    // The permission prompt needs this click; ask before anything is awaited elsewhere.
    if (!(await platform.requestPermission('privacy'))) throw new Error('the browser did not grant the "privacy" permission');
    const setting = await platform.webrtcPolicy.set(wanted);
    box.checked = setting?.value === 'disable_non_proxied_udp';
    if (wanted && setting?.levelOfControl && setting.levelOfControl !== 'controlled_by_this_extension') {
      say($('settings-message'), 'Another extension or a policy controls this setting.', 'error');
    } else {
      say($('settings-message'), wanted ? 'WebRTC now uses only proxied connections in this browser.' : 'WebRTC is back to the browser\'s default.');
    }
  } catch (error) {
    box.checked = !wanted;
    say($('settings-message'), error.message, 'error');
  }
}

// ---- always on: the service and reachability (availability.js) ----

function renderAvailability(reply) {
  const view = availabilityView(reply);
  show($('availability'), Boolean(view));
  if (!view) return;
  $('avail-service').textContent = view.service.text;
  $('avail-service').dataset.tone = view.service.tone;
  $('avail-reach').textContent = view.reach.text;
  $('avail-reach').dataset.tone = view.reach.tone;
  $('avail-reach-detail').textContent = view.reach.detail;
  show($('avail-fix'), Boolean(view.service.fix));
  $('avail-command').textContent = view.service.fix ?? '';
  say($('avail-advice'), view.reach.advice ? `What to do: ${view.reach.advice}` : '', 'ok');
}

// ---- everything ----

async function refresh() {
  renderConnection(last);
  const reply = await ask({ type: 'state' });
  last = reply;
  renderConnection(reply);
  renderSites(reply);
  renderNames(reply?.petNames ?? {});
  renderSettings(reply);
  renderAvailability(reply?.availability ?? null);
  renderPublishing(reply?.publishing ?? null, reply?.lastPublish ?? null);
  if (reply?.features?.folderPick === false) show($('choose'), false);
  if (reply?.draft?.path && !$('publish-path').value) $('publish-path').value = reply.draft.path;
  document.body.dataset.ready = 'true';
}

async function refreshAccess() {
  const granted = await platform.hasOrigins(SITE_PATTERNS).catch(() => true);
  show($('access'), !granted);
  // Firefox: the person may have taken back the host permission of the top-level listener
  // (isolation.js topLevelVerdict); Chromium has no such listener.
  const everySite = platform.browserName !== 'firefox' || await platform.hasOrigins(TOP_LEVEL_PATTERNS).catch(() => true);
  show($('all-sites'), !everySite);
}

const isTab = () => new URLSearchParams(location.search).has('tab') || window.innerWidth > 600;

function listen() {
  let port;
  try {
    port = platform.connectToBackground('popup');
  } catch {
    return;
  }
  port.onMessage(({ event, data, last: lastPublish }) => {
    switch (event) {
      case 'site.update':
        if (typeof data?.address === 'string' && sites.has(data.address)) {
          sites.set(data.address, data);
          rerenderSites();
        }
        break;
      case 'publish.progress':
        renderPublishing({ path: data?.path, done: data?.done, total: data?.total }, null);
        break;
      case 'publish.state':
        renderPublishing(data, lastPublish ?? null);
        break;
      case 'connection':
        // Connected again: ask for everything. Lost: show why from the snapshot alone (asking
        // would reconnect, fail and announce that again).
        if (data?.state === 'connected' && last && !last.ok) refresh();
        else if (data?.state === 'error' && data.error) {
          last = { ...(last ?? {}), ok: false, error: data.error, connection: data };
          renderConnection(last);
          renderSites(last);
        }
        break;
      default:
        break;
    }
  });
}

// The sidebar must be opened in the click itself (a user gesture), before anything is awaited.
let windowId = null;
platform.activeTab().then((tab) => { windowId = tab?.windowId ?? null; }, () => {});
$('open-comments').addEventListener('click', () => {
  platform.openSidebar(windowId).then(() => window.close(), (error) => {
    say($('site-message'), `Cannot open the sidebar: ${error.message}`, 'error');
  });
});
$('retry').addEventListener('click', refresh);
$('avail-copy').addEventListener('click', () => copyText($('avail-command').textContent, $('avail-copy'), 'Copy'));
$('copy').addEventListener('click', () => copyText($('problem-command').textContent, $('copy'), 'Copy'));
$('grant').addEventListener('click', async () => {
  await platform.requestOrigins(SITE_PATTERNS).catch(() => false);
  await refreshAccess();
});
$('grant-all-sites').addEventListener('click', async () => {
  await platform.requestOrigins(TOP_LEVEL_PATTERNS).catch(() => false);
  await refreshAccess();
});
$('publish-form').addEventListener('submit', publish);
$('choose').addEventListener('click', choose);
$('name-form').addEventListener('submit', addName);
$('keep-seeding').addEventListener('change', (event) => saveSettings({ keepSeeding: event.target.checked }));
$('lan-discovery').addEventListener('change', (event) => saveSettings({ lanDiscovery: event.target.checked }));
$('limit-form').addEventListener('submit', saveLimit);
$('limit-auto').addEventListener('change', () => saveSettings({ storageLimitAuto: $('limit-auto').checked }));
$('grace-form').addEventListener('submit', saveGrace);
$('rates-form').addEventListener('submit', saveRates);
$('rate-preset').addEventListener('change', () => show($('rates-custom'), $('rate-preset').value === 'custom'));
$('routing-auto').addEventListener('change', () => setRouting('auto'));
$('routing-subdomain').addEventListener('change', () => setRouting('subdomain'));
$('webrtc-global').addEventListener('change', toggleWebrtc);
$('open-tab').href = `${platform.extensionUrl('src/popup.html')}?tab`;

listen();
refreshAccess();
renderWebrtc();
renderPrediction();
refresh();
