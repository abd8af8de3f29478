// End to end in Debian's Firefox ESR with the real extension and the real host: every shared
// scenario (lib/scenarios.js), with Firefox's routing (proxy.onRequest in the extension's
// background page), its declarativeNetRequest and its native messaging. What Firefox under
// WebDriver BiDi cannot show is said by its adapter (lib/firefox.js) and skipped with the
// reason printed. Prerequisites (the caller builds them):
//   mvn package (native-host/target/bitweb.jar) and node extension/build.mjs (extension/dist/firefox)

import { test } from 'node:test';
import { firefox } from './lib/firefox.js';
import { runSharedScenarios } from './lib/scenarios.js';
import { inBrowserSession } from './lib/session.js';

test('firefox: browse, isolation, links and the popup with the real extension and host', { timeout: 170_000 }, (t) => (
  inBrowserSession(t, firefox, (s) => runSharedScenarios(t, s))
));
