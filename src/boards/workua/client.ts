// Work.ua's HTTP specifics on top of the shared board client: each request authenticated by HTTP
// Basic (the employer's own login and password), the Accept and X-Locale headers, Work.ua's request
// limit shared by every replica (the board's RequestLimiter) with its one-minute block after a 429,
// and Work.ua's `{errors:[{id,message}]}` answers turned into BoardError kinds. Work.ua has no public
// API docs; what we rely on is in docs/boards.md (Work.ua), and what that leaves open follows
// test/fakes/workua.ts and is marked ASSUMPTION.
import { parseBoardPayload, quoteBoardText } from '../payload.js'
import { Buffer } from 'node:buffer'
import { setTimeout as sleep } from 'node:timers/promises'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError, type BoardErrorKind } from '../errors.js'
import { createBoardHttp, type BoardRequest, type BoardResponse } from '../http.js'
import type { AccountSession, BoardDeps } from '../types.js'
import type { WorkuaSettings } from './settings.js'
import { WORKUA_FORM_KEYS, WORKUA_POSTING_FORM_KEYS } from './fields.js'

const board = 'workua'

// sent on every call (docs/boards.md, Work.ua: Authentication)
export const WORKUA_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json', 'x-locale': 'uk_UA' }
// Work.ua counts requests per calling address, whichever account sends them, and blocks the address
// for a minute after one too many (docs/boards.md, Work.ua: Errors and limits). Every replica of a
// deployment is taken to leave through one address: they share one budget, under this key.
export const WORKUA_LIMIT_KEY = 'address'
// the first retry's backoff, doubled per retry (as src/boards/http.ts does)
const BACKOFF_MS = 250

/** what the host sends on install */
export const WorkuaInstall = Type.Object({
  // RFC 7617: the user-id of HTTP Basic cannot hold a colon
  login: Type.String({ minLength: 1, maxLength: 254, pattern: '^[^:]*[^:\\s][^:]*$', description: 'the login the employer signs in to Work.ua with (usually an e-mail)' }),
  password: Type.String({ minLength: 1, maxLength: 256, description: 'its password; stored sealed, never returned' })
}, { additionalProperties: false })
export type WorkuaInstall = Static<typeof WorkuaInstall>

/** what is stored (sealed) per account: the install input, the login trimmed; only `login` is shown */
export const WorkuaCredentials = WorkuaInstall
export type WorkuaCredentials = WorkuaInstall

type Session = AccountSession<WorkuaCredentials>

/** a request as the adapter describes it; the client adds the auth, the agent and the log */
export type WorkuaRequest = Omit<BoardRequest, 'dispatcher' | 'log'>

// docs/boards.md: errors `{errors:[{id,message}]}`
const ErrorBody = Type.Object({
  errors: Type.Array(Type.Object({ id: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }))
})

export const basicAuthorization = ({ login, password }: WorkuaCredentials): string =>
  `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`

/** what must never be quoted back: the password, and the header that carries it */
const secretsOf = (credentials: WorkuaCredentials): string[] => [credentials.password, basicAuthorization(credentials).slice('Basic '.length)]

/** the board's body checked against the minimal schema of what we read, or 'bad_response' */
export const parsePayload = <T extends TSchema>(schema: T, body: unknown, what: string): Static<T> =>
  parseBoardPayload(board, schema, body, what)

const boardText = quoteBoardText

/** our field name (a fields.ts field, or `title` / `description`) for the PHP form key Work.ua refused */
const fieldOfKey = (key: string): string | undefined =>
  Object.entries({ ...WORKUA_POSTING_FORM_KEYS, ...WORKUA_FORM_KEYS }).find(([, formKey]) => formKey === key)?.[0]

function fail (kind: BoardErrorKind, detail: string, boardStatus: number, field?: string): BoardError {
  return new BoardError({ board, kind, detail, boardStatus, field })
}

/**
 * The BoardError a non-2xx answer of Work.ua stands for. `secrets` are blanked out of whatever
 * Work.ua's text is quoted.
 *
 * docs/boards.md: 401 bad credentials, 403 blocked. ASSUMPTION (the fake): a publish without a paid
 * publication left is also 403, with the error id `publication`; a 400 names the refused PHP form
 * key as the error id. ASSUMPTION (docs/boards.md is silent): a duplicate job is a 409, or an error id
 * that says `duplicate`.
 */
