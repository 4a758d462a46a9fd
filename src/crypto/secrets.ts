// Board credentials at rest: AES-256-GCM with a random 96-bit nonce per value, the key id stored
// beside the ciphertext so keys can be rotated (new writes use the current key, old rows still
// open with SECRETS_KEY_PREVIOUS until they are rewritten). A value may be bound to where it is
// stored (`context`, authenticated as associated data): it then opens only with the same context,
// so a sealed value copied into another row does not open there.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface SealedSecret {
  keyId: string
  /** nonce (12) ‖ auth tag (16) ‖ ciphertext */
  data: Buffer
}

interface Key { id: string, bytes: Buffer }

export class SecretsError extends Error {
  override name = 'SecretsError'
}

/** "keyId:base64" or plain base64 (then the id is derived from the key) */
export function parseKey (text: string): Key {
  const separator = text.lastIndexOf(':')
  const encoded = separator === -1 ? text : text.slice(separator + 1)
  const bytes = Buffer.from(encoded, 'base64')
  if (bytes.length !== 32) throw new SecretsError('a secrets key must be 32 bytes, base64-encoded')
  const id = separator === -1 ? createHash('sha256').update(bytes).digest('hex').slice(0, 8) : text.slice(0, separator)
  return { id, bytes }
}

export function createSecretBox (current: string, previous: string[] = []) {
  const key = parseKey(current)
  const keys = new Map<string, Buffer>([[key.id, key.bytes]])
  for (const old of previous) {
    const parsed = parseKey(old)
    if (!keys.has(parsed.id)) keys.set(parsed.id, parsed.bytes)
  }

  return {
    keyId: key.id,

    /** `context` names where the value is stored (e.g. its table, tenant and row); open must be given the same */
    seal (value: unknown, context?: string): SealedSecret {
      const nonce = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce)
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
      return { keyId: key.id, data: Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]) }
    },

    /** HMAC-SHA256 with a key derived from the current key for one purpose (e.g. OAuth state) */
    sign (purpose: string, data: string): string {
      const macKey = Buffer.from(hkdfSync('sha256', key.bytes, Buffer.alloc(0), `jobsync:${purpose}`, 32))
      return createHmac('sha256', macKey).update(data).digest('base64url')
    },

    verify (purpose: string, data: string, signature: string): boolean {
      const expected = Buffer.from(this.sign(purpose, data))
      const given = Buffer.from(signature)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },

    open<T = unknown> (sealed: SealedSecret, context?: string): T {
      const bytes = keys.get(sealed.keyId)
      if (bytes === undefined) throw new SecretsError(`no secrets key with id ${sealed.keyId}: add it to SECRETS_KEY_PREVIOUS`)
      const nonce = sealed.data.subarray(0, 12)
      const tag = sealed.data.subarray(12, 28)
      const decipher = createDecipheriv('aes-256-gcm', bytes, nonce)
      decipher.setAuthTag(tag)
      if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'))
      try {
        const plain = Buffer.concat([decipher.update(sealed.data.subarray(28)), decipher.final()])
        return JSON.parse(plain.toString('utf8')) as T
      } catch {
        throw new SecretsError(`credentials sealed with key ${sealed.keyId} failed to open (wrong key, tampered data, or data of another row)`)
      }
    }
  }
}

export type SecretBox = ReturnType<typeof createSecretBox>

/**
 * The key for the embedded database when SECRETS_KEY is unset: generated once into DATA_DIR with
 * mode 0600 and read back on later starts.
 */
export async function loadOrCreateKeyFile (dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'secrets.key')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const key = `local-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`
  await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' })
  await chmod(file, 0o600)
  return key
}
