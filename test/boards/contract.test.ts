// The rules src/boards/types.ts sets for every adapter, checked on every board of the registry
// against its fake through the adapter harness (the sandbox needs none), so a new board is covered
// as soon as it is listed:
//   - a sync (pageThroughResponses) yields at least one page, an empty one is fine;
//   - each response comes once, and its `externalId` is the same on the next run;
//   - a run resumed from the cursor of any page yields every response the pages before it did not,
//     and nothing twice;
//   - fields the board sends that the adapter does not know are kept in `raw`;
//   - an error (credentials refused, a refusal or a 500 that echoes them, a garbled reply) is a
//     BoardError that shows no secret in its message, its JSON or its stack.
import t, { type Test } from 'tap'
import { BOARDS, type BoardId } from '../../src/boards/registry.js'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAdapter, ResponsePage } from '../../src/boards/types.js'
import type { Fault } from '../fakes/fake-server.js'
import { fakeDefinition, hasFake, scenarioOf } from '../fakes/index.js'
import { adapterHarness, type AdapterHarness, type Installed } from '../helpers/adapter-harness.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'
import { secretsSentTo } from '../helpers/secret-scan.js'

/** a field no board documents, with a value no adapter could make up */
const UNKNOWN_FIELD = 'x_contract_unknown_field'
const unknownValue = (board: BoardId): Record<string, unknown> => ({ note: `kept by ${board}`, list: [1, 'two'] })

type Harness = AdapterHarness<BoardId, BoardAdapter> & Installed<any>

/**
 * Rules a board is known to break, each waiting for a change in src/boards/: the check still runs and
 * its failures show as TODO instead of failing the suite. Remove an entry once its board keeps the rule.
 */
const KNOWN_GAPS: Partial<Record<BoardId, { quotedRefusal?: string }>> = {
}

interface Run { pages: ResponsePage[], error: unknown }

async function runFrom (h: Harness, postingId: string, cursor: string | null): Promise<Run> {
  const pages: ResponsePage[] = []
  try {
    for await (const page of h.adapter.pageThroughResponses(h.session, h.account, postingId, cursor)) pages.push(page)
  } catch (error) {
    return { pages, error }
  }
  return { pages, error: null }
}

async function pagesFrom (h: Harness, postingId: string, cursor: string | null): Promise<ResponsePage[]> {
  const { pages, error } = await runFrom(h, postingId, cursor)
  if (error !== null) throw error
  return pages
}

const idsOf = (pages: ResponsePage[]): string[] => pages.flatMap(page => page.items.map(item => item.externalId))
const duplicatesOf = (ids: string[]): string[] => [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]
const sorted = (ids: Iterable<string>): string[] => [...ids].sort()

/** a posting published through the adapter, with `n` responses seeded on the board; their ids */
async function postingWith (h: Harness, n: number, extra?: Record<string, unknown>): Promise<{ postingId: string, expected: string[] }> {
  const { publishing, responses } = scenarioOf(h.board)
  const ref = await h.adapter.publish(h.session, h.account, {
    // a title of its own: hh refuses a second active vacancy with the same title in an area
    title: `Contract engineer ${h.board} ${n} ${Math.random().toString(36).slice(2, 8)}`,
    description: LONG_DESCRIPTION,
    fields: { ...publishing.fields, ...responses.fieldsFor?.(n) },
    publicationType: publishing.publicationType
  })
  return { postingId: ref.externalId, expected: responses.add(h.fake, ref.externalId, n, extra) }
}

/** whether `value` holds `key` with `expected` anywhere inside it */
function holds (value: unknown, key: string, expected: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.some(item => holds(item, key, expected))
  const record = value as Record<string, unknown>
  if (key in record && JSON.stringify(record[key]) === JSON.stringify(expected)) return true
  return Object.values(record).some(item => holds(item, key, expected))
}

/** every secret this account's calls could leak: what was sent to the fake, stored, or handed out by it */
function secretsOf (h: Harness): Set<string> {
  const definition = hasFake(h.board) ? fakeDefinition(h.board) : undefined
  const secrets = definition === undefined ? new Set<string>() : secretsSentTo(definition.servers(h.fake))
  for (const secret of definition?.secrets?.(h.fake) ?? []) secrets.add(secret)
  const shown = new Set(h.adapter.publicCredentialFields)
  for (const value of [h.input, ...h.store.history]) {
    for (const [field, text] of Object.entries(value as Record<string, unknown>)) {
      if (!shown.has(field) && typeof text === 'string') secrets.add(text)
    }
  }
  // short values (an expiry time is stored beside the tokens) say nothing about a leak
  return new Set([...secrets].filter(secret => secret.length >= 8 && Number.isNaN(Date.parse(secret))))
}

