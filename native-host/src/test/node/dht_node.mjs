// A bittorrent-dht (webtorrent's DHT, npm) node of the mixed DHT testnet (MixedTestnet, docs/DHT.md):
// runs as a child of the test JVM, in its network namespace, for as long as the test needs it, and
// does what the test asks over stdin, one JSON object a line; each answer is one JSON line on
// stdout carrying the request's "id".
//
//   node dht_node.mjs BIND BOOTSTRAP(ip:port,...)
//
//   {"id":1,"op":"nodes"}                                   -> {"id":1,"nodes":<routing table size>}
//   {"id":2,"op":"put","seed":hex,"salt":hex,"seq":n,"ih":hex}  (or "text": a string value)
//                                                            -> {"id":2,"nodes":<how many took it>}
//   {"id":3,"op":"get","key":hex,"salt":hex}               -> {"id":3,"found":bool,"seq":n,"ih":hex,"text":s}
//   {"id":4,"op":"announce","infohash":hex,"port":n}       -> {"id":4,"ok":true}
//   {"id":5,"op":"peers","infohash":hex}                    -> {"id":5,"peers":["ip:port",...]}
//
// Items are signed with Node's own ed25519 (not BitWeb's code). A failed request answers
// {"id":..,"error":"..."}. The first line printed is {"listening":"<ip>:<port>","id":"<node id hex>"}.
import DHT from 'bittorrent-dht'
import crypto from 'node:crypto'
import readline from 'node:readline'

const [bind, bootstrap] = process.argv.slice(2)
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

const verify = (signature, message, key) => {
  try {
    const pk = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, key]), format: 'der', type: 'spki' })
    return crypto.verify(null, message, pk, signature)
  } catch {
    return false
  }
}

const dht = new DHT({ bootstrap: bootstrap ? bootstrap.split(',') : false, verify, host: bind })
const reply = (object) => process.stdout.write(JSON.stringify(object) + '\n')

dht.on('error', (err) => {
  reply({ fatal: String(err) })
  process.exit(1)
})

dht.listen(6881, bind, () => reply({ listening: bind + ':6881', id: dht.nodeId.toString('hex') }))

function signer (seedHex) {
  const secret = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' })
  const spki = crypto.createPublicKey(secret).export({ format: 'der', type: 'spki' })
  return { publicKey: spki.subarray(spki.length - 32), sign: (buffer) => crypto.sign(null, buffer, secret) }
}

function target (keyHex, saltHex) {
  const hash = crypto.createHash('sha1').update(Buffer.from(keyHex, 'hex'))
  if (saltHex) hash.update(Buffer.from(saltHex, 'hex'))
  return hash.digest()
}

const ops = {
  nodes: (m, done) => done({ nodes: dht.toJSON().nodes.length }),
  put: (m, done) => {
    const { publicKey, sign } = signer(m.seed)
    const opts = { k: publicKey, seq: m.seq, sign, v: m.ih ? { ih: Buffer.from(m.ih, 'hex') } : Buffer.from(m.text) }
    if (m.salt) opts.salt = Buffer.from(m.salt, 'hex')
    dht.put(opts, (err, hash, nodes) => done(err ? { error: String(err), nodes: nodes || 0 } : { nodes, target: hash.toString('hex') }))
  },
  get: (m, done) => {
    // cache: false asks the DHT even when this node stores the item itself
    const opts = { verify, cache: false }
    if (m.salt) opts.salt = Buffer.from(m.salt, 'hex')
    dht.get(target(m.key, m.salt), opts, (err, res) => {
      if (err) return done({ error: String(err) })
      if (!res) return done({ found: false })
      const out = { found: true, seq: res.seq, sig: res.sig && res.sig.toString('hex') }
      if (res.v && res.v.ih) out.ih = Buffer.from(res.v.ih).toString('hex')
      else if (Buffer.isBuffer(res.v)) out.text = res.v.toString()
      done(out)
    })
  },
  announce: (m, done) => dht.announce(Buffer.from(m.infohash, 'hex'), m.port, (err) => done(err ? { error: String(err) } : { ok: true })),
  peers: (m, done) => {
    const infoHash = Buffer.from(m.infohash, 'hex')
    const peers = new Set()
    const onPeer = (peer, hash) => { if (hash.equals(infoHash)) peers.add(peer.host + ':' + peer.port) }
    dht.on('peer', onPeer)
    dht.lookup(infoHash, (err) => {
      dht.removeListener('peer', onPeer)
      done(err ? { error: String(err) } : { peers: [...peers] })
    })
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let m
  try {
    m = JSON.parse(line)
  } catch (e) {
    return reply({ error: 'not JSON: ' + line })
  }
  const op = ops[m.op]
  if (!op) return reply({ id: m.id, error: 'unknown op ' + m.op })
  try {
    op(m, (out) => reply({ id: m.id, ...out }))
  } catch (e) {
    reply({ id: m.id, error: String(e) })
  }
}).on('close', () => dht.destroy(() => process.exit(0)))
