// The boards' catalogues for the host's publish form. A board-wide catalogue (hh areas) is fetched
// once through whichever account asks first, stored in Postgres and refreshed at most every
// DICTIONARY_REFRESH_HOURS; an account's own (hh addresses) is cached per integration for
// DICTIONARY_ACCOUNT_TTL_SECONDS. A request is never held up by a refresh when a stored copy
// exists: it is served from the copy, which is refreshed in the background (conditionally, with the
// board's validators). Only with nothing stored does a request wait for the board.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'
import type { Db } from '../../db/index.js'
import type { DictionaryCopy } from '../../db/schema.js'
import { AppError, invalidInput, notFound, type FieldError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import { boardName, turnedOff } from '../../boards/registry.js'
import type { BoardAdapter, DictionaryDefinition, DictionaryItem, DictionaryLookup } from '../../boards/types.js'
import { decodeCursor, encodeCursor } from '../../http/cursor.js'
import type { IntegrationService, OpenedAccount } from '../integrations/service.js'
import * as repo from './repo.js'
import type { DictionaryItemsQuery, DictionaryListView, DictionaryPageView } from './schemas.js'
import { searchName } from './search-name.js'
import { ShortCache } from './short-cache.js'

export interface DictionaryServiceDeps {
  db: Db
  integrations: Pick<IntegrationService, 'get' | 'openAccount' | 'openAnyActive' | 'markFailed'>
  boards: ReadonlyMap<string, BoardAdapter>
  config: Config['dictionaries']
  log: FastifyBaseLogger
}

/** how long this process remembers the board of a tenant's integration */
const MEMO_MS = 5_000
/** a replica refreshing a copy holds it this long at most; a crashed one's hold lapses */
const REFRESH_HOLD_MS = 5 * 60_000
/** the most items a name can mean, as mapping candidates */
const LOOKUP_LIMIT = 20

/** where a board field takes its ids from: its `x-dictionary`, on the field or on its items (a list of ids) */
export function dictionaryOfField (schema: unknown): { name: string, many: boolean } | undefined {
  const s = schema as { 'x-dictionary'?: unknown, items?: { 'x-dictionary'?: unknown }, anyOf?: unknown[] } | undefined
  if (s === undefined || s === null) return undefined
  if (typeof s['x-dictionary'] === 'string') return { name: s['x-dictionary'], many: false }
  if (typeof s.items?.['x-dictionary'] === 'string') return { name: s.items['x-dictionary'], many: true }
  // a nullable field: Union([T, Null])
  for (const branch of s.anyOf ?? []) {
    const found = dictionaryOfField(branch)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The account a catalogue is asked for: whose it is, and how to open it. A stored copy is read
 * without opening the account (no credentials are decrypted); only a fetch opens it.
 */
interface Asker {
  adapter: BoardAdapter
  tenantId: string
  integrationId: string
  open: () => Promise<OpenedAccount>
}

const unknownDictionary = (adapter: BoardAdapter, name: string) => new AppError({
  code: 'JOBSYNC_ERR_NOT_FOUND',
  status: 404,
  title: 'Not Found',
  detail: `${adapter.name} has no dictionary ${name}`,
  errors: [{ in: 'path', pointer: '/name', detail: `is not a dictionary of ${adapter.name} (${adapter.dictionaries.length === 0 ? 'it has none' : `one of: ${adapter.dictionaries.map(d => d.name).join(', ')}`})` }]
})

export function createDictionaryService ({ db, integrations, boards, config, log }: DictionaryServiceDeps) {
  /** refreshes under way in this process, by copy key: one at a time per copy */
  const refreshing = new Map<string, Promise<void>>()

  const askerOf = (opened: OpenedAccount): Asker => ({ adapter: opened.adapter, tenantId: opened.tenantId, integrationId: opened.integrationId, open: async () => opened })

  const keyOf = (asker: Asker, definition: DictionaryDefinition): repo.CopyKey => ({
    board: asker.adapter.id, name: definition.name, integrationId: definition.scope === 'account' ? asker.integrationId : null
  })
  const keyText = (key: repo.CopyKey) => `${key.board}/${key.name}/${key.integrationId ?? ''}`
  const maxAge = (definition: DictionaryDefinition) => definition.scope === 'account' ? config.accountTtlMs : config.refreshMs

  // A search is one statement when this process knows the board of the tenant's integration (it
  // never changes; a deleted integration's board is remembered a few seconds longer, and its own
  // catalogues go with it). The copy and its items are always read from the database.
  const boardsOfIntegrations = new ShortCache<string, string>(MEMO_MS)

  function definitionOf (adapter: BoardAdapter, name: string): DictionaryDefinition | undefined {
    return adapter.dictionaries.find(d => d.name === name)
  }

  /** a board refused the account: the integration says so, as when a sync meets it */
  async function noteFailure (opened: OpenedAccount, error: unknown): Promise<void> {
    if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(opened.tenantId, opened.integrationId, error)
  }

  /** asks the board for the catalogue (conditionally when `stored`) and stores what it gives */
  async function fetchAndStore (opened: OpenedAccount, definition: DictionaryDefinition, stored: DictionaryCopy | undefined): Promise<DictionaryCopy> {
    const { adapter, session, account } = opened
    const key = keyOf(askerOf(opened), definition)
    const version = stored === undefined ? null : { etag: stored.etag, lastModified: stored.last_modified }
    let fetched
    try {
      fetched = await adapter.fetchDictionary(session, account, definition.name, version)
    } catch (error) {
      await noteFailure(opened, error)
      throw error
    }
    const now = new Date()
    if (fetched.notModified) {
      if (stored === undefined) {
        throw new BoardError({ board: adapter.id, kind: 'bad_response', detail: `${adapter.name} said dictionary ${definition.name} is not modified, but we hold no copy of it` })
      }
      return await repo.markChecked(db, stored.id, now) ?? stored
    }
    const copy = await repo.storeVersion(db, key, fetched.items, fetched.version, now)
    log.info({ board: key.board, dictionary: key.name, integration: key.integrationId ?? undefined, items: copy.item_count }, 'dictionary stored')
    return copy
  }

  /** refreshes a stored copy unless another replica (or this process) is at it; never throws */
  function refreshInBackground (asker: Asker, definition: DictionaryDefinition, stored: repo.CopyAge): void {
    const key = keyOf(asker, definition)
    const text = keyText(key)
    if (refreshing.has(text)) return
    const run = (async () => {
      const claimed = await repo.claimRefresh(db, stored.id, new Date(Date.now() - maxAge(definition)), new Date(Date.now() + REFRESH_HOLD_MS))
      if (claimed === undefined) return
      try {
        await fetchAndStore(await asker.open(), definition, claimed)
      } catch (error) {
        await repo.releaseRefresh(db, stored.id)
        throw error
      }
    })().catch((error: unknown) => {
      // the stored copy goes on serving; the next request or the schedule tries again
      log.warn({ board: key.board, dictionary: key.name, err: error instanceof BoardError ? error.message : error }, 'dictionary refresh failed')
    }).finally(() => { refreshing.delete(text) })
    refreshing.set(text, run)
  }

  /**
   * The stored copy of the catalogue, refreshed in the background when it is due; fetched through
   * this account (and waited for) only when nothing is stored. Throws the board's error then.
   */
  async function copyFor (asker: Asker, definition: DictionaryDefinition): Promise<repo.CopyAge> {
    return await served(asker, definition, await repo.findCopy(db, keyOf(asker, definition)))
  }

  /** the copy as read (`stored`), refreshed in the background when due; fetched now when there is none */
  async function served (asker: Asker, definition: DictionaryDefinition, stored: repo.CopyAge | undefined): Promise<repo.CopyAge> {
    if (stored === undefined) return await fetchAndStore(await asker.open(), definition, undefined)
    if (Date.now() - stored.checked_at.getTime() >= maxAge(definition)) refreshInBackground(asker, definition, stored)
    return stored
  }

  /** the account of an integration of the tenant; 404 when there is none */
  async function mustOpen (tenantId: string, integrationId: string): Promise<OpenedAccount> {
    const opened = await integrations.openAccount(tenantId, integrationId, { refuseTurnedOff: true })
    if (opened === undefined) throw notFound('integration', integrationId)
    return opened
  }

  /** the tenant's integration as an asker, without opening it while its board is known here */
  async function askerFor (tenantId: string, integrationId: string): Promise<Asker> {
    const memo = `${tenantId}/${integrationId}`
    let board = boardsOfIntegrations.get(memo)
    if (board === undefined) {
      board = (await integrations.get(tenantId, integrationId)).board
      boardsOfIntegrations.set(memo, board)
    }
    const adapter = boards.get(board)
    // a board this deployment turned off (the sandbox with SANDBOX_ENABLED=false) says so
    if (adapter === undefined) throw turnedOff(boards, board) ?? notFound('integration', integrationId)
    return { adapter, tenantId, integrationId, open: async () => await mustOpen(tenantId, integrationId) }
  }

  function decodeAfter (after: string | undefined): { rank: number, position: number } | undefined {
    if (after === undefined) return undefined
    const [rank, position] = decodeCursor(after, ['number', 'number']) as [number, number]
    if (!Number.isInteger(rank) || !Number.isInteger(position)) throw invalidInput('after is not a cursor this list gave out', [{ in: 'query', pointer: '/after', detail: 'is not a valid cursor' }])
    return { rank, position }
  }

  const service = {
    /** every board's dictionary names, sorted, once each */
    names (): string[] {
      return [...new Set([...boards.values()].flatMap(adapter => adapter.dictionaries.map(d => d.name)))].sort()
    },

    /** the catalogues the integration's board has */
    async list (tenantId: string, integrationId: string): Promise<DictionaryListView> {
      const { adapter } = await askerFor(tenantId, integrationId)
      return {
        items: adapter.dictionaries.map(d => ({ name: d.name, title: d.title, hierarchical: d.hierarchical, searchable: d.searchable, scope: d.scope }))
      }
    },

    /** a page of the catalogue's items: searched by name (`q`), narrowed to children (`parentId`) */
    async items (tenantId: string, integrationId: string, name: string, query: DictionaryItemsQuery): Promise<DictionaryPageView> {
      const asker = await askerFor(tenantId, integrationId)
      const { adapter } = asker
      const definition = definitionOf(adapter, name)
      if (definition === undefined) throw unknownDictionary(adapter, name)
      const after = decodeAfter(query.after)
      const q = query.q === undefined ? undefined : searchName(query.q)
      const key = keyOf(asker, definition)
      const search = { q: q === '' ? undefined : q, parentId: query.parentId, after, limit: query.limit + 1 }
      // the copy and the page in one statement
      const found = await repo.pageOf(db, key, search)
      let rows = found.items
      const copy = await served(asker, definition, found.copy)
      // nothing was stored: the page of what was fetched just now
      if (found.copy === undefined) rows = (await repo.pageOf(db, key, search)).items
      const page = rows.slice(0, query.limit)
      if (page.length === 0 && query.parentId !== undefined && query.parentId !== '' && after === undefined) {
        // an empty page may mean a parent that is not there: say so rather than list nothing
        if ((await repo.existingIds(db, copy.id, [query.parentId])).size === 0) {
          throw invalidInput(`${query.parentId} is not an id of dictionary ${name} of ${adapter.name}`, [{ in: 'query', pointer: '/parentId', detail: `is not an id of dictionary ${name} of ${adapter.name}` }])
        }
      }
      const last = page[page.length - 1]
      return {
        items: page.map(r => ({ id: r.id, name: r.name, parentId: r.parent_id })),
        nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor([Number(last.rank), last.position]) : null,
        fetchedAt: copy.fetched_at.toISOString(),
        checkedAt: copy.checked_at.toISOString()
      }
    },

    /** what a board's mapping looks names up in, through this account */
    lookupFor (opened: OpenedAccount): DictionaryLookup {
      const copies = new Map<string, Promise<repo.CopyAge>>()
      return {
        async find (name: string, text: string): Promise<DictionaryItem[]> {
          const definition = definitionOf(opened.adapter, name)
          if (definition === undefined) throw new Error(`board ${opened.adapter.id} looks up dictionary ${name}, which it does not list`)
          const folded = searchName(text)
          if (folded === '') return []
          let copy = copies.get(name)
          if (copy === undefined) {
            copy = copyFor(askerOf(opened), definition)
            copies.set(name, copy)
          }
          return await repo.itemsNamed(db, (await copy).id, folded, LOOKUP_LIMIT)
        }
      }
    },

    /**
     * Field errors of `fields` whose values must be ids of a board catalogue (`x-dictionary`) and are
     * not in it. A catalogue that is not stored and cannot be fetched is not checked: the board
     * itself refuses a wrong id when it is sent.
     */
    async fieldIdErrors (opened: OpenedAccount, fields: Record<string, unknown>, prefix = '/fields'): Promise<FieldError[]> {
      const { adapter } = opened
      const errors: FieldError[] = []
      for (const [field, schema] of Object.entries(adapter.publicationFields.properties)) {
        const source = dictionaryOfField(schema)
        const value = fields[field]
        if (source === undefined || value === undefined || value === null) continue
        const definition = definitionOf(adapter, source.name)
        if (definition === undefined) continue
        const given: Array<[string, string]> = []
        const values = source.many && Array.isArray(value) ? value : [value]
        values.forEach((v, i) => {
          // another type is the schema's error to report
          if (typeof v === 'string' || typeof v === 'number') given.push([source.many && Array.isArray(value) ? `${prefix}/${field}/${i}` : `${prefix}/${field}`, String(v)])
        })
        if (given.length === 0) continue
        let copy: repo.CopyAge
        try {
          copy = await copyFor(askerOf(opened), definition)
        } catch (error) {
          if (!(error instanceof BoardError)) throw error
          log.warn({ board: adapter.id, dictionary: definition.name, kind: error.kind }, 'dictionary unavailable: field ids not checked')
          continue
        }
        const known = await repo.existingIds(db, copy.id, given.map(([, id]) => id))
        const unknown = given.filter(([, id]) => !known.has(id))
        if (unknown.length === 0) continue
        const elsewhere = await repo.idsElsewhere(db, adapter.id, unknown.map(([, id]) => id))
        for (const [pointer, id] of unknown) {
          const others = elsewhere.filter(e => e.id === id).map(e => `${boardName(e.board)} ${e.name}`)
          errors.push({
            in: 'body',
            pointer,
            detail: `${JSON.stringify(id)} is not an id of dictionary ${definition.name} of ${adapter.name}` +
              (others.length === 0 ? '' : ` (it is an id of ${others.slice(0, 3).join(', ')}: another board's)`)
          })
        }
      }
      return errors
    },

    /**
     * One round of the scheduled refresh: every board-wide catalogue of every board that has a working
     * account, fetched when it is not stored yet or was last checked DICTIONARY_REFRESH_HOURS ago, through
     * any working account of that board. Returns how many catalogues were asked of a board.
     */
    async refreshDue (): Promise<{ refreshed: number, failed: number }> {
      let refreshed = 0
      let failed = 0
      const dueBefore = new Date(Date.now() - config.refreshMs)
      for (const adapter of boards.values()) {
        const definitions = adapter.dictionaries.filter(d => d.scope === 'board')
        if (definitions.length === 0) continue
        const stored = new Map((await repo.boardCopies(db, adapter.id)).map(c => [c.name, c]))
        const due = definitions.filter(d => (stored.get(d.name)?.checked_at.getTime() ?? 0) < dueBefore.getTime())
        if (due.length === 0) continue
        const opened = await integrations.openAnyActive(adapter.id)
        if (opened === undefined) continue
        for (const definition of due) {
          const copy = stored.get(definition.name)
          const claimed = copy === undefined ? undefined : await repo.claimRefresh(db, copy.id, dueBefore, new Date(Date.now() + REFRESH_HOLD_MS))
          // held by another replica, or refreshed since we looked
          if (copy !== undefined && claimed === undefined) continue
          try {
            await fetchAndStore(opened, definition, claimed)
            refreshed++
          } catch (error) {
            if (claimed !== undefined) await repo.releaseRefresh(db, claimed.id)
            if (!(error instanceof BoardError)) throw error
            failed++
            log.warn({ board: adapter.id, dictionary: definition.name, kind: error.kind }, 'scheduled dictionary refresh failed')
            // the account is dead: the next round takes another
            if (error.isCredentialProblem) break
          }
        }
      }
      return { refreshed, failed }
    },

    /** until the background refreshes of this process are over (tests, shutdown) */
    async idle (): Promise<void> {
      while (refreshing.size > 0) await Promise.allSettled([...refreshing.values()])
    }
  }
  return service
}

export type DictionaryService = ReturnType<typeof createDictionaryService>
