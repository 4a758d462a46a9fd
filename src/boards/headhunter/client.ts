// HeadHunter's HTTP specifics on top of the shared board client: the HH-User-Agent every call
// needs, the bearer token with its single-use refresh, and hh's `{errors:[{type,value}]}` bodies
// turned into BoardError kinds. Facts from docs/boards.md and hh's OpenAPI spec.
import { parseBoardPayload } from '../payload.js'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError, type BoardErrorKind } from '../errors.js'
import { createBoardHttp, type BoardHttp, type BoardRequest, type BoardResponse } from '../http.js'
import type { AccountSession, BoardDeps, BoardShared } from '../types.js'
import { reportedRenewal } from '../renewal.js'
import type { HeadHunterSettings } from './settings.js'
import type { HeadHunterCredentials, HeadHunterOAuth } from './oauth.js'

const board = 'headhunter'

/** a request to api.hh.ru as the adapter describes it; the client adds the token, agent and log */
export type HeadHunterRequest = Omit<BoardRequest, 'dispatcher' | 'log'>

export interface HhError {
  type: string
  value: string | null
}

/** the shared client pointed at one hh host (API or OAuth), with hh's base headers */
export function createHeadHunterHttp (deps: BoardShared & { settings: Pick<HeadHunterSettings, 'HH_USER_AGENT'> }, baseUrl: string): BoardHttp {
  return createBoardHttp({
    board,
    baseUrl,
    ...deps.http,
    // docs/boards.md: every call needs `HH-User-Agent: App/1.0 (email)`, else 400 bad_user_agent
    headers: { 'hh-user-agent': deps.settings.HH_USER_AGENT, accept: 'application/json' }
  })
}

/** hh's error list from a response body, or [] when the body is not hh's error shape */
export function hhErrorsOf (res: BoardResponse): HhError[] {
  const errors = (res.body as { errors?: unknown } | undefined)?.errors
  if (!Array.isArray(errors)) return []
  return errors
    .filter((e): e is { type: string, value?: unknown } => typeof (e as { type?: unknown } | null)?.type === 'string')
    .map(e => ({ type: e.type, value: typeof e.value === 'string' ? e.value : null }))
}

// hh's error types and values are identifiers from its spec's enums; anything else (a board that
// echoes the request back, tokens included) is not quoted
const HH_WORD = /^[a-z][a-z0-9_]{0,80}$/i
const word = (text: string): string => HH_WORD.test(text) ? text : '…'

const describeErrors = (errors: HhError[], status: number): string => errors.length === 0
  ? `HTTP ${status}`
  : errors.map(e => e.value === null ? word(e.type) : `${word(e.type)}/${word(e.value)}`).join(', ').slice(0, 300)

const hasError = (errors: HhError[], type: string, value?: string): boolean =>
  errors.some(e => e.type === type && (value === undefined || e.value === value))

/** docs/boards.md: an expired access token comes back as **403** `oauth`/`token_expired` */
export function saysTokenExpired (res: BoardResponse): boolean {
  return res.status === 403 && hasError(hhErrorsOf(res), 'oauth', 'token_expired')
}

/** hh's plain `forbidden` without a reason: the token's user may not do this */
export function isPlainForbidden (res: BoardResponse): boolean {
  const errors = hhErrorsOf(res)
  return res.status === 403 && errors.length > 0 && errors.every(e => e.type === 'forbidden' && e.value === null)
}

function fail (kind: BoardErrorKind, detail: string, boardStatus: number): BoardError {
  return new BoardError({ board, kind, detail, boardStatus })
}

/** the BoardError a non-2xx answer of api.hh.ru stands for */
export function boardErrorOf (res: BoardResponse): BoardError {
  const errors = hhErrorsOf(res)
  const status = res.status
  const described = describeErrors(errors, status)
  if (status === 401 || status === 403) {
    if (hasError(errors, 'oauth', 'token_expired')) {
      return fail('invalid_credentials', 'HeadHunter: the access token expired again right after it was renewed; install the account again', status)
    }
    if (hasError(errors, 'oauth')) {
      return fail('invalid_credentials', `HeadHunter no longer accepts this account's access (${described}); install the account again`, status)
    }
    if (hasError(errors, 'forbidden', 'employer_on_additional_check_restricted')) {
      return fail('account_blocked', 'HeadHunter restricted this employer account until it passes an additional check', status)
    }
    if (hasError(errors, 'manager_accounts', 'used_manager_account_forbidden')) {
      return fail('account_blocked', 'HeadHunter forbids this manager account for the employer', status)
    }
    // hh's employer endpoints answer a job-seeker's token with a bare `forbidden`
    if (isPlainForbidden(res)) {
      return fail('not_employer', 'HeadHunter: employer account required; this account may not act for an employer', status)
    }
    // hh's paid API access (spec: ErrorsCommonBadAuthorizationPaymentMethodError, "a paid method
    // without bought access"): the account cannot read its responses through the API until it buys it
    if (hasError(errors, 'api_access_payment')) {
      return fail('no_api_access', `HeadHunter: this account has no paid API access (${described}: "you request a paid method without bought access"); buy API access for the employer on hh, then check the integration again`, status)
    }
    if (hasError(errors, 'vacancies', 'not_enough_purchased_services') || hasError(errors, 'vacancies', 'quota_exceeded')) {
      return fail('quota', `HeadHunter: no publication of this type left (${described})`, status)
    }
    if (hasError(errors, 'vacancies', 'duplicate')) {
      return fail('duplicate', 'HeadHunter already has a vacancy like this one (vacancies/duplicate)', status)
    }
  }
  if (status === 400 && hasError(errors, 'bad_user_agent')) {
    // our own header is at fault, not the account: config or a jobsync bug
    return fail('bad_response', `HeadHunter refused jobsync's HH-User-Agent (${described}): a jobsync bug or misconfiguration; HH_USER_AGENT must look like "Name/1.0 (contact@example.com)"`, status)
  }
  if (status === 404) return fail('not_found', `HeadHunter: not found (${described})`, status)
  if (status >= 400 && status < 500) return fail('rejected', `HeadHunter refused the request (${status}: ${described})`, status)
  return fail('bad_response', `HeadHunter answered an unexpected ${status} (${described})`, status)
}

