// The host launcher installer/install.sh writes, run as a browser runs it, with the real jar and
// Java: its JVM writes a class-data archive of its own as it first exits, maps it from then on,
// and stdout carries native-messaging frames and nothing else, archive or not. Needs the shaded
// jar (scripts/test.sh builds it before these tests; by hand: mvn -q package -DskipTests).
// Run: node --test installer/test/

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFakeJava } from './fake-java.js';
import { waitForLine, withDeadline } from '../../e2e/lib/wait.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTALL = join(REPO, 'installer', 'install.sh');
const JAR = join(REPO, 'native-host', 'target', 'bitweb.jar');
const IDS = JSON.parse(readFileSync(join(REPO, 'extension', 'ids.json'), 'utf8'));
const ORIGIN = `chrome-extension://${IDS.chrome}/`;
const EXIT_MS = 60_000; // a bridge exits when its stdin closes; writing the archive takes a second or two

let root;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'bitweb-host-launcher-'));
  chmodSync(root, 0o755); // the other user of the last test walks through it
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

function install(home, env = {}) {
  const base = { ...process.env };
  for (const key of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'BITWEB_JAR', 'JAVA_HOME']) delete base[key];
  const result = spawnSync('bash', [INSTALL, '--no-build', '--browser', 'chromium'], {
    env: { ...base, HOME: home, ...env }, encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
}

const frame = (message) => {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
};

/**
 * Runs the launcher as a browser does: asks hello, reads the answer, closes its stdin and waits
 * for it to exit. Returns the answer and every byte it wrote on stdout.
 */
async function helloThenClose(launcher, env) {
  const child = spawn(launcher, [ORIGIN], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = [];
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolveExit) => child.on('close', (code) => resolveExit(code)));
  const answered = new Promise((resolveAnswer, reject) => {
    child.stdout.on('data', (d) => {
      out.push(d);
      const all = Buffer.concat(out);
      if (all.length >= 4 && all.length >= 4 + all.readUInt32LE(0)) resolveAnswer(JSON.parse(all.subarray(4, 4 + all.readUInt32LE(0))));
    });
    child.on('close', () => reject(new Error(`the host exited before answering; stderr:\n${err}`)));
  });
  child.stdin.write(frame({ id: 1, action: 'hello', client: 'launcher-test' }));
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer and exit within ${EXIT_MS} ms; stderr:\n${err}`)), EXIT_MS); });
  try {
    const answer = await Promise.race([answered, timeout]);
    child.stdin.end();
    const code = await Promise.race([exited, timeout]);
    return { answer, code, stdout: Buffer.concat(out), stderr: err };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}

let home;
let app;
let env;

/** `bitweb serve` through the installed command line, on ports of its own; resolves once it is up. */
async function serve(extraEnv = {}) {
  const engine = spawn(join(home, '.local', 'bin', 'bitweb'), ['serve', '--gateway-port', '0', '--peer-port', '0', '--dht-port', '0'],
    { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'ignore'] }); // its log is in the state folder
  await waitForLine(engine.stdout, /press Ctrl-C to stop/, EXIT_MS, 'the engine to be up');
  engine.stdout.resume();
  return engine;
}

/** Stops it as the service manager or Ctrl-C does (SIGTERM); resolves once it has exited. */
async function stop(engine) {
  if (!engine || engine.exitCode !== null) return;
  const gone = new Promise((resolveGone) => engine.on('close', resolveGone));
  engine.kill('SIGTERM');
  await withDeadline(gone, EXIT_MS, 'the engine to stop');
}

/**
 * picocli, SnakeYAML, javax.inject and aopalliance ship Java 5 class files, which no class-data
 * archive holds, nor any class that extends or implements one of theirs; the build compiles them
 * anew (native-host/pom.xml, "Recompiled for class-data sharing"). A start that maps the archive
 * loads these from it.
 */
function fromTheArchive(classLog, ...names) {
  for (const name of names) {
    assert.match(classLog, new RegExp(`\\] ${name.replaceAll('.', '\\.').replaceAll('$', '\\$')} source: shared objects file \\(top\\)`), name);
  }
}

describe('the installed host launcher with the real jar and Java', () => {
  let state;
  let engine;

  before(async () => {
    assert.ok(existsSync(JAR), `${JAR} is missing: build it first (mvn -q package -DskipTests), as scripts/test.sh does`);
    // No space in this path: Java 17 maps an archive made under one, but not its classes from the
    // jar (its class path check fails). The launcher's quoting is proven by the last test.
    home = join(root, 'home');
    mkdirSync(home);
    install(home, { BITWEB_JAR: JAR });
    app = join(home, '.local', 'share', 'bitweb', 'app');
    state = join(root, 'state');
    // the engine the bridge starts keeps to loopback: no DHT, LAN discovery or port mapping
    env = { ...process.env, HOME: home, BITWEB_HOME: state, BITWEB_DHT: 'off', BITWEB_LAN: 'off', BITWEB_PORTMAP: 'off' };
    delete env.JDK_JAVA_OPTIONS;
    // An engine already runs, as the service or an earlier browser left it, on ports of its own:
    // the bridges connect to it (the default ports may be taken on the machine running the tests).
    engine = await serve();
  });

  after(() => stop(engine));

  const archive = () => join(app, 'bitweb-host.jsa');
  const onlyTheAnswer = (run) => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.answer.ok, true, JSON.stringify(run.answer));
    assert.equal(run.stdout.length, 4 + run.stdout.readUInt32LE(0), 'stdout carries the answer and nothing after it');
  };

  test('the first start writes the archive as it exits, noted for this Java and jar', async () => {
    assert.equal(existsSync(archive()), false);
    const run = await helloThenClose(join(app, 'bitweb-host'), env);
    onlyTheAnswer(run);
    assert.ok(existsSync(archive()), `no archive at ${archive()}; stderr:\n${run.stderr}`);
    assert.match(readFileSync(`${archive()}.id`, 'utf8'), /^[0-9a-f]{16}\n$/);
  });

  test('the next start maps it: the bridge\'s own classes come from the archive', async () => {
    const classLog = join(root, 'classes.log');
    const run = await helloThenClose(join(app, 'bitweb-host'), { ...env, JDK_JAVA_OPTIONS: `-Xlog:class+load=info:file=${classLog}` });
    onlyTheAnswer(run);
    const loaded = readFileSync(classLog, 'utf8');
    assert.match(loaded, /org\.bitweb\.cli\.Bridge source: shared objects file \(top\)/);
    assert.doesNotMatch(loaded, /org\.bitweb\.cli\.Bridge source: (jar|file):/);
    // Jackson's too; and a browser's line goes straight to the bridge: the command line's library
    // is not even loaded (docs/TUNING.md, "A visit that starts the engine", item 11)
    fromTheArchive(loaded, 'com.fasterxml.jackson.databind.JsonNode');
    assert.doesNotMatch(loaded, /\] picocli\.CommandLine /);
  });

  test('an archive made for another Java or jar is deleted, and the start after writes a new one', async () => {
    writeFileSync(`${archive()}.id`, '0123456789abcdef\n');
    onlyTheAnswer(await helloThenClose(join(app, 'bitweb-host'), env));
    assert.equal(existsSync(archive()), false, 'the stale archive is gone');
    onlyTheAnswer(await helloThenClose(join(app, 'bitweb-host'), env));
    assert.ok(existsSync(archive()), 'a new archive');
  });
});

describe('every other command through the installed command line', () => {
  const archive = () => join(app, 'bitweb-commands.jsa');
  const command = (args, extraEnv = {}) => {
    const result = spawnSync(join(home, '.local', 'bin', 'bitweb'), args, { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: EXIT_MS });
    assert.equal(result.status, 0, result.stderr);
    return result;
  };

  test('the first command writes the archive they share as it exits, and the next maps it', () => {
    assert.equal(existsSync(archive()), false);
    // stdout is the command's own output, nothing of the JVM's
    assert.equal(JSON.parse(command(['status', '--json']).stdout).home, env.BITWEB_HOME);
    assert.ok(existsSync(archive()), `no archive at ${archive()}`);
    assert.match(readFileSync(`${archive()}.id`, 'utf8'), /^[0-9a-f]{16}\n$/);
    const classLog = join(root, 'command-classes.log');
    assert.equal(JSON.parse(command(['status', '--json'], { JDK_JAVA_OPTIONS: `-Xlog:class+load=info:file=${classLog}` }).stdout).home,
      env.BITWEB_HOME);
    fromTheArchive(readFileSync(classLog, 'utf8'), 'org.bitweb.cli.Main', 'picocli.CommandLine', 'com.fasterxml.jackson.databind.ObjectMapper');
  });
});

describe('bitweb serve through the installed command line, as the service runs it', () => {
  const archive = () => join(app, 'bitweb-serve.jsa');

  test('the engine that stopped wrote the archive as it stopped, and the next one maps it', async () => {
    // the engine of the tests above was the first 'bitweb serve' of this install
    assert.ok(existsSync(archive()), `no archive at ${archive()}`);
    assert.match(readFileSync(`${archive()}.id`, 'utf8'), /^[0-9a-f]{16}\n$/);
    const classLog = join(root, 'serve-classes.log');
    const engine = await serve({ JDK_JAVA_OPTIONS: `-Xlog:class+load=info:file=${classLog}` });
    await stop(engine);
    const loaded = readFileSync(classLog, 'utf8');
    assert.match(loaded, /org\.bitweb\.engine\.Engine source: shared objects file \(top\)/);
    assert.match(loaded, /org\.eclipse\.jetty\.server\.Server source: shared objects file \(top\)/);
    // the command line, bt's model reader, Guice's providers and interceptors
    fromTheArchive(loaded, 'picocli.CommandLine', 'org.yaml.snakeyaml.Yaml', 'javax.inject.Provider',
      'com.google.inject.Provider', 'org.aopalliance.intercept.MethodInterceptor');
  });

  test('installing again (a new jar) drops the archives; --uninstall removes them with the rest', () => {
    install(home, { BITWEB_JAR: JAR });
    for (const name of ['bitweb-host.jsa', 'bitweb-serve.jsa', 'bitweb-commands.jsa']) {
      assert.equal(existsSync(join(app, name)), false, name);
      writeFileSync(join(app, name), 'as the next start would\n');
      writeFileSync(join(app, `${name}.id`), '0123456789abcdef\n');
    }
    const base = { ...process.env, HOME: home };
    delete base.XDG_DATA_HOME;
    const result = spawnSync('bash', [INSTALL, '--uninstall'], { env: base, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(existsSync(app), false, result.stdout);
  });
});

test('where the launcher may not write, its JVM is asked for no archive (it would fail on stdout at exit)', () => {
  const home = join(root, 'read only'); // a space, to prove the launcher quotes every path
  const bin = join(root, 'bin');
  const calls = join(root, 'calls');
  mkdirSync(home);
  mkdirSync(bin);
  mkdirSync(calls);
  chmodSync(home, 0o755);
  chmodSync(calls, 0o777);
  writeFakeJava(bin, join(calls, 'args'));
  const jar = join(root, 'stand-in.jar');
  writeFileSync(jar, 'not really a jar\n');
  install(home, { BITWEB_JAR: jar, PATH: `${bin}:${process.env.PATH}` });
  const readOnlyApp = join(home, '.local', 'share', 'bitweb', 'app');
  for (const dir of [join(home, '.local'), join(home, '.local', 'share'), join(home, '.local', 'share', 'bitweb')]) chmodSync(dir, 0o755);
  chmodSync(readOnlyApp, 0o555);
  // root may write anywhere: run it as another user then, as a system install's users run it
  const launcher = join(readOnlyApp, 'bitweb-host');
  const result = process.getuid() === 0
    ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', launcher, ORIGIN], { encoding: 'utf8' })
    : spawnSync(launcher, [ORIGIN], { encoding: 'utf8' });
  chmodSync(readOnlyApp, 0o755);
  assert.equal(result.status, 0, result.stderr);
  const args = readFileSync(join(calls, 'args'), 'utf8').trimEnd().split('\n');
  assert.ok(!args.some((a) => a.includes('ArchiveClassesAtExit') || a.includes('SharedArchiveFile')), args.join(' '));
  assert.deepEqual(args.slice(-4), ['-jar', join(readOnlyApp, 'bitweb.jar'), 'host', ORIGIN]);
});
