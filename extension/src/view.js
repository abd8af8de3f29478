// Pure functions that turn background replies into what the popup shows. No DOM, no
// browser API: the tests call them directly.

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

const SITE_LABEL = /^([0-9a-f]{40}|[a-z2-7]{32}|[a-z2-7]{52})$/;

/**
 * The link for a site, or null. Only `http://<label>.bitweb/...` is accepted from the host's
 * `url`; failing that it is built from `address`. Never passes through other schemes.
 */
export function siteUrl(site) {
  if (typeof site?.url === 'string') {
    try {
      const url = new URL(site.url);
      if (url.protocol === 'http:' && /^[a-z0-9-]+\.bitweb$/.test(url.hostname) && !url.username && !url.password) {
        return url.href;
      }
    } catch {
      // fall through to the address
    }
  }
  const address = typeof site?.address === 'string' ? site.address.toLowerCase() : '';
  return SITE_LABEL.test(address) ? `http://${address}.bitweb/` : null;
}

/** One row of the popup's site list. */
export function siteRow(site) {
  const url = siteUrl(site);
  const address = typeof site?.address === 'string' ? site.address : '';
  const name = typeof site?.name === 'string' && site.name.trim() ? site.name.trim() : address || 'Unnamed site';
  const facts = [formatSize(site?.size), formatPeers(site?.peers)];
  if (Number.isInteger(site?.files)) facts.push(site.files === 1 ? '1 file' : `${site.files} files`);
  if (site?.seeding === true) facts.push('seeding');
  else if (site?.seeding === false) facts.push('not seeding');
  return {
    key: address || url || name,
    name,
    url,
    urlText: url ?? 'no valid address',
    details: facts.join(' · '),
    title: address ? `Site address ${address}` : name,
  };
}

/** Shows a path as a shell word: unchanged when it is plain, else single-quoted. */
export function shellWord(text) {
  return /^[A-Za-z0-9_./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const PROBLEMS = {
  'not-installed': { title: 'BitWeb host not installed', fix: 'install' },
  forbidden: { title: 'The BitWeb host does not know this extension', fix: 'install' },
  'failed-to-start': { title: 'The BitWeb host could not start', fix: 'install' },
  exited: { title: 'The BitWeb host stopped', fix: 'install' },
  incompatible: { title: 'Wrong host version', fix: 'rebuild' },
  timeout: { title: 'The BitWeb host is not answering', fix: null },
  protocol: { title: 'The BitWeb host sent an unreadable reply', fix: 'rebuild' },
  host: { title: 'The BitWeb host reported an error', fix: null },
};

/** The command that fixes an error of this kind, or null when there is none to run. */
export function fixCommand(kind, installer = 'installer/install.sh') {
  const fix = PROBLEMS[kind]?.fix;
  if (fix === 'install') return `bash ${shellWord(installer)}`;
  if (fix === 'rebuild') return `bash ${shellWord(installer)} --rebuild`;
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
