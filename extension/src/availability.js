// The popup's "Always on" section: whether the engine runs as a per-user service (started at
// login, restarted after a crash) and whether peers outside this network can connect to it
// (the router's port mapping). The host answers 'service.status' (docs/PROTOCOL.md); this only
// turns that answer into words and the one command that fixes what is missing.

const SERVICE_WORDS = {
  RUNNING: 'runs at login, restarted after a crash',
  STOPPED: 'installed, but not running',
  NOT_INSTALLED: 'not installed: your sites are up only while a browser or "bitweb serve" runs',
  UNKNOWN: 'unknown',
};

const REACH_WORDS = {
  mapped: 'reachable: the router forwards the port',
  public: 'reachable: this computer has a public address',
  'not-mapped': 'not reachable from outside your network',
  unknown: 'not known yet',
};

/** @returns {{service: {text, tone, fix}, reach: {text, tone, detail, advice}} | null} */
export function availabilityView(reply) {
  if (!reply || typeof reply !== 'object') return null;
  const service = reply.service && typeof reply.service === 'object' ? reply.service : null;
  const kind = typeof service?.kind === 'string' && SERVICE_WORDS[service.kind] ? service.kind : 'UNKNOWN';
  const reach = reply.reachability && typeof reply.reachability === 'object' ? reply.reachability : null;
  const state = typeof reach?.state === 'string' && REACH_WORDS[reach.state] ? reach.state : 'unknown';
  return {
    service: {
      text: SERVICE_WORDS[kind] + (kind === 'UNKNOWN' && typeof service?.detail === 'string' ? ` (${service.detail})` : ''),
      tone: kind === 'RUNNING' ? 'ok' : kind === 'STOPPED' ? 'error' : 'busy',
      fix: typeof service?.fix === 'string' && kind !== 'RUNNING' ? service.fix : null,
    },
    reach: {
      text: REACH_WORDS[state],
      tone: state === 'mapped' || state === 'public' ? 'ok' : state === 'not-mapped' ? 'error' : 'busy',
      detail: typeof reach?.detail === 'string' ? reach.detail : '',
      advice: typeof reach?.advice === 'string' ? reach.advice : null,
    },
  };
}
