// Pure functions that turn background replies into what the popup shows. No DOM, no
// browser API: the tests call them directly.

import { ErrorCode } from './error-codes.js';
import { isProxiedHost, siteNameOfHost } from './hosts.js';
import { LABEL_PATTERNS, base32Decode, canonicalAddress, siteHref } from './links.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** 0 -> "0 B", 1536 -> "1.5 kB", 12_345_678 -> "12 MB" (decimal units, like file managers). */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // one decimal below 10 ("1.5 kB"), none above ("12 MB")
  let text = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  if (text === '1000' && unit < UNITS.length - 1) {
    unit += 1; // 999_950 bytes is "1.0 MB", not "1000 kB"
    text = '1.0';
  }
  return `${text} ${UNITS[unit]}`;
}

export function formatPeers(peers) {
  if (!Number.isInteger(peers) || peers < 0) return 'peers unknown';
  if (peers === 0) return 'no peers';
  return peers === 1 ? '1 peer' : `${peers} peers`;
}

/** "↑ 1.2 MB ↓ 30 kB" (this session), or null when the host sent neither figure. */
export function formatTransfer(uploaded, downloaded) {
  const up = Number.isFinite(uploaded) && uploaded >= 0;
  const down = Number.isFinite(downloaded) && downloaded >= 0;
  if (!up && !down) return null;
  return [up ? `↑ ${formatSize(uploaded)}` : null, down ? `↓ ${formatSize(downloaded)}` : null].filter(Boolean).join(' ');
}

/** 0..1 -> 0..100 (an integer), or null when unknown. 0.999 shows 99, never a false 100. */
export function progressPercent(progress) {
  if (!Number.isFinite(progress)) return null;
  if (progress >= 1) return 100;
  return Math.max(0, Math.min(99, Math.floor(progress * 100)));
}

/**
 * The link for a site, or null. Only `http://<label>.bitweb/...` (or `<salt>.<key>.bitweb`) is accepted from the host's
 * `url`; failing that it is built from `address`, in its canonical spelling (one site, one origin). Never passes
 * through other schemes.
 */
export function siteUrl(site) {
  if (typeof site?.url === 'string') {
    try {
      const url = new URL(site.url);
      const siteHost = isProxiedHost(url.hostname) && siteNameOfHost(url.hostname) !== null;
      if (url.protocol === 'http:' && siteHost && !url.username && !url.password) {
        return url.href;
      }
    } catch {
      // fall through to the address
    }
  }
  const address = canonicalAddress(site?.address);
  return address ? siteHref({ label: address }) : null;
}

/** One row of the popup's site list. */
export function siteRow(site, { petNames = {} } = {}) {
  const url = siteUrl(site);
  const address = typeof site?.address === 'string' ? site.address : '';
  const name = typeof site?.name === 'string' && site.name.trim() ? site.name.trim() : address || 'Unnamed site';
  const facts = [formatSize(site?.size), formatPeers(site?.peers)];
  if (Number.isInteger(site?.files)) facts.push(site.files === 1 ? '1 file' : `${site.files} files`);
  const transfer = formatTransfer(site?.uploaded, site?.downloaded);
  if (transfer) facts.push(transfer);
  const badges = [];
  if (site?.published === true) badges.push('published');
  if (site?.seeding === true) badges.push('seeding');
  else if (site?.seeding === false) badges.push('not seeding');
  // a key site whose newest version the engine is looking up in the DHT now
  if (site?.checkingForUpdates === true) badges.push('checking for updates');
  const percent = progressPercent(site?.progress);
  // Issue 7: say which sites reveal the person to others, and why
  const privacy = site?.published === true
    ? 'Reveals you: you published it, so the DHT lists you as its seeder'
    : site?.seeding === true
      ? 'Reveals you: you chose to seed it, so the DHT lists you as a peer'
      : 'Private: visited, not shared; only the peers you downloaded from saw you';
  const names = Object.entries(petNames).filter(([, label]) => label === address).map(([n]) => `${n}.bitweb`).sort();
  return {
    key: address || url || name,
    address,
    name,
    url,
    urlText: url ?? 'no valid address',
    details: facts.join(' · '),
    title: address ? `Site address ${address}` : name,
    badges,
    privacy,
    seeding: site?.seeding === true,
    percent,
    complete: percent === null || percent === 100,
    progressText: percent === null ? null : percent === 100 ? 'complete' : `${percent}% downloaded`,
    petNames: names,
  };
}

