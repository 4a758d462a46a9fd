// build(t): the app on its own fresh database, with logs captured in memory, torn down with the test.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { loggerOptions } from '../../src/logging.js'
import { createSecretBox } from '../../src/crypto/secrets.js'
import type { BoardRegistry } from '../../src/boards/registry.js'
import type { Resolve } from '../../src/net/outbound.js'
import tap from 'tap'
import { createTestDb, type TestDb } from './db.js'
import { checkResponse } from './openapi-check.js'

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop'
export const SECRETS_KEY = 'test:' + Buffer.alloc(32, 7).toString('base64')
/** OUTBOUND_ALLOW of the test apps: their receivers' address */
export const TEST_OUTBOUND_ALLOW = '127.0.0.1/32'

/** the test apps' DNS: no name resolves (tests stay off the network); tests that need names pass their own */
export const noDns: Resolve = async hostname => { throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }) }

interface Teardown { teardown: (fn: () => unknown) => void }

export interface TestApp {
  app: FastifyInstance
  db: TestDb['db']
  /** shared by every test of the file: use unique data */
  dbHandle: TestDb
  config: Config
  /** every log line the app wrote, as text */
  logs: string[]
  adminKey: string
  /** a new tenant with a key: unique per call, so tests do not step on each other */
  tenant: (name?: string) => Promise<{ id: string, key: string, keyId: string }>
}

let fileDb: Promise<TestDb> | undefined

/** the test file's database: created and migrated on first use, dropped when the file ends */
export async function testFileDb (): Promise<TestDb> {
  if (fileDb === undefined) {
    fileDb = createTestDb()
    const pending = fileDb
    tap.teardown(async () => {
      const handle = await pending
      await handle.close()
      await handle.drop()
    })
  }
  return await fileDb
}

let appCount = 0

export interface BuildOptions {
  env?: Record<string, string>
  /** board adapters to use instead of the real registry */
  boards?: BoardRegistry
  /** a database of its own, for tests that break it */
  ownDb?: boolean
  /** how the outbound policy resolves host names (a test's DNS) */
  resolve?: Resolve
}

export async function build (t: Teardown, { env = {}, ownDb = false, boards, resolve = noDns }: BuildOptions = {}): Promise<TestApp> {
  const dbHandle = ownDb ? await createTestDb() : await testFileDb()
  // the tests' webhook receivers and fakes listen on 127.0.0.1: the outbound policy lets that one
  // address through (as an operator would with OUTBOUND_ALLOW), and nothing else internal. Every
  // inject comes from one address: tests that send many wrong keys on purpose (a revoked key on
  // every route) are not about the failed-authentication budget, which its own tests set
  const config = loadConfig({ LOG_LEVEL: 'info', ADMIN_API_KEY: ADMIN_KEY, OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW, AUTH_FAILURES_MAX: '100000', ...env })
  const logs: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(chunk.toString('utf8')); done() } })
  const logger = pino(loggerOptions(config.logLevel), stream)
  const app = await buildApp({ config, db: dbHandle.db, secrets: createSecretBox(SECRETS_KEY), logger, boards, resolve })
  await app.ready()
  checkResponsesAgainstDocument(app)
  t.teardown(async () => {
    await app.close()
    if (ownDb) { await dbHandle.close(); await dbHandle.drop() }
  })

  const appNo = ++appCount
  let tenants = 0
  const tenant = async (name = `tenant ${appNo}.${++tenants}`) => {
    const created = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(ADMIN_KEY), payload: { name } })
    if (created.statusCode !== 201) throw new Error(`tenant create failed: ${created.body}`)
    const id = created.json().id as string
    const issued = await app.inject({ method: 'POST', url: `/v1/admin/tenants/${id}/api-keys`, headers: bearer(ADMIN_KEY), payload: { name: 'test' } })
    if (issued.statusCode !== 201) throw new Error(`key issue failed: ${issued.body}`)
    return { id, key: issued.json().key as string, keyId: issued.json().id as string }
  }

  return { app, db: dbHandle.db, dbHandle, config, logs, adminKey: ADMIN_KEY, tenant }
}

/** every app.inject of the app answers only what openapi/openapi.json documents, or rejects saying what differs */
export function checkResponsesAgainstDocument (app: FastifyInstance): void {
  const inject = app.inject.bind(app) as (options: InjectOptions | string) => Promise<LightMyRequestResponse>
  const checked = async (options: InjectOptions | string): Promise<LightMyRequestResponse> => {
    const res = await inject(options)
    const method = typeof options === 'string' ? 'GET' : options.method ?? 'GET'
    const url = typeof options === 'string' ? options : String(options.url ?? options.path ?? '/')
    const mismatch = checkResponse(String(method), url, res)
    if (mismatch !== undefined) throw new Error(`the response differs from openapi/openapi.json: ${mismatch}`)
    return res
  }
  // the one-argument promise form is what the tests use; the others pass through unchecked
  app.inject = ((...args: unknown[]) => args.length === 1 ? checked(args[0] as InjectOptions | string) : (inject as (...a: unknown[]) => unknown)(...args)) as typeof app.inject
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

/** asserts the common shape of a problem+json response and returns the parsed body */
export function problemOf (res: LightMyRequestResponse): Record<string, any> {
  const type = String(res.headers['content-type'])
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}: ${res.body}`)
  return res.json()
}
