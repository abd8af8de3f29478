// An independent BEP 46 publisher for NodeDhtInteropTest: webtorrent's bittorrent-dht puts the
// mutable item {ih: <infohash>} under an ed25519 key (signed with Node's own crypto), on the DHT
// testnet. Runs as a child of the test JVM, in its network namespace.
//
//   node bep46_put.mjs BIND BOOTSTRAP(ip:port,...) SEED_HEX INFOHASH_HEX SALT_HEX SEQ TIMEOUT_S
//
// Prints one JSON line: {"key": <hex>, "target": <hex>, "nodes": <how many took the put>}.
import DHT from 'bittorrent-dht'
import crypto from 'node:crypto'

const [bind, bootstrap, seedHex, ihHex, saltHex, seqText, timeoutText] = process.argv.slice(2)
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

const secret = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' })
const spki = crypto.createPublicKey(secret).export({ format: 'der', type: 'spki' })
const publicKey = spki.subarray(spki.length - 32)
const verify = (signature, message, key) => {
  try {
    const pk = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, key]), format: 'der', type: 'spki' })
    return crypto.verify(null, message, pk, signature)
  } catch {
    return false
  }
}

const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: 'timed out' }))
  process.exit(1)
}, Number(timeoutText) * 1000)

const dht = new DHT({ bootstrap: bootstrap.split(','), verify })
dht.on('error', (err) => {
  console.log(JSON.stringify({ error: String(err) }))
  process.exit(1)
})
dht.listen(6881, bind)
dht.on('ready', () => {
  const salt = saltHex ? Buffer.from(saltHex, 'hex') : undefined
  const opts = {
    k: publicKey,
    v: { ih: Buffer.from(ihHex, 'hex') },
    seq: Number(seqText),
    sign: (buffer) => crypto.sign(null, buffer, secret)
  }
  if (salt) opts.salt = salt
  dht.put(opts, (err, target, nodes) => {
    clearTimeout(timer)
    console.log(JSON.stringify({ key: publicKey.toString('hex'), target: target && target.toString('hex'), nodes, error: err ? String(err) : undefined }))
    dht.destroy(() => process.exit(err ? 1 : 0))
  })
})