/**
 * The salt of a key site's address as the text `site.publish` takes: null for no salt
 * (`<key>` alone), the label itself for a plain salt, the decoded bytes for `bw--<base32>`;
 * undefined when the salt is not UTF-8 text (the popup then asks for it).
 */
export function saltOfAddress(address) {
  if (typeof address !== 'string') return undefined;
  const dot = address.indexOf('.');
  if (dot < 0) return null;
  const label = address.slice(0, dot).toLowerCase();
  if (!label.startsWith('bw--')) return label;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base32Decode(label.slice(4)));
  } catch {
    return undefined;
  }
}

/**
 * What "Update" sends for a published key site: `{path, key, salt}` with `path` its `source`
 * folder, `key` the signing key's name (null when the record lacks it: the person types it)
 * and `salt` from the address (undefined when it cannot be read back). Null for a site that
 * cannot be updated from here: no key address, or no source folder.
 */
export function siteUpdate(site) {
  const address = canonicalAddress(site?.address);
  if (!address || !LABEL_PATTERNS.publicKey.test(address.split('.').pop())) return null;
  if (typeof site?.source !== 'string' || !site.source) return null;
  const key = typeof site.key === 'string' && site.key ? site.key : null;
  return { path: site.source, key, salt: saltOfAddress(address) };
}

/** `site.publish` params from the publish form: key and salt only when given; errors as text. */
export function publishRequest({ path, key, salt } = {}) {
  const p = typeof path === 'string' ? path.trim() : '';
  const k = typeof key === 'string' ? key.trim() : '';
  const s = typeof salt === 'string' ? salt : '';
  if (!p) return { error: 'Enter the folder to publish, or choose it.' };
  if (s && !k) return { error: 'A salt needs a site key: enter the key name too.' };
  const request = { path: p };
  if (k) request.key = k;
  if (k && s) request.salt = s;
  return { request };
}

