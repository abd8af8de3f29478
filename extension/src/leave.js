// The "leave BitWeb?" page: the link content script sends a person's click on an outside
// link here (the isolation rules block a BitWeb page from navigating out by itself).
// Opening it from this page is a navigation that no BitWeb page initiated; the tab was
// showing a BitWeb page, so the background first lifts the rule that holds such tabs
// (isolation.js bitwebTabsRule), then this page navigates.

import { leaveTarget } from './leave-target.js';
import { sendMessage } from './platform.js';

const target = leaveTarget(location.hash);
const go = document.getElementById('go');
document.getElementById('target').textContent = target ?? 'not a valid web address';
// The button ships disabled (leave.html): a click before this script listens would be lost.
go.disabled = !target;
go.addEventListener('click', async () => {
  if (!target) return;
  go.disabled = true;
  const reply = await sendMessage({ type: 'leave.go', url: target }).catch((error) => ({ ok: false, error: { message: String(error?.message ?? error) } }));
  if (reply?.ok) location.replace(target);
  else {
    go.disabled = false;
    document.getElementById('target').textContent = `${target} (could not leave: ${reply?.error?.message ?? 'no answer'})`;
  }
});
document.getElementById('back').addEventListener('click', () => {
  if (history.length > 1) history.back();
  else window.close();
});
