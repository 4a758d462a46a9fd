// The sandbox with its board-side calls under the test's control, for the dictionary, quota,
// preview and job-edit tests: what it was asked (dictionary fetches with the version sent, quota
// counts, postings published and updated), a switch to make each call fail or hang, the content of
// its catalogues, and one account-scope catalogue (`offices`, each account its own). Also a second
// board under Work.ua's id (the sandbox underneath) with a catalogue `regions`, for ids of another
// board.
import { assembleBoard, type BoardRegistry } from '../../src/boards/registry.js'
import { sandbox as sandboxBoard } from '../../src/boards/sandbox/index.js'
import { createSandboxAdapter } from '../../src/boards/sandbox/adapter.js'
import type { BoardAdapter, DictionaryItem, DictionaryVersion, PostingInput } from '../../src/boards/types.js'

type Failure = () => Error

export interface ControlledSandbox {
  boards: BoardRegistry
  fetches: Array<{ board: string, name: string, stored: DictionaryVersion | null, integration: string }>
  quotaCalls: number
  published: PostingInput[]
  updated: Array<{ externalId: string, posting: PostingInput }>
  /** set to make the next calls of that kind throw (until unset) */
  fail: { dictionaries?: Failure, quota?: Failure, update?: Failure }
  /** set to hold dictionary fetches until the promise resolves */
  hold: Promise<void> | undefined
  /** replaces what the board serves as `cities` (a new version, with a new ETag) */
  serveCities: (items: DictionaryItem[]) => void
  /** resolves once the board has been asked for `count` dictionaries in all */
  fetched: (count: number) => Promise<void>
}

export function controlledSandbox (): ControlledSandbox {
  const base = assembleBoard(sandboxBoard, createSandboxAdapter())
  let cities: { items: DictionaryItem[], etag: string } | undefined
  let version = 0
  const waiting: Array<{ count: number, resolve: () => void }> = []
  const control: ControlledSandbox = {
    boards: new Map(),
    fetches: [],
    quotaCalls: 0,
    published: [],
    updated: [],
    fail: {},
    hold: undefined,
    serveCities: items => { cities = { items, etag: `"test-${++version}"` } },
    fetched: async count => {
      if (control.fetches.length >= count) return
      await new Promise<void>(resolve => { waiting.push({ count, resolve }) })
    }
  }

  const fetching = (board: string): BoardAdapter['fetchDictionary'] => async (session, account, name, stored) => {
    control.fetches.push({ board, name, stored, integration: session.key })
    for (const w of waiting.filter(w => control.fetches.length >= w.count)) w.resolve()
    if (control.hold !== undefined) await control.hold
    if (control.fail.dictionaries !== undefined) throw control.fail.dictionaries()
    if (name === 'offices') {
      const own = `${account.externalId}`
      return { notModified: false, items: [{ id: `${own}-hq`, name: 'Головний офіс', parentId: null }, { id: `${own}-lviv`, name: 'Офіс у Львові', parentId: null }], version: { etag: null, lastModified: null } }
    }
    if (name === 'regions') return { notModified: false, items: [{ id: 'lviv', name: 'Львівська', parentId: null }, { id: 'r-5', name: 'Харківська', parentId: null }], version: { etag: null, lastModified: 'Mon, 01 Jun 2026 00:00:00 GMT' } }
    if (name === 'cities' && cities !== undefined) {
      if (stored?.etag === cities.etag) return { notModified: true }
      return { notModified: false, items: structuredClone(cities.items), version: { etag: cities.etag, lastModified: null } }
    }
    return await base.fetchDictionary(session, account, name, stored)
  }

  const sandbox: BoardAdapter = {
    ...base,
    dictionaries: [...base.dictionaries, { name: 'offices', title: 'Offices of the account', hierarchical: false, searchable: false, scope: 'account' }],
    fetchDictionary: fetching('sandbox'),
    async availablePublications (session, account) {
      control.quotaCalls++
      if (control.fail.quota !== undefined) throw control.fail.quota()
      return await base.availablePublications(session, account)
    },
    async publish (session, account, posting) {
      control.published.push(structuredClone(posting))
      return await base.publish(session, account, posting)
    },
    async update (session, account, externalId, posting) {
      control.updated.push({ externalId, posting: structuredClone(posting) })
      if (control.fail.update !== undefined) throw control.fail.update()
      await base.update(session, account, externalId, posting)
    }
  }
  const otherBoard: BoardAdapter = {
    ...base,
    id: 'workua',
    name: 'Work.ua',
    dictionaries: [{ name: 'regions', title: 'Regions', hierarchical: false, searchable: true, scope: 'board' }],
    fetchDictionary: fetching('workua')
  }
  control.boards = new Map([['sandbox', sandbox], ['workua', otherBoard]])
  return control
}
