// The OpenAPI document as committed in openapi/openapi.json: built from a throwaway app on an
// in-memory database with fixed board URLs, so the output depends on the route schemas only.
import { pino } from 'pino'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { createEmbeddedDb } from './db/index.js'
import { createSecretBox } from './crypto/secrets.js'
import { randomBytes } from 'node:crypto'

export async function generateOpenApi (): Promise<string> {
  const handle = await createEmbeddedDb(undefined)
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db: handle.db, secrets: createSecretBox(randomBytes(32).toString('base64')), logger: pino({ level: 'silent' }) })
  try {
    await app.ready()
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
    await handle.close()
  }
}
