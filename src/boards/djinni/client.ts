// Djinni's HTTP specifics on top of the shared board client: the API key header, DRF pages whose
// `next` is a full URL, and Djinni's `{detail}` answers turned into BoardError kinds.
// Djinni only hands its employer API out on request, so nothing here is documented: it is the
// ASSUMED CONTRACT of docs/boards.md (Djinni) and test/fakes/djinni.ts; each guess is named where it is used.
import { parseBoardPayload, quoteBoardText } from '../payload.js'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError, type BoardErrorKind } from '../errors.js'
import { createBoardHttp, type BoardRequest, type BoardResponse } from '../http.js'
import type { AccountSession, BoardDeps } from '../types.js'
import type { DjinniSettings } from './settings.js'
import { DJINNI_BODY_KEYS } from './fields.js'

const board = 'djinni'

// assumed contract (docs/boards.md): the key travels in `X-API-Key`
export const DJINNI_API_KEY_HEADER = 'x-api-key'

/** what the host sends on install */
export const DjinniInstall = Type.Object({
  keyName: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'the name the key was given in the API section of the Djinni profile; shown to tell keys apart, never sent to Djinni' }),
  // printable ASCII only: a key is a token, and anything else could not travel in a header
  apiKey: Type.String({ minLength: 1, maxLength: 512, pattern: '^\\s*[!-~]+\\s*$', description: 'the API key from the Djinni profile; stored sealed, never returned' })
}, { additionalProperties: false })
export type DjinniInstall = Static<typeof DjinniInstall>

/** what is stored (sealed) per account: the install input, trimmed; only `keyName` is shown */
export const DjinniCredentials = DjinniInstall
export type DjinniCredentials = DjinniInstall

type Session = AccountSession<DjinniCredentials>

/** a request as the adapter describes it; the client adds the key, the agent and the log */
export type DjinniRequest = Omit<BoardRequest, 'dispatcher' | 'log'>

// assumed contract: errors are DRF's `{detail}`, validation errors DRF's `{field: ["message", …]}`
const DetailBody = Type.Object({ detail: Type.String() })
const FieldErrorsBody = Type.Record(Type.String(), Type.Array(Type.String()))

export const NO_API_ACCESS_DETAIL = 'This Djinni account has no API access. Ask magic@djinni.co to enable it; the API section then appears in your Djinni profile.'

/** the board's body checked against the minimal schema of what we read, or 'bad_response' */
export const parsePayload = <T extends TSchema>(schema: T, body: unknown, what: string): Static<T> =>
  parseBoardPayload(board, schema, body, what)

const boardText = quoteBoardText

/** our name for a key of Djinni's job body: a field of fields.ts, or the posting's own title and description */
const fieldOfKey = (key: string): string | undefined =>
  key === 'title' || key === 'description'
    ? key
    : (Object.keys(DJINNI_BODY_KEYS) as Array<keyof typeof DJINNI_BODY_KEYS>).find(field => DJINNI_BODY_KEYS[field] === key)

function fail (kind: BoardErrorKind, detail: string, boardStatus: number, field?: string): BoardError {
  return new BoardError({ board, kind, detail, boardStatus, field })
}

/**
 * The BoardError a non-2xx answer of Djinni stands for. `secrets` are blanked out of whatever
 * Djinni's text is quoted.
 *
 * Assumed contract (test/fakes/djinni.ts): 401 `{detail:"Invalid API key."}`; 403 `{detail:"Account
 * is blocked."}` or `{detail:"API access is not enabled for this account."}`, told apart by wording,
 * "block" first as Djinni checks it first.
 */