export function boardErrorOf (res: BoardResponse, secrets: readonly string[] = []): BoardError {
  const status = res.status
  const errors = Value.Check(ErrorBody, res.body) ? res.body.errors : []
  const messages = errors.map(e => e.message ?? e.id ?? '').filter(m => m !== '')
  const described = boardText(messages.join('; '), secrets)
  const said = described === '' ? `HTTP ${status}` : `${status}: ${described}`
  if (status === 401) return fail('invalid_credentials', 'Work.ua refused the login or password', status)
  if (status === 403) {
    if (errors.some(e => e.id === 'publication')) return fail('quota', `Work.ua: no paid publication of this type left (${said})`, status)
    return fail('account_blocked', `Work.ua blocked this employer account (${said})`, status)
  }
  if (status === 404) return fail('not_found', `Work.ua: not found (${said})`, status)
  if (status === 409 || (status >= 400 && status < 500 && errors.some(e => e.id?.includes('duplicate') === true))) {
    return fail('duplicate', `Work.ua already has this job (${said})`, status)
  }
  if (status >= 400 && status < 500) {
    const field = errors.map(e => e.id === undefined ? undefined : fieldOfKey(e.id)).find(name => name !== undefined)
    return fail('rejected', `Work.ua refused the request (${said})`, status, field)
  }
  if (status >= 500) return fail('unavailable', `Work.ua answered ${status}`, status)
  return fail('bad_response', `Work.ua answered an unexpected ${status}`, status)
}

export type WorkuaClient = ReturnType<typeof createWorkuaClient>

export function createWorkuaClient (deps: BoardDeps<WorkuaSettings>) {
  // one attempt per http.send: every attempt, retries included, takes from the budget the replicas
  // share, and a 429 blocks that budget before anyone sends again, so the retries are made here
  const http = createBoardHttp({ board, baseUrl: deps.settings.WORKUA_API_URL, ...deps.http, maxRetries: 0, headers: { ...WORKUA_HEADERS } })
  const { timeoutMs, maxRetries, maxRetryAfterMs } = deps.http
  const budget = { requests: deps.settings.WORKUA_REQUESTS_PER_SECOND, perMs: 1000 }
  const blockMs = deps.settings.WORKUA_BLOCK_SECONDS * 1000

  /** one request with the account's Basic auth, retried like the shared client retries; any status but 429 and 5xx comes back */
  async function send (session: Session, req: WorkuaRequest): Promise<BoardResponse> {
    // a POST that failed with a 5xx or a timeout may have created the job: it is never resent
    const idempotent = req.idempotent ?? req.method !== 'POST'
    for (let attempt = 0; ; attempt++) {
      // a request waits for its turn no longer than it would wait for Work.ua's answer
      await deps.limiter.take(WORKUA_LIMIT_KEY, budget, timeoutMs)
      try {
        return await http.send({
          ...req,
          headers: { ...req.headers, authorization: basicAuthorization(session.credentials.current()) },
          dispatcher: deps.agents.for(session.key),
          log: session.log
        })
      } catch (error) {
        if (!(error instanceof BoardError)) throw error
        if (error.kind === 'rate_limited' && error.boardStatus === 429) {
          // ASSUMPTION (the fake): Work.ua's own 429 says no Retry-After, yet the address stays blocked
          // for a minute (docs/boards.md): no replica sends anything until it is over, and nobody
          // waits a minute inside a request
          if (error.retryAfterMs === undefined) {
            await deps.limiter.block(WORKUA_LIMIT_KEY, blockMs)
            throw new BoardError({
              board,
              kind: 'rate_limited',
              detail: `Work.ua answered 429 Too Many Requests; it blocks this server's address for a minute (limit: 50 requests/s): nothing is sent to it for ${Math.ceil(blockMs / 1000)} s`,
              boardStatus: 429,
              retryAfterMs: blockMs
            })
          }
          // a 429 that says how long (not known of Work.ua): waited out and sent again, as the
          // shared client does for every board
          if (error.retryAfterMs > maxRetryAfterMs || attempt >= maxRetries) throw error
          await sleep(error.retryAfterMs)
          continue
        }
        const retryable = idempotent && (error.kind === 'unavailable' || error.kind === 'timeout')
        if (!retryable || attempt >= maxRetries) {
          if (attempt > 0) session.log.warn({ board, path: req.path, attempts: attempt + 1, kind: error.kind }, 'board call gave up')
          throw error
        }
        const backoff = BACKOFF_MS * 2 ** attempt
        await sleep(Math.min(maxRetryAfterMs, backoff / 2 + Math.random() * backoff / 2))
      }
    }
  }

  /** `send`, with any non-2xx answer thrown as its BoardError */
  async function call (session: Session, req: WorkuaRequest): Promise<BoardResponse> {
    const res = await send(session, req)
    if (res.status < 200 || res.status >= 300) throw boardErrorOf(res, secretsOf(session.credentials.current()))
    return res
  }

  return { send, call }
}
