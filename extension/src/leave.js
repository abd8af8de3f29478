// The "leave BitWeb?" page: the link content script sends a person's click on an outside
// link here (the isolation rules block a BitWeb page from navigating out by itself).
// Opening it from this page is a navigation that no BitWeb page initiated.

import { leaveTarget } from './leave-target.js';

const target = leaveTarget(location.hash);
const go = document.getElementById('go');
document.getElementById('target').textContent = target ?? 'not a valid web address';
go.disabled = !target;
go.addEventListener('click', () => {
  if (target) location.replace(target);
});
document.getElementById('back').addEventListener('click', () => {
  if (history.length > 1) history.back();
  else window.close();
});
