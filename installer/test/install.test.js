// Runs installer/install.sh in a throwaway HOME against a fake jar and a fake `java`, checks
// what it registers, and that --uninstall puts HOME back exactly as it was.
// Run: node --test installer/test/

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync, chmodSync, constants, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFakeJava } from './fake-java.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTALL = join(REPO, 'installer', 'install.sh');
const IDS = JSON.parse(readFileSync(join(REPO, 'extension', 'ids.json'), 'utf8'));
// the engine's base options the CLI launcher gives java (EngineJvmTest holds them to EngineJvm.base())
const ENGINE_JVM = readFileSync(INSTALL, 'utf8').match(/^ENGINE_JVM='([^']*)'$/m)[1].split(' ');
// the host launcher's options for the bridge's JVM (BridgeJvmTest holds them to Bridge.JVM)
const HOST_JVM = readFileSync(INSTALL, 'utf8').match(/^HOST_JVM='([^']*)'$/m)[1].split(' ');

const MANIFESTS = {
  chromium: ['.config', 'chromium', 'NativeMessagingHosts'],
  chrome: ['.config', 'google-chrome', 'NativeMessagingHosts'],
  firefox: ['.mozilla', 'native-messaging-hosts'],
};

let root;
let fakeBin;
let fakeJar;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'bitweb-install-'));
  fakeBin = join(root, 'bin');
  mkdirSync(fakeBin);
  writeFakeJava(fakeBin); // records its arguments in $BITWEB_TEST_ARGS
  fakeJar = join(root, 'fake bitweb.jar'); // a space, to prove paths are quoted
  writeFileSync(fakeJar, 'not really a jar\n');
  // what the build makes beside the jar: the completion script and the man pages
  mkdirSync(join(root, 'share', 'bash-completion', 'completions'), { recursive: true });
  writeFileSync(join(root, 'share', 'bash-completion', 'completions', 'bitweb'), '# completion for bitweb\n');
  mkdirSync(join(root, 'share', 'man', 'man1'), { recursive: true });
  for (const page of ['bitweb.1', 'bitweb-serve.1']) writeFileSync(join(root, 'share', 'man', 'man1', page), `.TH ${page}\n`);
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

function freshHome(name) {
  const home = join(root, name);
  mkdirSync(home);
  return home;
}

/** Runs the installer with a clean environment: only HOME, PATH and what the test sets. */
function run(args, { home, env = {}, script = INSTALL } = {}) {
  const base = { ...process.env };
  for (const key of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'BITWEB_JAR', 'JAVA_HOME']) delete base[key];
  const result = spawnSync('bash', [script, ...args], {
    env: { ...base, HOME: home, PATH: `${fakeBin}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Every path under `dir` with its type, mode and a content hash. */
function snapshot(dir) {
  const out = {};
  const walk = (path) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stat = lstatSync(full);
      const rel = full.slice(dir.length);
      if (stat.isDirectory()) {
        out[rel] = `dir ${stat.mode.toString(8)}`;
        walk(full);
      } else {
        out[rel] = `file ${stat.mode.toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      }
    }
  };
  walk(dir);
  return out;
}

function readManifest(home, browser) {
  return JSON.parse(readFileSync(join(home, ...MANIFESTS[browser], `${IDS.host}.json`), 'utf8'));
}

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
};

test('--help explains the options', () => {
  const { code, out } = run(['--help'], { home: freshHome('help') });
  assert.equal(code, 0);
  for (const option of ['--uninstall', '--rebuild', '--no-build', '--check', 'BITWEB_JAR']) {
    assert.match(out, new RegExp(option));
  }
});

test('an unknown option is a usage error', () => {
  const { code, err } = run(['--frobnicate'], { home: freshHome('unknown') });
  assert.equal(code, 2);
  assert.match(err, /unknown option: --frobnicate/);
});

test('--rebuild with --no-build is refused', () => {
  const { code, err } = run(['--rebuild', '--no-build'], { home: freshHome('contradict') });
  assert.equal(code, 1);
  assert.match(err, /contradict/);
});

