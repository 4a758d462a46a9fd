// Installed board accounts. Credentials are checked against the board before anything is stored,
// kept sealed (AES-256-GCM) in the row, and changed only under the row's lock, so a refreshed
// token or a rotation is never lost or applied twice. The sealed credentials are bound to their
// tenant and row (associated data): copied into another row, they do not open.
import type { FastifyBaseLogger } from 'fastify'
import { Value } from 'typebox/value'
import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/index.js'
import { DuplicateKeyError } from '../../db/errors.js'
import type { Integration, IntegrationError, IntegrationRecruiter } from '../../db/schema.js'
import { AppError, conflict, invalidInput, notFound, type FieldError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import { turnedOff, type BoardRegistry } from '../../boards/registry.js'
import type { AccountSession, BoardAccount, BoardAdapter, BoardId, CredentialStore, Recruiter } from '../../boards/types.js'
import type { SecretBox } from '../../crypto/secrets.js'
import { createdAfter, createdPage } from '../../http/cursor.js'
import type { OAuthState } from '../boards/oauth-state.js'
import * as repo from './repo.js'
import { emit } from '../../outbox/events.js'
import type { CreateIntegrationInput, IntegrationView, ListIntegrationsQuery, RecruiterView, UpdateIntegrationInput } from './schemas.js'

/** an integration's board account, ready for another module to act on: the board, a session with the stored credentials, the account */
export interface OpenedAccount {
  integrationId: string
  tenantId: string
  adapter: BoardAdapter
  session: AccountSession<unknown>
  account: BoardAccount
}

export interface IntegrationServiceDeps {
  db: Db
  boards: BoardRegistry
  secrets: SecretBox
  oauthState: OAuthState
  log: FastifyBaseLogger
}

/** the stored options with the board's defaults; {} for a board without options */
function optionsOf (adapter: BoardAdapter | undefined, stored: Record<string, unknown>): Record<string, unknown> {
  if (adapter?.integrationOptions === undefined) return {}
  return Value.Default(adapter.integrationOptions, structuredClone(stored)) as Record<string, unknown>
}

const toView = (row: Integration, adapter: BoardAdapter | undefined): IntegrationView => ({
  id: row.id,
  board: row.board,
  name: row.name,
  status: row.status,
  account: { externalId: row.account_external_id, name: row.account_name, email: row.account_email },
  credentials: row.credentials_public,
  options: optionsOf(adapter, row.options),
  lastCheckedAt: row.last_checked_at?.toISOString() ?? null,
  lastError: row.last_error,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString()
})

const toRecruiterView = (row: IntegrationRecruiter): RecruiterView => ({
  externalId: row.external_id, name: row.name, email: row.email, isAdmin: row.is_admin, syncedAt: row.synced_at.toISOString()
})


/** what a board's refusal makes of the integration */
const failedStatus = (error: BoardError): Integration['status'] =>
  error.kind === 'no_api_access' ? 'no_api_access' : error.isCredentialProblem ? 'invalid_credentials' : 'error'

function errorRecord (error: BoardError): IntegrationError {
  return { code: error.code, title: error.title, detail: error.message, boardStatus: error.boardStatus ?? null }
}

/** what sealed credentials are bound to: their tenant and their row */
const boundTo = (tenantId: string, id: string) => `integrations:${tenantId}:${id}`

/** a row's credentials, opened as they were sealed: bound to the row, or (older rows) not */
function openCredentials (secrets: SecretBox, row: Pick<Integration, 'id' | 'tenant_id' | 'credentials' | 'credentials_key_id' | 'credentials_bound'>): unknown {
  return secrets.open({ keyId: row.credentials_key_id, data: row.credentials }, row.credentials_bound ? boundTo(row.tenant_id, row.id) : undefined)
}

/** the columns that store credentials sealed for the row */
function sealFor (secrets: SecretBox, tenantId: string, id: string, credentials: unknown) {
  const sealed = secrets.seal(credentials, boundTo(tenantId, id))
  return { credentials: sealed.data, credentials_key_id: sealed.keyId, credentials_bound: true }
}

/**
 * Start-up step: re-seals every integration's credentials that were sealed before rows were bound
 * in (a migration cannot: it may run without SECRETS_KEY). Each row under its lock, so a refresh
 * writing at the same time is not lost; replicas starting together each skip what another did.
 */
export async function resealUnboundCredentials ({ db, secrets, log }: { db: Db, secrets: SecretBox, log: FastifyBaseLogger }): Promise<number> {
  let resealed = 0
  for (;;) {
    const batch = await repo.listUnboundCredentials(db, 100)
    if (batch.length === 0) break
    for (const { id } of batch) {
      resealed += await db.transaction().execute(async trx => {
        const row = await repo.lockIntegration(trx, id)
        if (row === undefined || row.credentials_bound) return 0
        await repo.updateIntegration(trx, row.tenant_id, row.id, sealFor(secrets, row.tenant_id, row.id, openCredentials(secrets, row)))
        return 1
      })
    }
  }
  if (resealed > 0) log.info({ resealed }, 'board credentials re-sealed bound to their rows')
  return resealed
}

/** credentials held in memory only: during install and rotation, before anything is stored */
function transientStore<C> (initial: C): CredentialStore<C> {
  let value = initial
  let queue: Promise<unknown> = Promise.resolve()
  return {
    current: () => value,
    update: async change => {
      const next = queue.then(async () => { value = await change(value); return value })
      queue = next.catch(() => {})
      return await next
    }
  }
}

export function createIntegrationService ({ db, boards, secrets, oauthState, log }: IntegrationServiceDeps) {
  function adapterOf (board: string): BoardAdapter {
    const adapter = boards.get(board)
    if (adapter === undefined) throw turnedOff(boards, board) ?? invalidInput(`unknown board "${board}"`, [{ in: 'body', pointer: '/board', detail: 'is not a known board' }])
    return adapter
  }

  /** validates install input against the board's credentials schema; oauth2 boards also verify the signed state */
  function parseCredentials (tenantId: string, adapter: BoardAdapter, credentials: Record<string, unknown>): unknown {
    let input = credentials
    if (adapter.auth === 'oauth2') {
      const { state, ...rest } = credentials
      if (typeof state !== 'string') {
        throw invalidInput('credentials.state is required: pass the state from the authorize URL', [{ in: 'body', pointer: '/credentials/state', detail: 'is required' }])
      }
      const { redirectUri } = oauthState.verify(tenantId, adapter.id, state)
      input = redirectUri === undefined ? rest : { ...rest, redirectUri }
    }
    const prepared = Value.Default(adapter.credentialsSchema, structuredClone(input))
    if (!Value.Check(adapter.credentialsSchema, prepared)) {
      const errors: FieldError[] = []
      for (const error of Value.Errors(adapter.credentialsSchema, prepared)) {
        const missing = error.keyword === 'required' ? (error.params as { requiredProperties?: string[] }).requiredProperties : undefined
        if (missing !== undefined && missing.length > 0) {
          for (const name of missing) errors.push({ in: 'body', pointer: `/credentials${error.instancePath}/${name}`, detail: 'is required' })
        } else {
          errors.push({ in: 'body', pointer: `/credentials${error.instancePath}`, detail: error.message })
        }
      }
      throw invalidInput(`credentials do not fit the ${adapter.name} board: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors)
    }
    return prepared
  }

  function publicPart (adapter: BoardAdapter, credentials: unknown): Record<string, unknown> {
    const shown: Record<string, unknown> = {}
    for (const field of adapter.publicCredentialFields) {
      const value = (credentials as Record<string, unknown>)[field]
      if (value !== undefined) shown[field] = value
    }
    return shown
  }

  /**
   * `options` of POST/PATCH over the stored ones, checked against the board's integrationOptions;
   * what is stored is what the host gave (defaults are applied when read)
   */
  function parseOptions (adapter: BoardAdapter, given: Record<string, unknown> | undefined, stored: Record<string, unknown> = {}): Record<string, unknown> {
    const merged = { ...stored, ...given }
    if (adapter.integrationOptions === undefined) {
      if (Object.keys(given ?? {}).length === 0) return {}
      throw invalidInput(`the ${adapter.name} board takes no integration options`, [{ in: 'body', pointer: '/options', detail: `${adapter.name} has no integration options` }])
    }
    const prepared = Value.Default(adapter.integrationOptions, structuredClone(merged))
    if (!Value.Check(adapter.integrationOptions, prepared)) {
      const byPointer = new Map<string, FieldError>()
      for (const error of Value.Errors(adapter.integrationOptions, prepared)) {
        const extra = (error.params as { additionalProperties?: string[] }).additionalProperties?.[0]
        const pointer = `/options${error.instancePath}${extra === undefined ? '' : `/${extra}`}`
        // one error a field (the schema may say the same twice)
        if (!byPointer.has(pointer)) byPointer.set(pointer, { in: 'body', pointer, detail: extra === undefined ? error.message : 'is not an option of this board' })
      }
      const errors = [...byPointer.values()]
      throw invalidInput(`options do not fit the ${adapter.name} board: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors)
    }
    return merged
  }

  function session<C> (key: string, credentials: CredentialStore<C>, options?: Record<string, unknown>): AccountSession<C> {
    return { key, credentials, log: log.child({ integration: key }), ...(options === undefined ? {} : { options }) }
  }

  /**
   * Gives up the account's access on the board (hh: DELETE /oauth/token) where the board can. Best
   * effort: a board that is down or refuses does not keep the integration (or old credentials) in
   * place, it is logged for the operator instead.
   */
  async function revokeOnBoard (adapter: BoardAdapter, key: string, credentials: unknown): Promise<void> {
    if (adapter.revoke === undefined) return
    try {
      await adapter.revoke(session(key, transientStore(credentials)))
      log.info({ integration: key, board: adapter.id }, 'board access revoked')
    } catch (error) {
      if (!(error instanceof BoardError)) throw error
      log.warn({ integration: key, board: adapter.id, kind: error.kind }, 'could not revoke the access on the board; it stays valid there until it expires')
    }
  }

  /** the stored credentials of an integration; updates run under the row lock */
  function storedCredentials (row: Integration): CredentialStore<unknown> {
    let value = openCredentials(secrets, row)
    return {
      current: () => value,
      update: async change => {
        value = await db.transaction().execute(async trx => {
          const locked = await repo.lockIntegration(trx, row.id)
          if (locked === undefined) throw notFound('integration', row.id)
          const latest = openCredentials(secrets, locked)
          const next = await change(latest)
          // another caller already did the work (e.g. refreshed the token): nothing to write
          if (next === latest) return next
          await repo.updateIntegration(trx, row.tenant_id, row.id, sealFor(secrets, row.tenant_id, row.id, next))
          return next
        })
        return value
      }
    }
  }

  /** connects, checks the account and pulls its recruiters; nothing is written */
  async function probe (adapter: BoardAdapter, input: unknown) {
    const key = `install:${randomUUID()}`
    const credentials = transientStore(await adapter.connect(input, key))
    const s = session(key, credentials)
    const account = await adapter.checkAccount(s)
    const recruiters = await adapter.listRecruiters(s, account)
    return { credentials: credentials.current(), account, recruiters }
  }

  async function mustFind (tenantId: string, id: string): Promise<Integration> {
    const row = await repo.findIntegration(db, tenantId, id)
    if (row === undefined) throw notFound('integration', id)
    return row
  }

  /** the integration's new status after a board refused it, and the event telling the host */
  async function recordFailure (tenantId: string, id: string, error: BoardError): Promise<Integration | undefined> {
    return await db.transaction().execute(async trx => {
      const updated = await repo.updateIntegration(trx, tenantId, id, {
        status: failedStatus(error), last_checked_at: new Date(), last_error: JSON.stringify(errorRecord(error))
      })
      if (updated !== undefined) {
        await emit(trx, tenantId, 'integration.failed', `integration:${id}`, { integrationId: id, board: updated.board, status: updated.status, error: errorRecord(error) })
      }
      return updated
    })
  }

  async function saveRecruiters (integrationId: string, recruiters: Recruiter[]): Promise<void> {
    await db.transaction().execute(async trx => {
      // two checks at once would both delete and both insert: take turns on the integration row
      await repo.lockIntegration(trx, integrationId)
      await repo.replaceRecruiters(trx, integrationId, recruiters)
    })
  }

  /** an integration's row as an account ready to act on; undefined for no row, or a board no longer listed */
  function opened (row: Integration | undefined): OpenedAccount | undefined {
    const adapter = row === undefined ? undefined : boards.get(row.board)
    if (row === undefined || adapter === undefined) return undefined
    return {
      integrationId: row.id,
      tenantId: row.tenant_id,
      adapter,
      session: session(row.id, storedCredentials(row), adapter.integrationOptions === undefined ? undefined : optionsOf(adapter, row.options)),
      account: { externalId: row.account_external_id ?? '', name: row.account_name ?? '', email: row.account_email }
    }
  }

  return {
    async install (tenantId: string, input: CreateIntegrationInput): Promise<IntegrationView> {
      const adapter = adapterOf(input.board)
      const options = parseOptions(adapter, input.options)
      const parsed = parseCredentials(tenantId, adapter, input.credentials)
      // a BoardError here (wrong key, job-seeker account, board down) leaves nothing behind
      const { credentials, account, recruiters } = await probe(adapter, parsed)
      // the row's id is ours to choose: the credentials are sealed bound to it before it is written
      const id = randomUUID()
      try {
        return toView(await db.transaction().execute(async trx => {
          const row = await repo.insertIntegration(trx, {
            id,
            tenant_id: tenantId,
            board: adapter.id,
            name: input.name,
            status: 'active',
            ...sealFor(secrets, tenantId, id, credentials),
            credentials_public: JSON.stringify(publicPart(adapter, credentials)),
            options: JSON.stringify(options),
            account_external_id: account.externalId,
            account_name: account.name,
            account_email: account.email,
            last_checked_at: new Date()
          })
          await repo.replaceRecruiters(trx, row.id, recruiters)
          log.info({ integration: row.id, board: adapter.id, recruiters: recruiters.length }, 'integration installed')
          return row
        }), adapter)
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          throw conflict(`this ${adapter.name} account (${account.externalId}) is installed already for this tenant`, { board: adapter.id })
        }
        throw error
      }
    },

    async list (tenantId: string, query: ListIntegrationsQuery): Promise<{ items: IntegrationView[], nextCursor: string | null }> {
      const rows = await repo.listIntegrations(db, tenantId, { board: query.board, status: query.status, limit: query.limit + 1, after: createdAfter(query.after) })
      const { page, nextCursor } = createdPage(rows, query.limit)
      return { items: page.map(row => toView(row, boards.get(row.board))), nextCursor }
    },

    async get (tenantId: string, id: string): Promise<IntegrationView> {
      const row = await mustFind(tenantId, id)
      return toView(row, boards.get(row.board))
    },

    async update (tenantId: string, id: string, input: UpdateIntegrationInput): Promise<IntegrationView> {
      const row = await mustFind(tenantId, id)
      const adapter = adapterOf(row.board)
      const options = input.options === undefined ? undefined : JSON.stringify(parseOptions(adapter, input.options, row.options))
      if (input.credentials === undefined) {
        return toView(await repo.updateIntegration(db, tenantId, id, { name: input.name, options }) ?? row, adapter)
      }
      const parsed = parseCredentials(tenantId, adapter, input.credentials)
      const { credentials, account, recruiters } = await probe(adapter, parsed)
      // publications of this integration live on that board account: rotation may not move them
      if (row.account_external_id !== null && account.externalId !== row.account_external_id) {
        throw new AppError({
          code: 'JOBSYNC_ERR_OTHER_ACCOUNT',
          status: 422,
          title: 'Credentials of another account',
          detail: `the new credentials belong to ${adapter.name} account ${account.externalId}, not ${row.account_external_id}; install another integration for it`,
          errors: [{ in: 'body', pointer: '/credentials', detail: 'belongs to another board account' }]
        })
      }
      let previous: unknown
      const updated = await db.transaction().execute(async trx => {
        const locked = await repo.lockIntegration(trx, id)
        if (locked !== undefined) previous = openCredentials(secrets, locked)
        const next = await repo.updateIntegration(trx, tenantId, id, {
          name: input.name,
          options,
          ...sealFor(secrets, tenantId, id, credentials),
          credentials_public: JSON.stringify(publicPart(adapter, credentials)),
          account_name: account.name,
          account_email: account.email,
          status: 'active',
          last_checked_at: new Date(),
          last_error: null
        })
        await repo.replaceRecruiters(trx, id, recruiters)
        return next
      })
      log.info({ integration: id, board: adapter.id }, 'integration credentials rotated')
      // the credentials rotated away are given up on the board (hh: their token revoked)
      if (previous !== undefined) await revokeOnBoard(adapter, id, previous)
      return toView(updated ?? row, adapter)
    },

    async remove (tenantId: string, id: string): Promise<void> {
      const row = await mustFind(tenantId, id)
      // a posting still up on the board through this account would be orphaned: close it first
      const live = await repo.countLivePublications(db, id)
      if (live > 0) {
        throw conflict(`${live} publication(s) are on the board through this integration; close them first (POST /v1/publications/{id}/close)`, { livePublications: live })
      }
      // drafts, errored and closed publications go with it
      if (!await repo.deleteIntegration(db, tenantId, id)) throw notFound('integration', id)
      log.info({ integration: id }, 'integration deleted')
      // nothing of ours holds the account any more: its access is given up on the board too
      const adapter = boards.get(row.board)
      if (adapter !== undefined) await revokeOnBoard(adapter, id, openCredentials(secrets, row))
    },

    /** re-checks the credentials and pulls the recruiters; the outcome is the integration's status */
    async check (tenantId: string, id: string): Promise<IntegrationView> {
      const row = await mustFind(tenantId, id)
      const adapter = adapterOf(row.board)
      const s = session(row.id, storedCredentials(row), adapter.integrationOptions === undefined ? undefined : optionsOf(adapter, row.options))
      let account: BoardAccount
      try {
        account = await adapter.checkAccount(s)
        await saveRecruiters(row.id, await adapter.listRecruiters(s, account))
      } catch (error) {
        if (!(error instanceof BoardError)) throw error
        log.warn({ integration: id, board: adapter.id, kind: error.kind, status: failedStatus(error) }, 'integration check failed')
        return toView(await recordFailure(tenantId, id, error) ?? row, adapter)
      }
      // a passing check puts the integration's publications back on the sync schedule (sync/repo.ts claims)
      return toView(await repo.updateIntegration(db, tenantId, id, {
        status: 'active', account_name: account.name, account_email: account.email, last_checked_at: new Date(), last_error: null
      }) ?? row, adapter)
    },

    async recruiters (tenantId: string, id: string): Promise<RecruiterView[]> {
      const row = await mustFind(tenantId, id)
      return (await repo.listRecruiters(db, row.id)).map(toRecruiterView)
    },

    /**
     * Gives up the tenant's board accounts where the board allows it (adapter `revoke`: hh's OAuth
     * tokens), before the tenant is erased. A board that fails to answer does not stop the erasure:
     * it is logged (board and integration ids, never the credentials) and counted.
     */
    async revokeTenantAccounts (tenantId: string): Promise<{ revoked: number, failed: number }> {
      let revoked = 0
      let failed = 0
      for (const row of await repo.tenantIntegrations(db, tenantId)) {
        const adapter = boards.get(row.board)
        if (adapter?.revoke === undefined) continue
        try {
          await adapter.revoke(session(row.id, storedCredentials(row)))
          revoked++
        } catch (error) {
          failed++
          log.warn({ integration: row.id, board: row.board, kind: error instanceof BoardError ? error.kind : 'error' }, 'revoking the board account failed')
        }
      }
      return { revoked, failed }
    },

    /** a board said the credentials are dead (during a sync): the integration shows it */
    async markFailed (tenantId: string, id: string, error: BoardError): Promise<void> {
      await recordFailure(tenantId, id, error)
    },

    /**
     * The one way other modules (publications, candidates, sync, outcome sharing) reach a board
     * account, ready to call its board: undefined when the tenant has no such integration, or its
     * board is not in this process. `refuseTurnedOff` (what the host asks for through the API): a
     * stored integration of a board this deployment turned off is the 422 that says so, not "not
     * found".
     */
    async openAccount (tenantId: string, integrationId: string, { refuseTurnedOff = false }: { refuseTurnedOff?: boolean } = {}): Promise<OpenedAccount | undefined> {
      const row = await repo.findIntegration(db, tenantId, integrationId)
      const refusal = refuseTurnedOff && row !== undefined ? turnedOff(boards, row.board) : undefined
      if (refusal !== undefined) throw refusal
      return opened(row)
    },

    /**
     * Any working account of the board, whoever's: for what is the same for every account of a
     * board (its catalogues), fetched in the background. The one checked most recently.
     */
    async openAnyActive (board: BoardId): Promise<OpenedAccount | undefined> {
      return opened(await repo.findActiveIntegrationOfBoard(db, board))
    }
  }
}

export type IntegrationService = ReturnType<typeof createIntegrationService>
