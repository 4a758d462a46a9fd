// The posting's life on the sandbox board, for tests: an app with a tenant, publishing on the
// sandbox, driving the scheduler, making things due, and reading what the host was told (the
// transitions and the outbox). `sandboxVariant` builds the sandbox with some of its calls replaced
// (a board that fails, blocks or lacks a capability) as the registry would assemble it.
import { createSandboxAdapter } from '../../src/boards/sandbox/adapter.js'
import { sandbox as sandboxBoard } from '../../src/boards/sandbox/index.js'
import { assembleBoard, type BoardRegistry } from '../../src/boards/registry.js'
import type { BoardCapabilities, BoardImplementation } from '../../src/boards/types.js'
import { build, bearer, type BuildOptions, type TestApp } from './app.js'
import { LONG_DESCRIPTION, type Call } from './publishing.js'

type Teardown = Parameters<typeof build>[0]

export interface Publication { id: string, status: string, posting: { state: string, externalId: string | null, expiresAt: string | null, reason: string | null }, error: { code: string, detail: string } | null, [key: string]: unknown }

export interface SandboxApp extends TestApp {
  call: Call
  tenantId: string
  integrationId: string
  /** publishes a new job on the sandbox with these fields; the publication */
  publish: (fields: Record<string, unknown>, options?: { publish?: boolean }) => Promise<Publication>
  get: (id: string) => Promise<Publication>
  /** scheduler ticks until the tenant has no sync due, and everything they started */
  settle: () => Promise<void>
  /** the publication's sync is due now */
  syncDue: (id: string) => Promise<void>
  /** the publication's posting check is due now */
  checkDue: (id: string) => Promise<void>
  runs: (id: string) => Promise<Array<{ status: string, trigger: string, created: number, updated: number, fetched: number, error: { code: string, detail: string } | null }>>
  transitions: (id: string) => Promise<Array<{ event: string, from: string | null, to: string, postingFrom: string | null, postingTo: string, reason: string | null, actor: string }>>
  /** the outbox events of the publication, oldest first */
  events: (id: string) => Promise<Array<{ type: string, data: Record<string, any> }>>
}

let jobs = 0

export async function sandboxApp (t: Teardown, options: BuildOptions = {}): Promise<SandboxApp> {
  const app = await build(t, options)
  const { id: tenantId, key } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  const installed = await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sandbox', credentials: { accountName: `life-${tenantId}` } })
  if (installed.statusCode !== 201) throw new Error(installed.body)
  const integrationId = installed.json().id as string
  const due = { next_sync_at: () => ({ next_sync_at: new Date(Date.now() - 1000) }), posting_check_at: () => ({ posting_check_at: new Date(Date.now() - 1000) }) }
  return {
    ...app,
    call,
    tenantId,
    integrationId,
    async publish (fields, { publish = true } = {}) {
      const hostJobId = `life-${process.pid}-${++jobs}`
      await call('PUT', `/v1/jobs/${hostJobId}`, { title: `Job ${hostJobId}`, description: LONG_DESCRIPTION })
      const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields, publicationType: 'standard', publish })
      if (res.statusCode !== 201) throw new Error(res.body)
      return res.json()
    },
    async get (id) {
      return (await call('GET', `/v1/publications/${id}`)).json()
    },
    async settle () {
      // one run per account at a time: a tick gives the account's other due publications back, so tick until none is left
      for (let round = 0; round < 20; round++) {
        await app.app.scheduler.tick()
        await app.app.scheduler.idle()
        const due = await app.db.selectFrom('publications').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'published')
          .where('next_sync_at', '<=', new Date()).limit(1).execute()
        if (due.length === 0) return
      }
    },
    async syncDue (id) {
      await app.db.updateTable('publications').set(due.next_sync_at()).where('id', '=', id).execute()
    },
    async checkDue (id) {
      await app.db.updateTable('publications').set(due.posting_check_at()).where('id', '=', id).execute()
    },
    async runs (id) {
      return (await call('GET', `/v1/publications/${id}/sync-runs`)).json().items
    },
    async transitions (id) {
      return (await call('GET', `/v1/publications/${id}/transitions`)).json().items
    },
    async events (id) {
      const rows = await app.db.selectFrom('outbox_events').select(['type', 'payload']).where('subject', '=', `publication:${id}`).orderBy('id').execute()
      return rows.map(r => ({ type: r.type, data: r.payload as Record<string, any> }))
    }
  }
}

/** the sandbox with some calls replaced and some capabilities changed, as the registry assembles a board */
export function sandboxVariant (overrides: (sandbox: BoardImplementation) => Partial<BoardImplementation>, capabilities: Partial<BoardCapabilities> = {}): BoardRegistry {
  const base = createSandboxAdapter() as BoardImplementation
  const implementation = { ...base, ...overrides(base) } as BoardImplementation
  const definition = { ...sandboxBoard, capabilities: { ...sandboxBoard.capabilities, ...capabilities } }
  return new Map([['sandbox', assembleBoard(definition, implementation)]])
}
