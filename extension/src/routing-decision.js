// How to route *.bitweb, as one pure function of what the browser reports. Chrome has one
// proxy setting for all traffic, so setting our PAC script replaces whatever the person had;
// this decides when that is safe, what to carry over, and when to use the subdomain form
// (`http://<site>.bitweb.localhost:<port>/`, reached without any proxy) instead.
//
//   Firefox (proxy.onRequest)           -> proxy mode; it touches *.bitweb requests only
//   person chose the subdomain form     -> subdomain (a secure context)
//   setting locked by policy            -> subdomain, and say why
//   another extension controls it       -> subdomain, and say why
//   direct                              -> proxy; others DIRECT as before
//   system (the browsers' default)      -> proxy; others DIRECT, and say so (we cannot read
//                                          the system's proxy, so one set there is bypassed)
//   fixed_servers                       -> proxy; the fixed proxy carried over in the PAC
//   pac_script with inline data         -> proxy; their PAC kept inside ours
//   pac_script with a URL, auto_detect  -> subdomain: cannot be combined, and we do not
//                                          clobber it silently
//
// When the setting is already ours (`controlled_by_this_extension`) the person's own
// setting is the baseline saved when we took over; the caller reads it again (clear, get)
// when no baseline was saved.

import { bypassConditions, pacProxyWord } from './pac.js';

export const Mode = Object.freeze({ PROXY: 'proxy', SUBDOMAIN: 'subdomain' });

const describeServer = (s) => `${s.scheme && s.scheme !== 'http' ? `${s.scheme}://` : ''}${s.host}${s.port ? `:${s.port}` : ''}`;

function describeFixed(rules) {
  if (rules.singleProxy) return describeServer(rules.singleProxy);
  const parts = [];
  if (rules.proxyForHttp) parts.push(`http: ${describeServer(rules.proxyForHttp)}`);
  if (rules.proxyForHttps) parts.push(`https: ${describeServer(rules.proxyForHttps)}`);
  if (rules.proxyForFtp) parts.push(`ftp: ${describeServer(rules.proxyForFtp)}`);
  if (rules.fallbackProxy) parts.push(`other: ${describeServer(rules.fallbackProxy)}`);
  return parts.join(', ') || 'no servers';
}

/** Whether a ProxyRules object can be written as PAC (every server and bypass entry). */
function fixedIsExpressible(rules) {
  try {
    for (const key of ['singleProxy', 'proxyForHttp', 'proxyForHttps', 'proxyForFtp', 'fallbackProxy']) {
      if (rules[key]) pacProxyWord(rules[key]);
    }
    bypassConditions(rules.bypassList);
    return true;
  } catch {
    return false;
  }
}

const subdomain = (reason, extra = {}) => ({ mode: Mode.SUBDOMAIN, upstream: null, reason, ...extra });

/**
 * @param {object} input
 * @param {'pac'|'listener'} input.style how this browser routes (platform.proxyStyle)
 * @param {'auto'|'subdomain'} [input.preference] the person's choice in the popup
 * @param {{levelOfControl?: string, value?: object}} [input.setting] chrome.proxy.settings.get()
 * @param {object|null} [input.baseline] the person's own value saved when we took over
 * @returns {{mode: 'proxy'|'subdomain', upstream: null|{kind: 'fixed', rules}|{kind: 'pac', data},
 *   reason: string|null, notice: string|null, takeOver: boolean, release: boolean,
 *   baseline: object|null, needsBaseline: boolean}}
 *   reason: why the subdomain form is used (the popup shows it); notice: what the person
 *   should know about proxy mode; takeOver: set our PAC; release: clear a PAC we set;
 *   baseline: the value to remember as the person's own; needsBaseline: ours, but we do not
 *   know theirs (clear and ask again).
 */
export function decideRouting({ style, preference = 'auto', setting = null, baseline = null }) {
  const base = { notice: null, takeOver: false, release: false, baseline: null, needsBaseline: false };
  if (style === 'listener') {
    if (preference === 'subdomain') {
      return { ...base, ...subdomain('You chose the subdomain form (a secure context).') };
    }
    return { ...base, mode: Mode.PROXY, upstream: null, reason: null };
  }
  const level = setting?.levelOfControl ?? 'controllable_by_this_extension';
  const ours = level === 'controlled_by_this_extension';

  if (preference === 'subdomain') {
    return { ...base, ...subdomain('You chose the subdomain form (a secure context).'), release: ours };
  }
  if (level === 'not_controllable') {
    return {
      ...base,
      ...subdomain('The browser\'s proxy settings are locked (by a policy or a command-line flag), so BitWeb cannot add its proxy rule.'),
    };
  }
  if (level === 'controlled_by_other_extensions') {
    return {
      ...base,
      ...subdomain('Another extension controls the browser\'s proxy settings; BitWeb leaves them alone.'),
    };
  }

  let value;
  if (ours) {
    if (!baseline) return { ...base, ...subdomain(null), needsBaseline: true };
    value = baseline;
  } else {
    value = setting?.value ?? { mode: 'system' };
  }
  const keep = { ...base, takeOver: true, baseline: value };

  switch (value.mode) {
    case 'direct':
      return { ...keep, mode: Mode.PROXY, upstream: null, reason: null };
    case 'system':
      return {
        ...keep,
        mode: Mode.PROXY,
        upstream: null,
        reason: null,
        notice: 'Other sites go DIRECT: the system proxy settings the browser used are not applied while BitWeb\'s rule is set. If you need a proxy, choose the .bitweb.localhost form below.',
      };
    case 'fixed_servers': {
      const rules = value.rules ?? {};
      if (!fixedIsExpressible(rules)) {
        return { ...base, ...subdomain(`Your proxy settings (${describeFixed(rules)}) cannot be combined with BitWeb's rule, so BitWeb leaves them alone.`) };
      }
      return {
        ...keep,
        mode: Mode.PROXY,
        upstream: { kind: 'fixed', rules },
        reason: null,
        notice: `Your proxy (${describeFixed(rules)}) is still used for every other site.`,
      };
    }
    case 'pac_script': {
      const pac = value.pacScript ?? {};
      if (typeof pac.data === 'string' && pac.data.trim() && !pac.url) {
        return {
          ...keep,
          mode: Mode.PROXY,
          upstream: { kind: 'pac', data: pac.data },
          reason: null,
          notice: 'Your PAC script is still used for every other site.',
        };
      }
      return {
        ...base,
        ...subdomain(`Your browser uses a proxy auto-config file${pac.url ? ` (${pac.url})` : ''}, which BitWeb cannot combine with its rule, so BitWeb leaves it alone.`),
      };
    }
    case 'auto_detect':
      return {
        ...base,
        ...subdomain('Your browser detects its proxy automatically (WPAD), which BitWeb cannot combine with its rule, so BitWeb leaves it alone.'),
      };
    default:
      return { ...base, ...subdomain(`Unknown proxy mode ${JSON.stringify(value.mode)}; BitWeb leaves it alone.`) };
  }
}