export function boardErrorOf (res: BoardResponse, secrets: readonly string[] = []): BoardError {
  const status = res.status
  const detail = Value.Check(DetailBody, res.body) ? boardText(res.body.detail, secrets) : ''
  const said = detail === '' ? `HTTP ${status}` : `${status}: ${detail}`
  if (status === 401) return fail('invalid_credentials', 'Djinni refused the API key', status)
  if (status === 403) {
    if (/block/i.test(detail)) return fail('account_blocked', `Djinni blocked this account (${said})`, status)
    if (/api access|api is not enabled|no access to (the )?api/i.test(detail)) return fail('no_api_access', NO_API_ACCESS_DETAIL, status)
    return fail('rejected', `Djinni refused the request (${said})`, status)
  }
  if (status === 404) return fail('not_found', `Djinni: not found (${said})`, status)
  // assumed contract: HTTP's own "conflict" for a job Djinni already has (the fake never sends it)
  if (status === 409) return fail('duplicate', `Djinni says it has this already (${said})`, status)
  if (status >= 400 && status < 500) {
    if (detail === '' && Value.Check(FieldErrorsBody, res.body)) {
      // DRF validation: one list of messages per snake_case key; name ours when it is one of our fields
      const entries = Object.entries(res.body)
      const described = entries.map(([key, messages]) => `${key}: ${messages.join(' ')}`).join('; ')
      const field = entries.map(([key]) => fieldOfKey(key)).find(name => name !== undefined)
      return fail('rejected', `Djinni refused the request (${status}: ${boardText(described, secrets)})`, status, field)
    }
    return fail('rejected', `Djinni refused the request (${said})`, status)
  }
  if (status >= 500) return fail('unavailable', `Djinni answered ${status}`, status)
  return fail('bad_response', `Djinni answered an unexpected ${status}`, status)
}

// assumed contract: DRF LimitOffsetPagination with max_limit 100. Djinni caps `limit` at its own
// maximum and `next` carries on from there, so this only sets how many calls a list takes.
export const DJINNI_PAGE_SIZE = 100
// a runaway `next` chain (a board bug) must not page forever: 100 pages of 100 is far beyond any company
const MAX_PAGES = 100

/** a DRF page of T */
export const DrfPage = <T extends TSchema>(item: T) => Type.Object({
  count: Type.Optional(Type.Integer({ minimum: 0 })),
  next: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(item)
})

export type DjinniClient = ReturnType<typeof createDjinniClient>

export function createDjinniClient (deps: BoardDeps<DjinniSettings>) {
  const apiUrl = deps.settings.DJINNI_API_URL
  const http = createBoardHttp({ board, baseUrl: apiUrl, ...deps.http, headers: { accept: 'application/json' } })
  const origin = new URL(apiUrl).origin

  /** DRF's `next` (a full URL; a relative one is read against the base) checked before the key follows it */
  function nextPageUrl (next: string, what: string): string {
    let url: URL
    try { url = new URL(next, apiUrl) } catch { throw new BoardError({ board, kind: 'bad_response', detail: `Djinni's ${what} has a next link that is not a URL` }) }
    // the key goes with every request: never to a host other than the configured Djinni
    if (url.origin !== origin) throw new BoardError({ board, kind: 'bad_response', detail: `Djinni's ${what} links its next page to another host (${url.origin}); the key is not sent there` })
    return url.href
  }

  /** one request with the account's key; any status comes back */
  async function send (session: Session, req: DjinniRequest): Promise<BoardResponse> {
    const { apiKey } = session.credentials.current()
    return await http.send({
      ...req,
      headers: { ...req.headers, [DJINNI_API_KEY_HEADER]: apiKey },
      dispatcher: deps.agents.for(session.key),
      log: session.log
    })
  }

  /** `send`, with any non-2xx answer thrown as its BoardError */
  async function call (session: Session, req: DjinniRequest): Promise<BoardResponse> {
    const res = await send(session, req)
    if (res.status < 200 || res.status >= 300) throw boardErrorOf(res, [session.credentials.current().apiKey])
    return res
  }

  /** every item of a DRF list, following `next`; a non-2xx answer on any page is thrown */
  async function pageThrough<T extends TSchema> (session: Session, path: string, item: T, what: string): Promise<Array<Static<T>>> {
    const schema = DrfPage(item)
    const items: Array<Static<T>> = []
    const seen = new Set<string>()
    let next: string | null = path
    let query: DjinniRequest['query'] = { limit: DJINNI_PAGE_SIZE }
    for (let pages = 0; next !== null; pages++) {
      if (pages >= MAX_PAGES) throw new BoardError({ board, kind: 'bad_response', detail: `Djinni's ${what} did not end after ${MAX_PAGES} pages` })
      const res = await call(session, { method: 'GET', path: next, query })
      const page = parsePayload(schema, res.body, what)
      items.push(...page.results)
      query = undefined // `next` carries its own query
      next = page.next === null ? null : nextPageUrl(page.next, what)
      if (next !== null) {
        if (seen.has(next)) throw new BoardError({ board, kind: 'bad_response', detail: `Djinni's ${what} links back to a page already read` })
        seen.add(next)
      }
    }
    return items
  }

  return { send, call, pageThrough }
}