/** the call fails with a BoardError in which none of the account's secrets shows; `todo`: a known gap, reported but not failing */
async function failsWithoutSecrets (t: Test, h: Harness, what: string, call: () => Promise<unknown>, todo: string | false = false): Promise<void> {
  const error = await call().then(() => null, (e: unknown) => e)
  t.type(error, BoardError, `${what}: a BoardError (${String(error)})`)
  const secrets = secretsOf(h)
  t.ok(secrets.size > 0, `${what}: ${secrets.size} secrets to look for`)
  const shown = [String(error), (error as Error | null)?.message, JSON.stringify(error), (error as Error | null)?.stack].join('\n')
  const leaked = [...secrets].filter(secret => shown.includes(secret))
  t.same(leaked.map(secret => `${secret.slice(0, 4)}… (${secret.length} chars)`), [], `${what}: no secret in the message, the JSON or the stack`, { todo })
}

for (const { id: board } of BOARDS) {
  t.test(`${board} keeps the adapter contract`, async t => {
    const h: Harness = await adapterHarness(t, board, { install: true })
    const { severalPages } = scenarioOf(board).responses
    // only a board outside jobsync sends fields the adapter may not know
    const extra = hasFake(board) ? { [UNKNOWN_FIELD]: unknownValue(board) } : undefined
    const { postingId, expected } = await postingWith(h, severalPages, extra)
    const full = await pagesFrom(h, postingId, null)
    const fullIds = idsOf(full)

    t.test('a sync yields at least one page, each response once', async t => {
      t.ok(full.length > 1, `${severalPages} responses take several pages (${full.length})`)
      t.same(duplicatesOf(fullIds), [], 'no response twice')
      t.same(sorted(fullIds), sorted(expected), `every response the board has (${expected.length})`)

      const empty = await postingWith(h, 0)
      const pages = await pagesFrom(h, empty.postingId, null)
      t.ok(pages.length >= 1, 'a posting without responses still yields a page, to store the final cursor')
      t.same(idsOf(pages), [], 'with nothing in it')
    })

    t.test('externalId is stable across runs', async t => {
      const again = await pagesFrom(h, postingId, null)
      t.same(sorted(idsOf(again)), sorted(fullIds), 'the second run from the start names the same responses')
    })

    t.test('a run resumed from any stored cursor yields every remaining response, nothing twice', async t => {
      t.ok(full.length > 1, 'several cursors to resume from')
      for (const [i, page] of full.entries()) {
        const before = idsOf(full.slice(0, i + 1))
        const resumed = idsOf(await pagesFrom(h, postingId, page.cursor))
        t.same(duplicatesOf(resumed), [], `after page ${i + 1}: nothing twice in the resumed run`)
        t.same(sorted(new Set([...before, ...resumed])), sorted(fullIds), `after page ${i + 1}: with the pages before, every response`)
        // the last page's cursor is where the next scheduled run starts, and the adapter may look
        // back there (types.ts); a run killed earlier resumes after its last stored page
        if (i < full.length - 1) t.same(resumed.filter(id => before.includes(id)), [], `after page ${i + 1}: nothing the pages before gave`)
      }
    })

    t.test('fields the board sends that the adapter does not know are kept in raw', { skip: extra === undefined ? 'the sandbox is not a board outside jobsync: nobody sends it anything' : false }, async t => {
      const items = full.flatMap(page => page.items)
      const without = items.filter(item => !holds(item.raw, UNKNOWN_FIELD, unknownValue(board))).map(item => item.externalId)
      t.same(without, [], `every response keeps ${UNKNOWN_FIELD} in raw`)
    })

    const noSecret = hasFake(board) ? false : 'the sandbox holds no secret'
    const servers = hasFake(board) ? fakeDefinition(board).servers(h.fake) : []
    const inject = (fault: Fault): void => { for (const server of servers) server.inject(fault) }
    const clear = (): void => { for (const server of servers) server.clearFaults() }
    const run = async (): Promise<void> => {
      const { error } = await runFrom(h, postingId, null)
      if (error !== null) throw error
    }

    t.test('a refusal that quotes the credentials back shows none of them', { skip: noSecret }, async t => {
      // the board quotes the request back, in each board's error shape
      const echo = [...secretsOf(h)].join(' ')
      const body = { detail: echo, message: echo, error_description: echo, errors: [{ id: echo, type: 'bad_argument', value: echo, message: echo }] }
      for (const status of [400, 403, 500]) {
        inject({ status, body, times: 20 })
        await failsWithoutSecrets(t, h, `a ${status} that echoes the credentials`, run, KNOWN_GAPS[board]?.quotedRefusal ?? false)
        clear()
      }
    })

    // last: it breaks the account on the board
    t.test('errors carry no secret', { skip: noSecret }, async t => {
      inject({ status: 500, times: 20 })
      await failsWithoutSecrets(t, h, 'a 500', run)
      clear()
      inject({ mode: 'malformed', times: 20 })
      await failsWithoutSecrets(t, h, 'a reply that is not JSON', run)
      clear()
      h.onBoard!.revoke()
      await failsWithoutSecrets(t, h, 'credentials the board no longer takes (account check)', async () => await h.adapter.checkAccount(h.session as AccountSession<unknown>))
      await failsWithoutSecrets(t, h, 'credentials the board no longer takes (sync)', run)
    })
  })
}
