// API keys look like `jsk_<prefix>_<secret>`. Only the SHA-256 of the whole key is stored;
// the prefix is visible (ops can tell keys apart in lists and logs) and finds the row.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const KEY_PATTERN = /^jsk_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/

export interface GeneratedKey {
  key: string
  prefix: string
  hash: Buffer
}

export function hashApiKey (key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest()
}

export function generateApiKey (): GeneratedKey {
  // 10 characters of base36 from 8 random bytes: short, unambiguous, unique enough for an index
  const prefix = randomBytes(8).readBigUInt64BE().toString(36).padStart(10, '0').slice(-10)
  const key = `jsk_${prefix}_${randomBytes(32).toString('base64url')}`
  return { key, prefix, hash: hashApiKey(key) }
}

/** the prefix of a well-formed key, or undefined */
export function keyPrefix (key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1]
}

export function sameKey (candidate: string, storedHash: Buffer): boolean {
  const hash = hashApiKey(candidate)
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash)
}