test('BITWEB_JAR naming a missing file fails clearly and writes nothing', () => {
  const home = freshHome('missing-jar');
  const { code, err } = run(['--no-build'], { home, env: { BITWEB_JAR: join(root, 'nope.jar') } });
  assert.equal(code, 1);
  assert.match(err, /BITWEB_JAR=.*nope\.jar: no such file/);
  assert.deepEqual(snapshot(home), {});
});

test('--no-build without a built jar fails clearly and writes nothing', () => {
  // A copy of the installer in a checkout that has no native-host/target/bitweb.jar.
  const checkout = join(root, 'checkout');
  cpSync(join(REPO, 'installer'), join(checkout, 'installer'), { recursive: true, filter: (p) => !p.includes('/test') });
  mkdirSync(join(checkout, 'extension'));
  cpSync(join(REPO, 'extension', 'ids.json'), join(checkout, 'extension', 'ids.json'));
  const home = freshHome('no-build');
  const { code, err } = run(['--no-build'], { home, script: join(checkout, 'installer', 'install.sh') });
  assert.equal(code, 1);
  assert.match(err, /native-host\/target\/bitweb\.jar is missing and --no-build was given/);
  assert.match(err, /mvn -B -q -f .*pom\.xml package -DskipTests/);
  assert.deepEqual(snapshot(home), {});
});

test('--check on a HOME without an install reports what is missing', () => {
  const { code, out } = run(['--check'], { home: freshHome('check-empty') });
  assert.notEqual(code, 0);
  assert.match(out, /no host manifest/);
});

test('--uninstall without an install does nothing', () => {
  const home = freshHome('nothing');
  const { code, out } = run(['--uninstall'], { home });
  assert.equal(code, 0);
  assert.match(out, /Nothing to uninstall/);
  assert.deepEqual(snapshot(home), {});
});

