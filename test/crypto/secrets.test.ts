import t from 'tap'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { createSecretBox, loadOrCreateKeyFile, parseKey } from '../../src/crypto/secrets.js'

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`

t.test('sealed credentials open with the same key and hide the plain text', async t => {
  const box = createSecretBox(newKey('k1'))
  const sealed = box.seal({ password: 'hunter2-very-secret' })
  t.equal(sealed.keyId, 'k1')
  t.notOk(sealed.data.toString('utf8').includes('hunter2'), 'no plain text in the sealed bytes')
  t.same(box.open(sealed), { password: 'hunter2-very-secret' })
  t.not(box.seal({ a: 1 }).data.toString('hex'), box.seal({ a: 1 }).data.toString('hex'), 'a fresh nonce each time')
})

t.test('tampered data or an unknown key id fail loudly without the secret', async t => {
  const box = createSecretBox(newKey('k1'))
  const sealed = box.seal({ token: 'abc' })
  const flipped = Buffer.from(sealed.data)
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1
  t.throws(() => box.open({ keyId: 'k1', data: flipped }), { name: 'SecretsError', message: /failed to open/ })
  t.throws(() => box.open({ keyId: 'other', data: sealed.data }), { message: /SECRETS_KEY_PREVIOUS/ })
})

t.test('rotation: the new key seals, old rows still open with the previous key', async t => {
  const oldKey = newKey('2025')
  const sealedBefore = createSecretBox(oldKey).seal({ apiKey: 'old' })
  const rotated = createSecretBox(newKey('2026'), [oldKey])
  t.equal(rotated.keyId, '2026')
  t.same(rotated.open(sealedBefore), { apiKey: 'old' })
  t.equal(rotated.seal({}).keyId, '2026')
})

t.test('keys must be 32 bytes; a plain base64 key gets a derived id', async t => {
  t.throws(() => parseKey(Buffer.alloc(16).toString('base64')), { message: /32 bytes/ })
  t.match(parseKey(randomBytes(32).toString('base64')).id, /^[0-9a-f]{8}$/)
})

t.test('the embedded key file is created once with mode 0600', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jobsync-keys-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const first = await loadOrCreateKeyFile(dir)
  const second = await loadOrCreateKeyFile(dir)
  t.equal(first, second, 'later starts read the same key')
  t.equal((await stat(path.join(dir, 'secrets.key'))).mode & 0o777, 0o600)
  t.same(createSecretBox(first).open(createSecretBox(second).seal({ x: 1 })), { x: 1 })
})

t.test('signatures verify only for the same purpose and data', async t => {
  const box = createSecretBox(newKey('k'))
  const signature = box.sign('oauth-state', 'payload')
  t.ok(box.verify('oauth-state', 'payload', signature))
  t.notOk(box.verify('oauth-state', 'payload2', signature))
  t.notOk(box.verify('other', 'payload', signature))
})
