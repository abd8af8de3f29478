// Shown in a tab whose BitWeb page was asked for while the engine was starting
// (starting-visits.js): the background opens the page here again once the engine's gateway is
// routed. This page only says so, and what to do if that takes long.

const SLOW_MS = 20_000;

let link = '';
try {
  link = decodeURIComponent(location.hash.slice(1));
} catch {
  // a hash that is not ours: shown empty
}
document.getElementById('link').textContent = link;
setTimeout(() => { document.getElementById('slow').hidden = false; }, SLOW_MS);