/** Shows a path as a shell word: unchanged when it is plain, else single-quoted. */
export function shellWord(text) {
  return /^[A-Za-z0-9_./:=+~-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Where installer/install.sh puts the command line (it may not be on PATH). */
export const CLI = '~/.local/bin/bitweb';

const PROBLEMS = {
  'not-installed': { title: 'BitWeb host not installed', fix: 'install' },
  forbidden: { title: 'The BitWeb host does not know this extension', fix: 'install' },
  'failed-to-start': { title: 'The BitWeb host could not start', fix: 'install' },
  exited: { title: 'The BitWeb host stopped', fix: 'install' },
  incompatible: { title: 'Wrong host version', fix: 'rebuild' },
  'engine-unavailable': { title: 'The BitWeb engine is not running', fix: 'doctor' },
  timeout: { title: 'The BitWeb host is not answering', fix: 'doctor' },
  protocol: { title: 'The BitWeb host sent an unreadable reply', fix: 'rebuild' },
  host: { title: 'The BitWeb host reported an error', fix: null },
};

/** The command that fixes an error of this kind, or null when there is none to run. */
export function fixCommand(kind, installer = 'installer/install.sh') {
  const fix = PROBLEMS[kind]?.fix;
  if (fix === 'install') return `bash ${shellWord(installer)}`;
  if (fix === 'rebuild') return `bash ${shellWord(installer)} --rebuild`;
  if (fix === 'doctor') return `${CLI} doctor`;
  return null;
}

/**
 * What the popup's header and problem box show for a background reply (or null while the
 * first reply is pending).
 * @returns {{tone: 'ok'|'busy'|'error', label: string, gateway: string|null,
 *   hostVersion: string|null, problem: null|{title: string, detail: string, command: string|null}}}
 */
export function connectionView(reply, { installer } = {}) {
  if (!reply) {
    return { tone: 'busy', label: 'Connecting…', gateway: null, hostVersion: null, problem: null };
  }
  const info = reply.connection?.info ?? null;
  const gateway = typeof info?.gateway === 'string'
    ? info.gateway
    : Number.isInteger(reply.routing?.port) ? `http://127.0.0.1:${reply.routing.port}` : null;
  const hostVersion = typeof info?.version === 'string' ? info.version : null;

  if (!reply.ok) {
    const error = reply.error ?? {};
    const known = PROBLEMS[error.kind];
    const code = Number.isInteger(error.code) ? ` (error ${error.code})` : '';
    return {
      tone: 'error',
      label: reply.connection?.state === 'connected' ? 'Connected, with an error' : 'Not connected',
      gateway,
      hostVersion,
      problem: {
        title: known?.title ?? 'Something went wrong',
        detail: `${error.message ?? 'No details.'}${code}`,
        command: fixCommand(error.kind, installer),
      },
    };
  }
  if (reply.routing?.problem) {
    return {
      tone: 'error',
      label: 'Connected, not routing',
      gateway,
      hostVersion,
      problem: { title: '*.bitweb addresses are not routed', detail: reply.routing.problem, command: null },
    };
  }
  return { tone: 'ok', label: 'Connected', gateway, hostVersion, problem: null };
}

/** The popup's "Routing" line: which form sites open in, and why. */
export function routingView(routing) {
  if (!routing) return { mode: null, label: '—', detail: null };
  const port = Number.isInteger(routing.port) ? routing.port : null;
  if (routing.mode === 'subdomain') {
    return {
      mode: 'subdomain',
      label: `Subdomain form: http://<site>.bitweb.localhost${port ? `:${port}` : ''}/`,
      detail: routing.reason ?? null,
    };
  }
  const how = routing.style === 'listener' ? 'proxy listener' : 'PAC script';
  return {
    mode: 'proxy',
    label: `Proxy: http://<site>.bitweb/ via 127.0.0.1${port ? `:${port}` : ''} (${how})`,
    detail: routing.notice ?? null,
  };
}

/** A message for a failed site action, in words (the host's codes: error-codes.js). */
export function actionError(error) {
  const message = typeof error?.message === 'string' ? error.message : 'No details.';
  switch (error?.code) {
    case ErrorCode.UNKNOWN_ACTION: return 'The BitWeb host is too old for this. Update it: installer/install.sh --rebuild';
    case ErrorCode.NOT_FOUND: return `Not found: ${message}`;
    case ErrorCode.PUBLISH_FAILED: return `Publishing failed: ${message}`;
    case ErrorCode.BAD_ADDRESS: return `Not a BitWeb address: ${message}`;
    case ErrorCode.BAD_SETTING: return `That setting was refused: ${message}`;
    default: return message;
  }
}

const LIMIT_UNITS = { MB: 1e6, GB: 1e9, TB: 1e12 };

/**
 * The storage limit field: "" or "0" -> 0 (no limit), else a positive number of `unit`s
 * in bytes. Throws RangeError with a sentence for anything else.
 */
export function parseStorageLimit(text, unit = 'GB') {
  const factor = LIMIT_UNITS[unit];
  if (!factor) throw new RangeError(`unknown unit ${unit}`);
  const t = String(text ?? '').trim().replace(',', '.');
  if (t === '' || t === '0') return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) throw new RangeError('Enter a number, or leave it empty for no limit.');
  const bytes = Math.round(Number(t) * factor);
  if (!Number.isSafeInteger(bytes)) throw new RangeError('That limit is too large.');
  return bytes;
}

/** Bytes -> {value, unit} for the field: the largest unit that gives a short number. */
export function storageLimitField(bytes) {
  if (!Number.isFinite(bytes) || bytes <= 0) return { value: '', unit: 'GB' };
  for (const unit of ['TB', 'GB', 'MB']) {
    const value = bytes / LIMIT_UNITS[unit];
    if (value >= 1) return { value: String(Math.round(value * 100) / 100), unit };
  }
  return { value: String(Math.round((bytes / 1e6) * 1000) / 1000), unit: 'MB' };
}

/**
 * What the automatic storage limit means now: a quarter of what visited sites could have (the
 * free space plus what they use), so the figure moves with the disk.
 */
export function storageLimitHint(settings) {
  if (!settings?.storageLimitAuto) return '';
  const bytes = settings.storageLimitInForceBytes;
  if (!Number.isFinite(bytes) || bytes <= 0) return 'a quarter of the free disk space';
  const field = storageLimitField(bytes);
  return `a quarter of the free disk space: ${field.value} ${field.unit} now`;
}

/** The engine's bounds for `oldVersionGraceHours` (docs/PROTOCOL.md): up to a year. */
export const MAX_GRACE_HOURS = 8760;

/**
 * The field for how long older versions of updatable sites stay seeded: a whole number of hours,
 * 0..MAX_GRACE_HOURS; 0 means until another peer holds the whole new version. Empty is refused
 * rather than guessed. Throws RangeError with a sentence for anything else.
 */
export function parseGraceHours(text) {
  const t = String(text ?? '').trim();
  if (!/^\d+$/.test(t)) throw new RangeError('Enter a whole number of hours (0: until another peer has the new version).');
  const hours = Number(t);
  if (hours > MAX_GRACE_HOURS) throw new RangeError(`At most ${MAX_GRACE_HOURS} hours (a year).`);
  return hours;
}

/** The value shown in that field: the engine's hours, or the default (24) from an engine too old to say. */
export function graceHoursField(hours) {
  return Number.isInteger(hours) && hours >= 0 ? String(hours) : '24';
}

/** The slow-link preset, as the host defines it (store/RateLimits.SLOW_LINK), in bytes a second. */
export const SLOW_LINK = Object.freeze({ uploadBytesPerSecond: 50000, downloadBytesPerSecond: 200000 });
/** The host refuses less: one 16 KiB block a second. */
const MIN_RATE = 16384;

/** What the bandwidth control shows for the engine's limits: a preset's name, or "custom" with kB/s fields. */
export function rateLimitsField(limits) {
  const up = Number.isSafeInteger(limits?.uploadBytesPerSecond) ? limits.uploadBytesPerSecond : 0;
  const down = Number.isSafeInteger(limits?.downloadBytesPerSecond) ? limits.downloadBytesPerSecond : 0;
  const kb = (rate) => (rate > 0 ? String(Math.round(rate / 100) / 10) : '');
  if (up === 0 && down === 0) return { preset: 'none', up: '', down: '' };
  if (up === SLOW_LINK.uploadBytesPerSecond && down === SLOW_LINK.downloadBytesPerSecond) {
    return { preset: 'slow-link', up: kb(up), down: kb(down) };
  }
  return { preset: 'custom', up: kb(up), down: kb(down) };
}

/** A kB/s field -> bytes a second (1 kB = 1000 bytes); empty or 0 for no limit. */
export function parseRate(text) {
  const t = String(text ?? '').trim().replace(',', '.');
  if (t === '' || t === '0') return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) throw new RangeError('Enter kilobytes a second, or leave it empty for no limit.');
  const bytes = Math.round(Number(t) * 1000);
  if (bytes < MIN_RATE) throw new RangeError('At least 17 kB/s (one block a second), or empty for no limit.');
  if (!Number.isSafeInteger(bytes)) throw new RangeError('That limit is too large.');
  return bytes;
}

/** The settings.set patch for the bandwidth control: a preset, or both limits from the fields. */
export function rateLimitsRequest(preset, upText, downText) {
  if (preset === 'none' || preset === 'slow-link') return { ratePreset: preset };
  return { rateLimits: { uploadBytesPerSecond: parseRate(upText), downloadBytesPerSecond: parseRate(downText) } };
}

/** "Publishing… 42% (1.2 MB of 2.9 MB)" for a publish.progress event. */
export function publishProgressText({ done, total } = {}) {
  if (!Number.isFinite(done) || !Number.isFinite(total) || total <= 0) return 'Publishing…';
  const pct = progressPercent(done / total);
  return `Publishing… ${pct}% (${formatSize(done)} of ${formatSize(total)})`;
}
