// Secret scans: the secrets that crossed the wire to the fake boards, and a check that none of a
// list of secrets appears in plain text in any of the places given (responses, logs, database).
import type { Db } from '../../src/db/index.js'
import type { FakeServer } from '../fakes/fake-server.js'
import { FAKE_BOARD_IDS, fakeDefinition } from '../fakes/index.js'
import type { FakeBoards } from './boards.js'
import { databaseContents } from './db-contents.js'

const SECRET_FIELDS = ['refresh_token', 'access_token', 'client_secret', 'code', 'password', 'apiKey', 'api_key', 'token']

/** every token, password and code sent to the fakes' servers (tokens the boards issued come back in later requests) */
export function secretsSentTo (servers: Iterable<FakeServer>): Set<string> {
  const secrets = new Set<string>()
  for (const server of servers) {
    for (const request of server.requests) {
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value !== 'string') continue
        if (name === 'authorization') secrets.add(value.replace(/^(Bearer|Basic|Token)\s+/i, ''))
        else if (/key|token|secret/i.test(name)) secrets.add(value)
      }
      const body = request.body as Record<string, unknown> | undefined
      for (const field of SECRET_FIELDS) {
        if (typeof body?.[field] === 'string') secrets.add(body[field] as string)
      }
    }
  }
  secrets.delete('')
  return secrets
}

/** every token, password and code the app sent to a fake board, and the secrets the fakes gave it otherwise */
export function secretsSentToBoards (boards: FakeBoards): Set<string> {
  const fakes = FAKE_BOARD_IDS.map(id => ({ definition: fakeDefinition(id), fake: boards[id] }))
  const secrets = secretsSentTo(fakes.flatMap(({ definition, fake }) => definition.servers(fake)))
  for (const { definition, fake } of fakes) for (const secret of definition.secrets?.(fake) ?? []) secrets.add(secret)
  return secrets
}

/** every column of every table as text, one long string */
export async function databaseText (db: Db): Promise<string> {
  return [...(await databaseContents(db)).entries()].map(([table, rows]) => `${table}\n${rows.join('\n')}`).join('\n')
}

interface Assert { notOk: (value: unknown, message: string) => void }

/** fails once per secret found in a place, naming the secret by its first characters only */
export function assertNoSecrets (t: Assert, secrets: Iterable<string>, places: Record<string, string>): void {
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      t.notOk(text.includes(secret), `secret ${secret.slice(0, 4)}… (${secret.length} chars) not in ${where}`)
    }
  }
}

/** an API key and its secret part (`jsk_<prefix>_<secret>`: the secret may contain '_', so by position) */
export const apiKeyParts = (key: string): string[] => key.startsWith('jsk_') ? [key, key.slice('jsk_'.length + 11)] : [key]