describe('install, reinstall and uninstall in a temp HOME', () => {
  let home;
  let before;

  test('install registers the host for each browser', () => {
    home = freshHome('full');
    // Things the user already has; the installer must leave them as they are.
    mkdirSync(join(home, '.config', 'chromium', 'Default'), { recursive: true });
    writeFileSync(join(home, '.config', 'chromium', 'Default', 'Preferences'), '{}\n');
    mkdirSync(join(home, '.local', 'bin'), { recursive: true });
    writeFileSync(join(home, '.local', 'bin', 'other-tool'), '#!/bin/sh\n');
    chmodSync(join(home, '.local', 'bin', 'other-tool'), 0o755);
    before = snapshot(home);

    const { code, out, err } = run(['--no-build'], { home, env: { BITWEB_JAR: fakeJar } });
    assert.equal(code, 0, `install failed:\n${out}\n${err}`);
    assert.match(out, /^BitWeb 9\.8\.7 host installed for /m);
    assert.match(out, /zsh .*_bitweb/);
    assert.match(out, /fpath=\(.*\/\.local\/share\/zsh\/site-functions \$fpath\)/);
    assert.match(out, /chrome:\/\/extensions/);
    assert.match(out, /extension\/dist\/chrome/);
    assert.match(out, /about:debugging/);
    assert.match(out, /extension\/dist\/firefox\/manifest\.json/);
    assert.match(out, new RegExp(IDS.chrome));

    const app = join(home, '.local', 'share', 'bitweb', 'app');
    assert.equal(readFileSync(join(app, 'bitweb.jar'), 'utf8'), 'not really a jar\n');

    for (const browser of Object.keys(MANIFESTS)) {
      const manifest = readManifest(home, browser);
      assert.equal(manifest.name, 'org.bitweb.host', browser);
      assert.equal(manifest.type, 'stdio', browser);
      assert.equal(manifest.path, join(app, 'bitweb-host'), browser);
      assert.ok(isExecutable(manifest.path), `${browser}: ${manifest.path} is executable`);
      if (browser === 'firefox') {
        assert.deepEqual(manifest.allowed_extensions, ['bitweb@bitweb.org']);
        assert.equal(manifest.allowed_origins, undefined);
      } else {
        assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${IDS.chrome}/`]);
        assert.equal(manifest.allowed_extensions, undefined);
      }
    }
    assert.ok(isExecutable(join(home, '.local', 'bin', 'bitweb')));
  });

  test('the jar\'s version is stamped into the manifests and launchers, and said', () => {
    for (const browser of Object.keys(MANIFESTS)) {
      assert.equal(readManifest(home, browser).description, 'BitWeb 9.8.7: lets the BitWeb extension reach the local BitWeb engine');
    }
    const app = join(home, '.local', 'share', 'bitweb', 'app');
    assert.match(readFileSync(join(app, 'bitweb-host'), 'utf8'), /^# BitWeb 9\.8\.7 native messaging host/m);
    assert.match(readFileSync(join(home, '.local', 'bin', 'bitweb'), 'utf8'), /^# BitWeb 9\.8\.7 command line/m);
  });

  test('the completion script and the man pages go where bash, zsh and man look', () => {
    const share = join(home, '.local', 'share');
    const bash = join(share, 'bash-completion', 'completions', 'bitweb');
    assert.equal(readFileSync(bash, 'utf8'), '# completion for bitweb\n');
    const zsh = readFileSync(join(share, 'zsh', 'site-functions', '_bitweb'), 'utf8');
    assert.match(zsh, /^#compdef bitweb\n/);
    assert.ok(zsh.includes(`source '${bash}'`), zsh);
    assert.deepEqual(readdirSync(join(share, 'man', 'man1')).sort(), ['bitweb-serve.1', 'bitweb.1']);
  });

  test('the launchers run java -jar <installed jar>, the host one with "host" first, the command with the engine\'s base options', () => {
    const app = join(home, '.local', 'share', 'bitweb', 'app');
    const argsFile = join(root, 'java-args');
    const launch = (launcher, args) => {
      const result = spawnSync(launcher, args, { env: { ...process.env, BITWEB_TEST_ARGS: argsFile }, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return readFileSync(argsFile, 'utf8').trimEnd().split('\n');
    };
    // the bridge, a light relay: C1 only, the serial collector, a small heap
    assert.ok(HOST_JVM.includes('-XX:TieredStopAtLevel=1') && HOST_JVM.includes('-XX:+UseSerialGC'), HOST_JVM.join(' '));
    // with no class-data archive of its own yet, the bridge's JVM writes one as it exits; then maps it
    const archive = join(app, 'bitweb-host.jsa');
    assert.deepEqual(launch(join(app, 'bitweb-host'), [`chrome-extension://${IDS.chrome}/`]), [
      ...HOST_JVM, `-XX:ArchiveClassesAtExit=${archive}`, `-Dbitweb.archive=${archive}`, '-jar', join(app, 'bitweb.jar'), 'host', `chrome-extension://${IDS.chrome}/`,
    ]);
    writeFileSync(archive, 'an archive\n');
    assert.deepEqual(launch(join(app, 'bitweb-host'), ['x']), [
      ...HOST_JVM, `-XX:SharedArchiveFile=${archive}`, `-Dbitweb.archive=${archive}`, '-jar', join(app, 'bitweb.jar'), 'host', 'x',
    ]);
    rmSync(archive);
    assert.ok(ENGINE_JVM.includes('-Xmx256m') && ENGINE_JVM.includes('-XX:+UseSerialGC'), ENGINE_JVM.join(' '));
    // 'bitweb serve' (and the service, which runs this launcher) gets the heap cap the bridge's engine has
    // ... and maps the engine's class-data archive beside the jar, or has its JVM write it as it stops
    const serveArchive = join(app, 'bitweb-serve.jsa');
    assert.deepEqual(launch(join(home, '.local', 'bin', 'bitweb'), ['serve', 'a b']), [
      ...ENGINE_JVM, '-XX:+DisplayVMOutputToStderr', '-Xlog:cds=off', '-Xlog:cds+dynamic=off', `-XX:ArchiveClassesAtExit=${serveArchive}`,
      `-Dbitweb.archive=${serveArchive}`, '-jar', join(app, 'bitweb.jar'), 'serve', 'a b',
    ]);
    // every other command shares one archive of its own, written the same way, then mapped
    const commandsArchive = join(app, 'bitweb-commands.jsa');
    assert.deepEqual(launch(join(home, '.local', 'bin', 'bitweb'), ['status', 'serve']), [
      ...ENGINE_JVM, '-XX:+DisplayVMOutputToStderr', '-Xlog:cds=off', '-Xlog:cds+dynamic=off', `-XX:ArchiveClassesAtExit=${commandsArchive}`,
      `-Dbitweb.archive=${commandsArchive}`, '-jar', join(app, 'bitweb.jar'), 'status', 'serve',
    ]);
    writeFileSync(commandsArchive, 'an archive\n');
    assert.deepEqual(launch(join(home, '.local', 'bin', 'bitweb'), ['publish', 'x y']), [
      ...ENGINE_JVM, '-XX:+DisplayVMOutputToStderr', '-Xlog:cds=off', '-Xlog:cds+dynamic=off', `-XX:SharedArchiveFile=${commandsArchive}`,
      `-Dbitweb.archive=${commandsArchive}`, '-jar', join(app, 'bitweb.jar'), 'publish', 'x y',
    ]);
    rmSync(commandsArchive);
    assert.match(readFileSync(join(app, 'bitweb-host'), 'utf8'), new RegExp(`exec '${fakeBin}/java'`));
  });

  test('--check follows each manifest to an executable host', () => {
    const { code, out } = run(['--check'], { home });
    assert.equal(code, 0, out);
    assert.match(out, /looks complete/);
  });

  test('installing again is harmless and records nothing twice', () => {
    const { code, err } = run(['--no-build'], { home, env: { BITWEB_JAR: fakeJar } });
    assert.equal(code, 0, err);
    const record = readFileSync(join(home, '.local', 'share', 'bitweb', 'app', 'install-record'), 'utf8').trimEnd().split('\n');
    assert.equal(new Set(record).size, record.length);
    assert.ok(record.every((line) => /^(file|dir)\t\//.test(line)), record.join('\n'));
    // folders that existed before are not the installer's to remove
    assert.ok(!record.includes(`dir\t${join(home, '.config')}`));
    assert.ok(!record.includes(`dir\t${join(home, '.local', 'bin')}`));
    assert.ok(record.includes(`dir\t${join(home, '.mozilla')}`));
  });

  test('--uninstall puts HOME back exactly as it was', () => {
    const { code, out, err } = run(['--uninstall'], { home });
    assert.equal(code, 0, err);
    assert.match(out, /uninstalled/);
    assert.deepEqual(snapshot(home), before);
  });
});

test('uninstall keeps what BitWeb itself stored (sites, keys) and the folders holding it', () => {
  const home = freshHome('user-data');
  assert.equal(run(['--no-build'], { home, env: { BITWEB_JAR: fakeJar } }).code, 0);
  const store = join(home, '.local', 'share', 'bitweb', 'keys');
  writeFileSync(store, 'secret\n');
  const { code, out } = run(['--uninstall'], { home });
  assert.equal(code, 0);
  assert.match(out, /kept .*\/bitweb\//);
  assert.equal(readFileSync(store, 'utf8'), 'secret\n');
  assert.deepEqual(Object.keys(snapshot(home)).sort(), [
    '/.local',
    '/.local/share',
    '/.local/share/bitweb',
    '/.local/share/bitweb/keys',
  ]);
});

test('without a share/ folder beside the jar, the rest installs and a warning says what is missing', () => {
  const home = freshHome('no-share');
  const bare = join(root, 'bare');
  mkdirSync(bare);
  cpSync(fakeJar, join(bare, 'bitweb.jar'));
  const { code, out, err } = run(['--no-build', '--browser', 'chromium'], { home, env: { BITWEB_JAR: join(bare, 'bitweb.jar') } });
  assert.equal(code, 0, `${out}\n${err}`);
  assert.match(err, /no completion script at .*bare\/share\/bash-completion\/completions\/bitweb/);
  assert.throws(() => lstatSync(join(home, '.local', 'share', 'bash-completion')));
  assert.equal(run(['--uninstall'], { home }).code, 0);
  assert.deepEqual(snapshot(home), {});
});

test('XDG_DATA_HOME and XDG_CONFIG_HOME are honoured', () => {
  const home = freshHome('xdg');
  const data = join(home, 'data');
  const config = join(home, 'cfg');
  const env = { BITWEB_JAR: fakeJar, XDG_DATA_HOME: data, XDG_CONFIG_HOME: config };
  const { code, err } = run(['--no-build'], { home, env });
  assert.equal(code, 0, err);
  const manifest = JSON.parse(readFileSync(join(config, 'chromium', 'NativeMessagingHosts', 'org.bitweb.host.json'), 'utf8'));
  assert.equal(manifest.path, join(data, 'bitweb', 'app', 'bitweb-host'));
  assert.ok(lstatSync(join(data, 'bash-completion', 'completions', 'bitweb')).isFile(), 'bash-completion reads XDG_DATA_HOME');
  assert.equal(run(['--uninstall'], { home, env }).code, 0);
  assert.deepEqual(snapshot(home), {});
});

// ---- every browser, both scopes, macOS paths: the table in installer/browsers.json ----

const TABLE = JSON.parse(readFileSync(join(REPO, 'installer', 'browsers.json'), 'utf8')).rows;
const LINUX_USER = {
  chrome: ['.config', 'google-chrome', 'NativeMessagingHosts'],
  chromium: ['.config', 'chromium', 'NativeMessagingHosts'],
  brave: ['.config', 'BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts'],
  edge: ['.config', 'microsoft-edge', 'NativeMessagingHosts'],
  firefox: ['.mozilla', 'native-messaging-hosts'],
};

for (const [browser, folder] of Object.entries(LINUX_USER)) {
  test(`${browser} on Linux: install, --check, uninstall in a temp HOME`, () => {
    const home = freshHome(`only-${browser}`);
    const env = { BITWEB_JAR: fakeJar };
    const installed = run(['--no-build', '--browser', browser], { home, env });
    assert.equal(installed.code, 0, `${installed.out}\n${installed.err}`);
    const manifestPath = join(home, ...folder, `${IDS.host}.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    assert.equal(manifest.path, join(home, '.local', 'share', 'bitweb', 'app', 'bitweb-host'));
    if (browser === 'firefox') assert.deepEqual(manifest.allowed_extensions, [IDS.firefox]);
    else assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${IDS.chrome}/`]);
    for (const other of Object.keys(LINUX_USER).filter((b) => b !== browser)) {
      assert.throws(() => lstatSync(join(home, ...LINUX_USER[other], `${IDS.host}.json`)), `${other} is not registered`);
    }
    const checked = run(['--check'], { home });
    assert.equal(checked.code, 0, checked.out);
    assert.match(checked.out, /looks complete \(1 browser manifest/);
    assert.match(checked.out, /bitweb doctor/);
    const removed = run(['--uninstall'], { home });
    assert.equal(removed.code, 0, removed.err);
    assert.deepEqual(snapshot(home), {});
  });
}

test('--check names the first broken link: a manifest for another extension, a missing launcher', () => {
  const home = freshHome('broken');
  assert.equal(run(['--no-build', '--browser', 'chromium', '--browser', 'firefox'], { home, env: { BITWEB_JAR: fakeJar } }).code, 0);
  const chromium = join(home, ...LINUX_USER.chromium, `${IDS.host}.json`);
  const text = readFileSync(chromium, 'utf8');
  writeFileSync(chromium, text.replace(IDS.chrome, 'a'.repeat(32)));
  rmSync(join(home, '.local', 'share', 'bitweb', 'app', 'bitweb-host'));
  const { code, out } = run(['--check'], { home });
  assert.equal(code, 1);
  assert.match(out, new RegExp(`chromium: .* does not allow the extension ${IDS.chrome}`));
  assert.match(out, /firefox: .* points to '.*bitweb-host', which is not an executable file/);
});

test('--browser with an unknown name is refused', () => {
  const { code, err } = run(['--browser', 'netscape'], { home: freshHome('netscape') });
  assert.equal(code, 1);
  assert.match(err, /unknown browser 'netscape'/);
});

test('--system installs for every user under the system folders (relocated for the test), and uninstalls', () => {
  const home = freshHome('system-home');
  const sysRoot = join(root, 'system-root');
  mkdirSync(sysRoot);
  const env = { BITWEB_JAR: fakeJar, BITWEB_SYSTEM_ROOT: sysRoot };
  const installed = run(['--no-build', '--system'], { home, env });
  assert.equal(installed.code, 0, `${installed.out}\n${installed.err}`);
  assert.match(installed.out, /for every user/);
  const expected = {
    chrome: '/etc/opt/chrome/native-messaging-hosts',
    chromium: '/etc/chromium/native-messaging-hosts',
    brave: '/etc/opt/brave/native-messaging-hosts',
    edge: '/etc/opt/edge/native-messaging-hosts',
    firefox: '/usr/lib/mozilla/native-messaging-hosts',
  };
  for (const [browser, dir] of Object.entries(expected)) {
    const manifest = JSON.parse(readFileSync(join(sysRoot, dir, `${IDS.host}.json`), 'utf8'));
    assert.equal(manifest.path, join(sysRoot, 'usr', 'local', 'lib', 'bitweb', 'bitweb-host'), browser);
  }
  assert.ok(isExecutable(join(sysRoot, 'usr', 'local', 'bin', 'bitweb')));
  for (const file of ['bash-completion/completions/bitweb', 'zsh/site-functions/_bitweb', 'man/man1/bitweb.1']) {
    assert.ok(lstatSync(join(sysRoot, 'usr', 'local', 'share', ...file.split('/'))).isFile(), file);
  }
  assert.deepEqual(snapshot(home), {}, 'nothing in the user\'s HOME');
  assert.equal(run(['--check', '--system'], { home, env }).code, 0);
  assert.equal(run(['--uninstall', '--system'], { home, env }).code, 0);
  assert.deepEqual(snapshot(sysRoot), {});
});

test('macOS paths (BITWEB_OS=macos): "Application Support" with its space, install and uninstall', () => {
  const home = freshHome('mac');
  const env = { BITWEB_JAR: fakeJar, BITWEB_OS: 'macos' };
  const installed = run(['--no-build'], { home, env });
  assert.equal(installed.code, 0, `${installed.out}\n${installed.err}`);
  const support = join(home, 'Library', 'Application Support');
  for (const dir of ['Google/Chrome', 'Chromium', 'BraveSoftware/Brave-Browser', 'Microsoft Edge', 'Mozilla']) {
    const manifest = JSON.parse(readFileSync(join(support, ...dir.split('/'), 'NativeMessagingHosts', `${IDS.host}.json`), 'utf8'));
    assert.equal(manifest.name, IDS.host, dir);
  }
  assert.equal(run(['--check'], { home, env }).code, 0);
  assert.equal(run(['--uninstall'], { home, env }).code, 0);
  assert.deepEqual(snapshot(home), {});
});

test('--list prints exactly the rows of installer/browsers.json for this OS and scope (the shell reads the JSON right)', () => {
  const home = '/home/someone';
  for (const [os, scope] of [['linux', 'user'], ['linux', 'system'], ['macos', 'user'], ['macos', 'system']]) {
    const args = ['--list', ...(scope === 'system' ? ['--system'] : [])];
    const { code, out, err } = run(args, { home, env: { BITWEB_OS: os } });
    assert.equal(code, 0, err);
    const expected = TABLE.filter((r) => r.os === os && r.scope === scope).map((r) => [
      r.browser,
      r.family,
      `${r.dir.replaceAll('${XDG_CONFIG_HOME}', `${home}/.config`).replaceAll('${HOME}', home)}/${IDS.host}.json`,
    ].join('\t'));
    assert.deepEqual(out.trimEnd().split('\n'), expected, `${os}/${scope}`);
  }
});

test('--service has the installed command install the per-user service, and --uninstall removes the service first', () => {
  const home = freshHome('service');
  // a java that keeps every call: its arguments and the launcher it was run by
  const javaHome = join(root, 'service-java');
  mkdirSync(join(javaHome, 'bin'), { recursive: true });
  const calls = join(root, 'service-calls');
  writeFileSync(
    join(javaHome, 'bin', 'java'),
    '#!/bin/sh\n' +
      'if [ "$1" = -version ]; then echo \'openjdk version "17.0.9" 2023-10-17\' >&2; exit 0; fi\n' +
      `printf '%s|%s\\n' "$BITWEB_LAUNCHER" "$*" >> '${calls}'\n`,
  );
  chmodSync(join(javaHome, 'bin', 'java'), 0o755);
  const env = { BITWEB_JAR: fakeJar, JAVA_HOME: javaHome };
  const installed = run(['--no-build', '--service'], { home, env });
  assert.equal(installed.code, 0, `${installed.out}\n${installed.err}`);
  const launcher = join(home, '.local', 'bin', 'bitweb');
  const jar = join(home, '.local', 'share', 'bitweb', 'app', 'bitweb.jar');
  // the commands' class-data archive, which this stand-in java never writes
  const archive = join(home, '.local', 'share', 'bitweb', 'app', 'bitweb-commands.jsa');
  const jvm = `${ENGINE_JVM.join(' ')} -XX:+DisplayVMOutputToStderr -Xlog:cds=off -Xlog:cds+dynamic=off -XX:ArchiveClassesAtExit=${archive} -Dbitweb.archive=${archive}`;
  assert.ok(installed.out.includes(`${launcher} service install`), installed.out);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').filter((l) => l.includes(' service ')),
    [`${launcher}|${jvm} -jar ${jar} service install`], 'run through the launcher, which names itself for the service');

  // what 'bitweb service install' would have written; uninstall asks the command to remove it
  const unit = join(home, '.config', 'systemd', 'user', 'bitweb.service');
  mkdirSync(dirname(unit), { recursive: true });
  writeFileSync(unit, '[Service]\n');
  rmSync(calls);
  const removed = run(['--uninstall'], { home, env });
  assert.equal(removed.code, 0, `${removed.out}\n${removed.err}`);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').filter((l) => l.includes(' service ')), [`${launcher}|${jvm} -jar ${jar} service uninstall`]);
  rmSync(join(home, '.config'), { recursive: true });
  assert.deepEqual(snapshot(home), {});
});

test('--service with --system is refused: the service is per user', () => {
  const home = freshHome('service-system');
  const result = run(['--no-build', '--service', '--system'], { home, env: { BITWEB_JAR: fakeJar, BITWEB_SYSTEM_ROOT: join(root, 'sys-svc') } });
  assert.equal(result.code, 1);
  assert.match(result.err, /--service is per user/);
});

test('install.ps1 -Service delegates to the installed command, before -Uninstall removes it', () => {
  const ps1 = readFileSync(join(REPO, 'installer', 'install.ps1'), 'utf8');
  assert.match(ps1, /\[switch\]\$Service/);
  assert.match(ps1, /if \(\$Service\) \{ Invoke-Service 'install' \}/);
  assert.match(ps1, /& \$CliLauncher service uninstall/);
  // bitweb.cmd gives java the engine's base options, as install.sh's launcher does
  assert.match(ps1, /\$CliLauncher \("@echo off`r`nsetlocal`r`n\$cliCds`r`n`"\$java`" \$EngineJvm -XX:\+DisplayVMOutputToStderr " \+\s+"-Xlog:cds=off -Xlog:cds\+dynamic=off `"%CDS%`" `"%ARCHIVE%`" -jar/);
  // per user, serve maps (or writes) serve's archive and every other command the one they share
  assert.match(ps1, /"set `"JSA=\$commandsArchive`"`r`nif `"%~1`"==`"serve`" set `"JSA=\$serveArchive`"`r`n"/);
  assert.ok(ps1.includes(`\n$EngineJvm = '${ENGINE_JVM.join(' ')}'\n`), 'the same options as install.sh');
  // bitweb-host.cmd gives the bridge's JVM the same light options as install.sh's host launcher
  assert.match(ps1, /\$HostLauncher "@echo off`r`nsetlocal`r`n\$cds`r`n`"\$java`" \$HostJvm `"%CDS%`" `"%ARCHIVE%`" -jar/);
  // ... and, per user, its class-data archive as install.sh's launcher does: written when missing, then mapped
  assert.match(ps1, /set `"CDS=-XX:ArchiveClassesAtExit=\$Jsa`"`r`nif exist `"\$Jsa`" set `"CDS=-XX:SharedArchiveFile=\$Jsa`"/);
  // one place picks the archive for both launchers: the host's own, the command line's by command
  assert.match(ps1, /\$cds = Get-ArchiveLines \$archive\n/);
  assert.match(ps1, /\(Get-ArchiveLines '%JSA%'\)\n/);
  assert.ok(ps1.includes(`\n$HostJvm = '${HOST_JVM.join(' ')}'\n`), 'the same options as install.sh');
});
