// What the toolbar icon shows for a tab, as a pure function of what the engine says about
// the tab's site. Badges are short (Chrome shows about four characters).
//
//   tab loading, site not complete -> "42%" (amber)   the download is visible while it runs
//   engine does not know the site  -> "…"   (amber)   while the tab loads; nothing after
//   the site has a newer version   -> "new" (blue)    (when the host reports `updated`)
//   seeding                        -> "seed" (green)  this browser shares the site: it reveals you
//   otherwise                      -> ""               a visit that shares nothing
// Once the page is complete, its comment count replaces "seed" and "": "12" in green when
// seeding (the colour still says it is shared), in purple otherwise; "999+" above 999.

export const BADGE_COLORS = Object.freeze({ loading: '#9a6700', seeding: '#1a7f37', updated: '#1d5f9e', none: '#59636e', comments: '#6f42c1' });

const countText = (n) => (n > 999 ? '999+' : String(n));
const commentsTitle = (n) => (n === 1 ? '1 comment' : `${countText(n)} comments`);

const percent = (progress) => `${Math.max(0, Math.min(99, Math.floor(progress * 100)))}%`;

/**
 * @param {object|null} site a Site from the host, or null when the engine does not know it
 * @param {{loading?: boolean, comments?: number}} [tab] comments: the page's comments this engine holds
 * @returns {{text: string, color: string, title: string, state: 'loading'|'seeding'|'updated'|'visiting'|'none'}}
 */
export function badgeFor(site, { loading = false, comments = 0 } = {}) {
  const count = Number.isInteger(comments) && comments > 0 ? comments : 0;
  if (!site || typeof site !== 'object') {
    return loading
      ? { text: '…', color: BADGE_COLORS.loading, title: 'BitWeb: looking for this site', state: 'loading' }
      : { text: '', color: BADGE_COLORS.none, title: 'BitWeb', state: 'none' };
  }
  const name = typeof site.name === 'string' && site.name ? site.name : 'this site';
  const progress = Number.isFinite(site.progress) ? site.progress : 1;
  const peers = Number.isInteger(site.peers) ? site.peers : 0;
  const peerText = peers === 1 ? '1 peer' : `${peers} peers`;
  if (progress < 1) {
    return {
      text: percent(progress),
      color: BADGE_COLORS.loading,
      title: `BitWeb: downloading ${name} (${percent(progress)}, ${peerText})`,
      state: 'loading',
    };
  }
  if (site.updated === true) {
    return { text: 'new', color: BADGE_COLORS.updated, title: `BitWeb: a newer version of ${name} is available`, state: 'updated' };
  }
  if (site.seeding === true) {
    return count
      ? { text: countText(count), color: BADGE_COLORS.seeding, title: `BitWeb: you seed ${name} (${peerText}); ${commentsTitle(count)} on this page`, state: 'seeding' }
      : { text: 'seed', color: BADGE_COLORS.seeding, title: `BitWeb: you seed ${name} (${peerText})`, state: 'seeding' };
  }
  return count
    ? { text: countText(count), color: BADGE_COLORS.comments, title: `BitWeb: ${name} (you do not share it); ${commentsTitle(count)} on this page`, state: 'visiting' }
    : { text: '', color: BADGE_COLORS.none, title: `BitWeb: ${name} (you do not share it)`, state: 'visiting' };
}
