// A DNS resolver the test controls, and a way to make a browser use it. The browser runs in a
// mount namespace of its own (`unshare -m`) where /etc/resolv.conf is bind-mounted over with
// one naming this resolver, so every query the browser (or anything it starts) sends to "the
// system's resolver", by getaddrinfo, res_query or a built-in DNS client reading resolv.conf,
// lands here and is recorded. The network is the host's, so loopback (gateway, sink) works as
// before. It answers every query NXDOMAIN: the test's machine has no names to give.
//
// resolv.conf cannot name a port, so the resolver listens on port 53 of an address of its own
// in 127.0.0.0/8 (picked at random, so parallel runs do not meet): that needs root, which the
// e2e suite has (README).

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDeadline } from './wait.js';

/** The name and type of the first question of a DNS query, or null when it is not one. */
export function parseQuestion(msg) {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null;
  const labels = [];
  let at = 12;
  for (;;) {
    if (at >= msg.length) return null;
    const len = msg[at];
    if (len === 0) break;
    if (len > 63 || at + 1 + len > msg.length) return null; // no compression in a question
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

/** NXDOMAIN for `msg`: its header and question, QR/RA set, rcode 3, no records. */
function nxdomain(msg, question) {
  const reply = Buffer.from(msg.subarray(0, question.end));
  reply[2] = 0x80 | (msg[2] & 0x01); // QR, and RD copied
  reply[3] = 0x80 | 3; // RA, NXDOMAIN
  reply.writeUInt16BE(1, 4);
  reply.writeUInt16BE(0, 6);
  reply.writeUInt16BE(0, 8);
  reply.writeUInt16BE(0, 10);
  return reply;
}

const TYPE_NAMES = { 1: 'A', 28: 'AAAA', 5: 'CNAME', 65: 'HTTPS', 64: 'SVCB', 12: 'PTR', 16: 'TXT', 33: 'SRV' };

/**
 * Starts the resolver: `{address, queries: [{name, type, at}], resolvConf(dir), stop()}`.
 * `type` is the record type's name (A, AAAA, HTTPS...) or its number.
 */
export async function startResolver() {
  for (let attempt = 0; ; attempt += 1) {
    const address = `127.53.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const socket = dgram.createSocket('udp4');
    const queries = [];
    socket.on('message', (msg, peer) => {
      const question = parseQuestion(msg);
      if (!question) return;
      queries.push({ name: question.name, type: TYPE_NAMES[question.type] ?? question.type, at: Date.now() });
      socket.send(nxdomain(msg, question), peer.port, peer.address);
    });
    try {
      await withDeadline(new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(53, address, resolve);
      }), 5_000, `a DNS resolver to listen on ${address}:53`);
    } catch (error) {
      socket.close();
      if (error.code === 'EADDRINUSE' && attempt < 5) continue;
      if (error.code === 'EACCES') throw new Error('the e2e DNS resolver needs port 53 (run the suite as root, as the browsers\' notes in e2e/README.md say)');
      throw error;
    }
    return {
      address,
      queries,
      /** Writes `<dir>/resolv.conf` naming only this resolver; returns its path. */
      resolvConf(dir) {
        const path = join(dir, 'resolv.conf');
        writeFileSync(path, `# the e2e test's own resolver (e2e/lib/resolver.js)\nnameserver ${address}\noptions attempts:1 timeout:1\n`);
        return path;
      },
      stop: () => new Promise((resolve) => socket.close(() => resolve())),
    };
  }
}

/**
 * Writes `<dir>/<name>`, an executable that runs `binary` with its arguments in a mount
 * namespace of its own where /etc/resolv.conf is `resolvConfPath`. It execs (unshare -m needs
 * no fork), so the browser keeps the pid the test started and stops.
 */
export function browserInResolverNamespace(dir, name, binary, resolvConfPath) {
  const path = join(dir, name);
  const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  writeFileSync(path, [
    '#!/bin/sh',
    '# made by e2e/lib/resolver.js: the browser, with the test\'s resolver as the system\'s',
    `exec unshare -m --propagation private sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' ${quote(resolvConfPath)} ${quote(binary)} "$@"`,
    '',
  ].join('\n'));
  chmodSync(path, 0o755);
  return path;
}

/** Whether `name` is under `.bitweb` (either address form). */
export const isBitwebName = (name) => /(^|\.)bitweb\.?$/.test(name) || /(^|\.)bitweb\.localhost\.?$/.test(name);
