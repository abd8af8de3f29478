// Local pet names: `alice.bitweb` -> a site the person chose. They live in this browser's
// extension storage only (never a global registry) and work as declarativeNetRequest
// redirects from `http://alice.bitweb/*` to `http://<label>.bitweb/*` (and the same for the
// `.bitweb.localhost:<port>` form), so a name is typed like an address and the site keeps
// its own origin.

import { canonicalLabel, isSiteLabel, parseSiteLink } from './links.js';
import { RULE_IDS, RULE_PRIORITY } from './constants.js';

export const MAX_PET_NAMES = 500;

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A pet name as stored (lowercase, no `.bitweb`), or throws a RangeError that says what is
 * wrong in words the popup can show.
 */
export function normalizePetName(input) {
  if (typeof input !== 'string') throw new RangeError('A name is needed.');
  const name = input.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/\.bitweb\.?$/, '');
  if (!name) throw new RangeError('A name is needed.');
  if (!NAME.test(name)) {
    throw new RangeError(
      `"${input.trim()}" cannot be a name: use letters a-z, digits and inner hyphens, one label of at most 63 characters.`,
    );
  }
  // A name that looks like an address would hide that site behind another one.
  if (isSiteLabel(name) || canonicalLabel(name)) {
    throw new RangeError(`"${name}" looks like a site address, so it cannot be a name.`);
  }
  return name;
}

/** The canonical label a pet name points at, from a label, a site URL or a magnet link. */
export function petNameTarget(input) {
  const parsed = parseSiteLink(typeof input === 'string' ? input : '');
  if (!parsed) {
    throw new RangeError('Point the name at a site address: http://<site>.bitweb/, a magnet link or the address itself.');
  }
  return parsed.label;
}

/** Checks a stored map `{name: label}` and drops what is not valid (storage may be stale). */
export function cleanPetNames(map) {
  const out = {};
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return out;
  for (const [name, label] of Object.entries(map)) {
    try {
      if (normalizePetName(name) === name && canonicalLabel(label) === label) out[name] = label;
    } catch {
      // skip
    }
  }
  return out;
}

/**
 * The dynamic rules for `{name: label}`: four per name (the proxy form and the subdomain
 * form, each for navigations and for everything else), with ids from RULE_IDS.petNamesFirst
 * on, in name order so the same map gives the same rules. They use anchored urlFilters, not
 * regexes (Chrome allows only 1000 regex rules). The redirect changes the host only, so
 * path, query and port stay.
 */
export function petNameRules(map) {
  const names = Object.keys(map).sort();
  if (names.length > MAX_PET_NAMES) throw new RangeError(`at most ${MAX_PET_NAMES} names`);
  const rules = [];
  let id = RULE_IDS.petNamesFirst;
  for (const name of names) {
    const label = map[name];
    for (const [filter, host] of [
      [`|http://${name}.bitweb/`, `${label}.bitweb`],
      [`|http://${name}.bitweb.localhost:`, `${label}.bitweb.localhost`],
    ]) {
      for (const types of [null, ['main_frame']]) {
        rules.push({
          id: id++,
          priority: RULE_PRIORITY.petName,
          action: { type: 'redirect', redirect: { transform: { host } } },
          condition: { urlFilter: filter, ...(types ? { resourceTypes: types } : {}) },
        });
      }
    }
  }
  return rules;
}
