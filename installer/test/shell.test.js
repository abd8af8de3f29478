// Installs the real build (native-host/target/bitweb.jar and the share/ folder the build makes
// beside it) into a throwaway HOME and uses what it installed as a person would: bash and zsh
// complete `bitweb` commands and options, man finds and shows the pages, and the installed
// command prints the version the manifests are stamped with.
// Needs the build first (scripts/test.sh runs `mvn verify` before this) and bash, zsh and man
// (scripts/install-test-deps.sh installs them). Run: node --test installer/test/shell.test.js

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const JAR = join(REPO, 'native-host', 'target', 'bitweb.jar');
const SHARE = join(REPO, 'native-host', 'target', 'share');
const POM_VERSION = readFileSync(join(REPO, 'pom.xml'), 'utf8').match(/<artifactId>bitweb-parent<\/artifactId>\s*<version>([^<]+)<\/version>/)[1];

let root;
let home;
let env;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000, ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}\n${result.stdout}\n${result.stderr}`);
  return result;
}

before(() => {
  for (const needed of [JAR, join(SHARE, 'bash-completion', 'completions', 'bitweb'), join(SHARE, 'man', 'man1', 'bitweb.1')]) {
    assert.ok(existsSync(needed), `${needed} is missing: build first (mvn -B package -DskipTests)`);
  }
  for (const tool of ['bash', 'zsh', 'man']) {
    assert.equal(spawnSync('sh', ['-c', `command -v ${tool}`]).status, 0, `${tool} is missing (scripts/install-test-deps.sh installs it)`);
  }
  root = mkdtempSync(join(tmpdir(), 'bitweb-shell-'));
  home = join(root, 'home');
  const base = { ...process.env };
  for (const key of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'BITWEB_JAR', 'BITWEB_SHARE', 'BITWEB_HOME', 'MANPATH']) delete base[key];
  env = { ...base, HOME: home, PATH: `${join(home, '.local', 'bin')}:${process.env.PATH}` };
  const installed = sh('bash', [join(REPO, 'installer', 'install.sh'), '--no-build', '--browser', 'chromium'], {
    env: { ...env, BITWEB_JAR: JAR },
  });
  assert.equal(installed.status, 0, `install failed:\n${installed.stdout}\n${installed.stderr}`);
});

after(() => {
  if (home) sh('bash', [join(REPO, 'installer', 'install.sh'), '--uninstall']);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the real build, installed', () => {
  test('bitweb --version prints the root pom\'s version, which the host manifest carries too', () => {
    const version = sh('bitweb', ['--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `bitweb ${POM_VERSION}\n`);
    const manifest = JSON.parse(readFileSync(join(home, '.config', 'chromium', 'NativeMessagingHosts', 'org.bitweb.host.json'), 'utf8'));
    assert.equal(manifest.description, `BitWeb ${POM_VERSION}: lets the BitWeb extension reach the local BitWeb engine`);
  });

  /**
   * Types each line into an interactive shell in a pseudo-terminal (zsh's zpty), presses TAB, and
   * returns the command line the shell then holds: a key bound to `dump` writes it to a file.
   * The driver waits for markers the shell prints, never for time.
   */
  function typeIn(shell, setup, lines) {
    const out = join(root, `${shell}-lines`);
    rmSync(out, { force: true });
    const driver = join(root, `drive-${shell}.zsh`);
    const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
    writeFileSync(driver, [
      'zmodload zsh/zpty',
      `zpty s ${shell === 'zsh' ? 'zsh -f -i' : 'bash --norc --noprofile -i'}`,
      ...setup(out).map((line) => `zpty -w s ${quote(line)}`),
      `zpty -w s ${quote('echo RE""ADY')}`,
      'zpty -r s line "*READY*"',
      // The prompt after READY: only then is the shell in its line editor with the terminal raw.
      // Keys that arrive before it meet the terminal's own line discipline, which eats the ^D of
      // ^X^D (end of file) and leaves the shell waiting for a key that never comes.
      'zpty -r s line "*PROMPT> *"',
      'for typed in "$@"; do zpty -w -n s "$typed"$\'\\t\\C-x\\C-d\'; done',
      `zpty -w s ${quote('echo DO""NE')}`,
      'zpty -r s line "*DONE*"',
      'zpty -d s',
    ].join('\n'));
    const result = sh('zsh', ['-f', driver, ...lines]);
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    return readFileSync(out, 'utf8').split('\n').slice(0, lines.length);
  }

  const TYPED = ['bitweb pu', 'bitweb key ex', 'bitweb serve --g', 'bitweb publish --sa', 'bitweb --log-level deb', 'bitweb serve --k'];
  const COMPLETED = [
    'bitweb publish ',
    'bitweb key export ',
    'bitweb serve --gateway-port ',
    'bitweb publish --salt ',
    'bitweb --log-level debug ',
    'bitweb serve --k', // serve has no --key
  ];

  test('bash with bash-completion finds the script where the installer put it, and completes', () => {
    const loader = '/usr/share/bash-completion/bash_completion';
    assert.ok(existsSync(loader), `${loader} is missing (apt-get install bash-completion)`);
    const lines = typeIn('bash', (out) => [
      'PS1="PROM""PT> "',
      `source ${loader}`,
      `dump() { printf "%s\\n" "$READLINE_LINE" >> ${out}; READLINE_LINE=; READLINE_POINT=0; }`,
      'bind -x \'"\\C-x\\C-d": dump\'',
    ], TYPED);
    assert.deepEqual(lines, COMPLETED);
  });

  test('zsh, with the installed folder on fpath, completes through its compinit', () => {
    const lines = typeIn('zsh', (out) => [
      'PS1="PROM""PT> "',
      `fpath=(${join(home, '.local', 'share', 'zsh', 'site-functions')} $fpath); autoload -U compinit; compinit -u -D`,
      `dump() { print -r -- "$BUFFER" >> ${out}; BUFFER=; }; zle -N dump; bindkey "^X^D" dump`,
    ], TYPED);
    assert.deepEqual(lines, COMPLETED);
  });

  test('bitweb serve through the installed command runs the engine with the memory caps the browser\'s engine has', async () => {
    const state = join(root, 'serve-state');
    const engine = spawn('bitweb', ['--home', state, 'serve', '--gateway-port', '0', '--peer-port', '0', '--no-dht', '--no-lan',
      '--no-port-mapping'], { env, stdio: 'ignore' });
    try {
      const deadline = Date.now() + 60_000;
      while (!existsSync(join(state, 'engine.json'))) {
        assert.ok(engine.exitCode === null, `the engine exited: ${engine.exitCode}`);
        assert.ok(Date.now() < deadline, 'the engine did not write engine.json within 60 s');
        await new Promise((done) => setTimeout(done, 50)); // polling for the file, bounded by the deadline
      }
      // the launcher execs java: the process it started is the engine's JVM
      const argv = readFileSync(`/proc/${engine.pid}/cmdline`, 'utf8').split('\0');
      for (const option of ['-Xmx256m', '-Xms64m', '-XX:+UseSerialGC', '-XX:MaxDirectMemorySize=512m']) {
        assert.ok(argv.includes(option), `${option} in ${argv.join(' ')}`);
      }
      assert.deepEqual(argv.slice(argv.indexOf('-jar') + 2, argv.indexOf('-jar') + 5), ['--home', state, 'serve']);
    } finally {
      // SIGTERM: the engine's shutdown hook closes it ('bitweb stop' would wait for a process
      // that stays a zombie until this test's event loop reaps it)
      const exited = engine.exitCode !== null ? Promise.resolve() : new Promise((done) => engine.once('exit', done));
      engine.kill();
      await exited;
    }
  });

  test('man finds the pages through PATH and shows each command\'s own options', () => {
    const where = sh('man', ['-w', 'bitweb-serve']);
    assert.equal(where.status, 0, where.stderr);
    assert.equal(where.stdout.trim(), join(home, '.local', 'share', 'man', 'man1', 'bitweb-serve.1'));
    const page = sh('man', ['bitweb-serve'], { env: { ...env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } });
    assert.equal(page.status, 0, page.stderr);
    const text = page.stdout.replace(/.\x08/g, '');
    assert.match(text, /^NAME\n\s+bitweb-serve - Run the engine in the foreground/m);
    assert.match(text, /--gateway-port=N/);
    assert.doesNotMatch(text, /--key/);
    const main = sh('man', ['bitweb'], { env: { ...env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } }).stdout.replace(/.\x08/g, '');
    assert.match(main, /EXIT CODES/);
    assert.match(main, new RegExp(`bitweb ${POM_VERSION.replaceAll('.', '\\.')}`));
  });
});
