// Work.ua's HTTP specifics on top of the shared board client: each request authenticated by HTTP
// Basic (the employer's own login and password), the Accept and X-Locale headers, the one-minute IP block after a 429,
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
// how long Work.ua keeps an IP blocked after a 429 (docs/boards.md, Work.ua: Errors and limits)
export const WORKUA_RATE_LIMIT_BLOCK_MS = 60_000
// Work.ua's per-IP ceiling is 50 a second (docs/boards.md, Work.ua: Errors and limits); this process keeps below it, with room for a retry
export const WORKUA_REQUESTS_PER_SECOND = 40

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

export interface WorkuaClientOptions {
  /** requests per second this client starts at most, across all accounts; default WORKUA_REQUESTS_PER_SECOND */
  requestsPerSecond?: number
}

export function createWorkuaClient (deps: BoardDeps<WorkuaSettings>, options: WorkuaClientOptions = {}) {
  const http = createBoardHttp({ board, baseUrl: deps.settings.WORKUA_API_URL, ...deps.http, headers: { ...WORKUA_HEADERS } })

  // Work.ua counts requests per IP, whichever account sends them, and answers one too many with a
  // minute's block: requests of this process (every account, every run) start evenly spaced. With
  // several replicas behind one address the limit is theirs to share (ASSUMPTION: one per address).
  const spacingMs = 1000 / (options.requestsPerSecond ?? WORKUA_REQUESTS_PER_SECOND)
  let nextStartAt = 0
  async function awaitTurn (): Promise<void> {
    const now = Date.now()
    const startAt = Math.max(now, nextStartAt)
    nextStartAt = startAt + spacingMs
    if (startAt > now) await sleep(startAt - now)
  }

  /** one request with the account's Basic auth; any status but 429 comes back */
  async function send (session: Session, req: WorkuaRequest): Promise<BoardResponse> {
    await awaitTurn()
    const credentials = session.credentials.current()
    try {
      return await http.send({
        ...req,
        headers: { ...req.headers, authorization: basicAuthorization(credentials) },
        dispatcher: deps.agents.for(session.key),
        log: session.log
      })
    } catch (error) {
      // ASSUMPTION (the fake): Work.ua's 429 says no Retry-After, yet the IP stays blocked for a
      // minute (docs/boards.md); tell the caller how long, so it waits instead of hammering the block
      if (error instanceof BoardError && error.kind === 'rate_limited' && error.retryAfterMs === undefined) {
        throw new BoardError({
          board,
          kind: 'rate_limited',
          detail: 'Work.ua answered 429 Too Many Requests; it blocks this server\'s address for a minute (limit: 50 requests/s)',
          boardStatus: 429,
          retryAfterMs: WORKUA_RATE_LIMIT_BLOCK_MS
        })
      }
      throw error
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