/** the board's body checked against the minimal schema of what we read, or 'bad_response' */
export const parsePayload = <T extends TSchema>(schema: T, body: unknown, what: string): Static<T> =>
  parseBoardPayload(board, schema, body, what)

/** hh's paged lists (`items`, `page`, `pages`), 0-based pages */
/** a text field hh may send as null */
export const Text = Type.Union([Type.String(), Type.Null()])

export const HhPage = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  page: Type.Integer({ minimum: 0 }),
  pages: Type.Integer({ minimum: 0 })
})

/** the stored access token is past its expiry by our clock (an unreadable expiry: let hh say) */
function pastExpiry (credentials: HeadHunterCredentials, now = Date.now()): boolean {
  const expiresAt = Date.parse(credentials.expiresAt)
  return !Number.isNaN(expiresAt) && expiresAt <= now
}

// hh refuses a refresh while the access token still lives (`invalid_grant: token not expired`):
// our clock ran ahead of hh's. Keep the token and look again after this long.
const NOT_EXPIRED_RECHECK_MS = 60_000

export type HeadHunterClient = ReturnType<typeof createHeadHunterClient>

export function createHeadHunterClient (deps: BoardDeps<HeadHunterSettings>, oauth: HeadHunterOAuth) {
  const http = createHeadHunterHttp(deps, deps.settings.HH_API_URL)

  async function sendWithToken (session: AccountSession<HeadHunterCredentials>, req: HeadHunterRequest, accessToken: string): Promise<BoardResponse> {
    return await http.send({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${accessToken}` },
      dispatcher: deps.agents.for(session.key),
      log: session.log
    })
  }

  /**
   * Renews the tokens after `stale` stopped working. hh takes each refresh token once (docs/boards.md, HeadHunter: Authentication),
   * so this runs under the credential store's lock; whoever gets the lock second finds a newer
   * access token there (another call or replica refreshed) and uses it instead of refreshing again.
   */
  async function renewTokens (session: AccountSession<HeadHunterCredentials>, stale: string): Promise<HeadHunterCredentials> {
    return await reportedRenewal(deps, board, async reused => await session.credentials.update(async latest => {
      if (latest.accessToken !== stale) { reused(); return latest }
      const renewed = await oauth.refresh(latest.refreshToken, deps.agents.for(session.key), session.log)
      if (renewed === 'not_expired') {
        session.log.warn({ board }, 'HeadHunter says the access token has not expired yet; keeping it')
        reused()
        return { ...latest, expiresAt: new Date(Date.now() + NOT_EXPIRED_RECHECK_MS).toISOString() }
      }
      session.log.info({ board }, 'HeadHunter access token renewed')
      return renewed
    }))
  }

  /**
   * Sends with the account's access token, renewing it once when it is past its expiry or hh
   * says `token_expired`, then retrying with the new one. Answers whatever status hh gave.
   */
  async function send (session: AccountSession<HeadHunterCredentials>, req: HeadHunterRequest): Promise<BoardResponse> {
    const stored = session.credentials.current()
    const used = pastExpiry(stored) ? await renewTokens(session, stored.accessToken) : stored
    const res = await sendWithToken(session, req, used.accessToken)
    // one renewal per call: a token that expires right after it was renewed is not chased further
    if (!saysTokenExpired(res) || used.accessToken !== stored.accessToken) return res
    const renewed = await renewTokens(session, used.accessToken)
    return await sendWithToken(session, req, renewed.accessToken)
  }

  /** `send`, with any non-2xx answer thrown as its BoardError */
  async function call (session: AccountSession<HeadHunterCredentials>, req: HeadHunterRequest): Promise<BoardResponse> {
    const res = await send(session, req)
    if (res.status < 200 || res.status >= 300) throw boardErrorOf(res)
    return res
  }

  /** GET a JSON document and check it against the schema of what we read from it */
  async function getJson<T extends TSchema> (session: AccountSession<HeadHunterCredentials>, path: string, schema: T, what: string, query?: HeadHunterRequest['query']): Promise<Static<T>> {
    const res = await call(session, { method: 'GET', path, query })
    return parsePayload(schema, res.body, what)
  }

  return { send, call, getJson }
}
