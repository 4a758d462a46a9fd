// Robota.ua's HTTP specifics on top of the shared board client: the login that trades the
// employer's login and password for a JWT (auth-api), that JWT as a bearer on the employer API,
// shared by every call and replica through the credential store, and Robota.ua's answers turned
// into BoardError kinds. Facts from docs/boards.md; what it leaves open follows
// test/fakes/robotaua.ts and is marked ASSUMPTION.
import { parseBoardPayload, quoteBoardText } from '../payload.js'
import { Buffer } from 'node:buffer'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import { BoardError, type BoardErrorKind } from '../errors.js'
import { createBoardHttp, type BoardHttp, type BoardRequest, type BoardResponse } from '../http.js'
import { reportedRenewal } from '../renewal.js'
import type { AccountSession, BoardDeps } from '../types.js'
import type { RobotauaSettings } from './settings.js'
import { ourFieldOf } from './fields.js'

const board = 'robotaua'

/** what the host sends on install */
export const RobotauaInstall = Type.Object({
  login: Type.String({ minLength: 1, maxLength: 254, description: 'the login the employer signs in to Robota.ua with (usually an e-mail)' }),
  password: Type.String({ minLength: 1, maxLength: 256, description: 'its password; stored sealed, never returned' })
}, { additionalProperties: false })
export type RobotauaInstall = Static<typeof RobotauaInstall>

/** what is stored (sealed) per account; only `login` is shown */
export const RobotauaCredentials = Type.Object({
  login: Type.String(),
  password: Type.String(),
  token: Type.Optional(Type.String({ description: 'the JWT of the last login' })),
  tokenExpiresAt: Type.Optional(Type.String({ description: 'ISO time the token expires (its `exp`)' }))
}, { additionalProperties: false })
export type RobotauaCredentials = Static<typeof RobotauaCredentials>

type Session = AccountSession<RobotauaCredentials>

/** a request to the employer API as the adapter describes it; the client adds the token, agent and log */
export type RobotauaRequest = Omit<BoardRequest, 'dispatcher' | 'log'>

/** the answer and the token it was sent with (its claims name the employer) */
export interface RobotauaAnswer {
  response: BoardResponse
  token: string
}

// Robota.ua has no refresh token, so we log in anew ahead of `exp` (docs/boards.md, Robota.ua: Authentication); a margin so a call does not start
// with a token that dies in flight, and so replicas with a skewed clock still renew in time
export const RENEW_BEFORE_MS = 5 * 60_000
// a token whose `exp` cannot be read is trusted for an hour, then replaced
export const ASSUMED_TOKEN_LIFETIME_MS = 60 * 60_000

// RFC 6750 token68 characters: anything else (HTML, an empty answer, an object) is not a token
const Token = Type.String({ minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9._~+/=-]+$' })

// ASSUMPTION (the fake): payload `{sub, exp, iat, employerId}`, `employerId` 0 for job seekers.
// .NET issuers often write numeric claims as strings, so both are read.
const Claims = Type.Object({
  exp: Type.Optional(Type.Number()),
  sub: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  employerId: Type.Optional(Type.Union([Type.String(), Type.Number()]))
})
export type RobotauaClaims = Static<typeof Claims>

// ASSUMPTION (the fake, ASP.NET style): errors are `{message}`, validation errors `{message, field}`
const ErrorBody = Type.Object({
  message: Type.String(),
  field: Type.Optional(Type.String())
})

/** the JWT's payload, read without checking the signature (we only learn `exp` and ids from it) */
export function decodeClaims (token: string): RobotauaClaims | null {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[1] === undefined || parts[1] === '') return null
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return Value.Check(Claims, payload) ? payload : null
  } catch {
    return null
  }
}

/** ISO time the token expires: its `exp`, or an hour from now when that cannot be read */
export function tokenExpiryOf (token: string, now = Date.now()): string {
  const exp = decodeClaims(token)?.exp
  const ms = exp === undefined ? Number.NaN : exp * 1000
  // Date's own range; beyond it toISOString throws
  const readable = Number.isFinite(ms) && ms > 0 && ms < 8.64e15
  return new Date(readable ? ms : now + ASSUMED_TOKEN_LIFETIME_MS).toISOString()
}

/** the stored token, when it still has more than RENEW_BEFORE_MS to live */
export function usableToken (credentials: RobotauaCredentials, now = Date.now()): string | null {
  const { token } = credentials
  if (token === undefined || token === '') return null
  const stored = credentials.tokenExpiresAt === undefined ? Number.NaN : Date.parse(credentials.tokenExpiresAt)
  const expiresAt = Number.isNaN(stored) ? Date.parse(tokenExpiryOf(token, now)) : stored
  return expiresAt - now > RENEW_BEFORE_MS ? token : null
}

/** the employer id the token stands for (`employerId`, else `sub`), or null */
export function employerIdOf (claims: RobotauaClaims | null): string | null {
  const employerId = claims?.employerId
  if (employerId !== undefined && String(employerId) !== '' && String(employerId) !== '0') return String(employerId)
  const sub = claims?.sub
  return sub === undefined || String(sub) === '' ? null : String(sub)
}

/** ASSUMPTION (the fake): a job seeker's token carries `employerId` 0 */
const isJobSeekerToken = (claims: RobotauaClaims | null): boolean =>
  claims?.employerId !== undefined && String(claims.employerId) === '0'

/** the board's body checked against the minimal schema of what we read, or 'bad_response' */
export const parsePayload = <T extends TSchema>(schema: T, body: unknown, what: string): Static<T> =>
  parseBoardPayload(board, schema, body, what)

const headerOf = (res: BoardResponse, name: string): string => {
  const value = res.headers[name]
  return (Array.isArray(value) ? value[0] : value) ?? ''
}

/**
 * Robota.ua is fronted by Cloudflare, which can refuse server addresses (docs/boards.md, Robota.ua: Authentication). Its refusals are HTML pages (and carry
 * `cf-ray`); Robota.ua's own answers are JSON. 429 never reaches here: http.ts retries it.
 */
export function isEdgeRefusal (res: BoardResponse): boolean {
  if (res.status !== 403) return false
  const html = headerOf(res, 'content-type').includes('text/html') || /^\s*</.test(res.text)
  return html || (headerOf(res, 'cf-ray') !== '' && res.body === undefined)
}

function fail (kind: BoardErrorKind, detail: string, boardStatus: number, field?: string): BoardError {
  return new BoardError({ board, kind, detail, boardStatus, field })
}

/**
 * The BoardError a non-2xx answer of Robota.ua stands for. `claims` are those of the token the
 * request carried, when it carried one; `secrets` (the password, the token) are blanked out of
 * whatever of Robota.ua's words is quoted, since a board may echo the request back.
 *
 * ASSUMPTION (the fake, docs/boards.md is silent): job seekers log in fine and the employer API answers
 * them 403 `{message:"Employer account required"}`; a blocked employer also logs in and gets 403
 * `{message:"Employer account is blocked"}`. So the message tells them apart ("block" first), and a
 * token with `employerId` 0 marks a job seeker whatever the wording.
 */
export function boardErrorOf (res: BoardResponse, claims: RobotauaClaims | null = null, secrets: readonly string[] = []): BoardError {
  const status = res.status
  if (isEdgeRefusal(res)) {
    return fail('unavailable', `Robota.ua's edge (Cloudflare) refused this server (HTTP ${status}, an HTML page instead of the API); it blocks some server addresses: retry later or from another address`, status)
  }
  const error = Value.Check(ErrorBody, res.body) ? res.body : null
  // the board's own words tell the kinds apart; only their quoted form, secrets blanked, is shown
  const message = error === null ? '' : error.message
  const quoted = quoteBoardText(message, secrets)
  const said = quoted === '' ? `HTTP ${status}` : `${status}: ${quoted}`
  if (status === 401) {
    return fail('invalid_credentials', 'Robota.ua refused a freshly issued token (401); check the login and password', status)
  }
  if (status === 403) {
    if (/block/i.test(message)) return fail('account_blocked', `Robota.ua blocked this employer account (${said})`, status)
    if (/employer/i.test(message) || isJobSeekerToken(claims)) {
      return fail('not_employer', 'Robota.ua: an employer account is required; this login is a job-seeker account', status)
    }
    if (/publication/i.test(message)) return fail('quota', `Robota.ua: no publication of this type left (${said})`, status)
    return fail('rejected', `Robota.ua refused the request (${said})`, status)
  }
  if (status === 404) return fail('not_found', `Robota.ua: not found (${said})`, status)
  // ASSUMPTION (docs/boards.md and the fake are silent): a duplicate is a 409, or says so in its message
  if (status === 409 || (status >= 400 && status < 500 && /duplicate|already exists/i.test(message))) {
    return fail('duplicate', `Robota.ua says it has this vacancy already (${said})`, status)
  }
  if (status >= 400 && status < 500) {
    // the board names its body field (`name`, `cityId`, …): the error names ours (`title`, `cityId`, …)
    const field = error?.field === undefined ? undefined : ourFieldOf(error.field)
    return fail('rejected', `Robota.ua refused the request (${said})`, status, field)
  }
  if (status >= 500) return fail('unavailable', `Robota.ua answered ${status}`, status)
  return fail('bad_response', `Robota.ua answered an unexpected ${status}`, status)
}

/** the token in the login answer: a JSON string, or the bare JWT as text (maybe still quoted) */
function tokenOf (res: BoardResponse): string | null {
  let body = res.body
  if (typeof body === 'string' && /^\s*".*"\s*$/s.test(body)) {
    try { body = JSON.parse(body) } catch { return null }
  }
  if (typeof body !== 'string') return null
  const token = body.trim()
  return Value.Check(Token, token) ? token : null
}

export type RobotauaClient = ReturnType<typeof createRobotauaClient>

export function createRobotauaClient (deps: BoardDeps<RobotauaSettings>) {
  const http = (baseUrl: string): BoardHttp => createBoardHttp({ board, baseUrl, ...deps.http })
  const authHttp = http(deps.settings.ROBOTAUA_AUTH_URL)
  const apiHttp = http(deps.settings.ROBOTAUA_API_URL)

  /** docs/boards.md: `POST {auth}/Login {username, password, remember:true}` → the JWT */
  async function login (account: { login: string, password: string }, dispatcher: Dispatcher, log?: FastifyBaseLogger): Promise<{ token: string, tokenExpiresAt: string }> {
    const res = await authHttp.send({
      method: 'POST',
      path: '/Login',
      json: { username: account.login, password: account.password, remember: true },
      // a login creates nothing on the board: safe to resend after a 5xx or a dropped connection
      idempotent: true,
      dispatcher,
      log
    })
    // ASSUMPTION (the fake): bad credentials are 400 `{message}`, or 401
    if (res.status === 400 || res.status === 401) {
      throw fail('invalid_credentials', 'Robota.ua refused the login or password', res.status)
    }
    if (res.status !== 200) throw boardErrorOf(res, null, [account.password])
    const token = tokenOf(res)
    // the body is not echoed: it might be a token in a shape we did not expect
    if (token === null) throw fail('bad_response', 'Robota.ua\'s login answered 200 without a token (expected the JWT as a string)', res.status)
    const tokenExpiresAt = tokenExpiryOf(token)
    log?.info({ board, tokenExpiresAt }, 'Robota.ua login')
    return { token, tokenExpiresAt }
  }

  // when this process last logged in for a credential store (one per session), and the token it
  // got: a login that began after a refused request was sent answers for that request, even when
  // the board issued the very same token again (a deterministic issuer within one second)
  const lastLogin = new WeakMap<Session['credentials'], { token: string, startedAt: number }>()

  /**
   * Logs in again, under the credential store's lock, unless the stored token already does:
   * whoever gets the lock second finds the token another call or replica just got and uses it.
   * `refused` is the token the API answered 401 to and when that request was sent; without it the
   * stored token only has to be far enough from its expiry.
   */
  async function renewToken (session: Session, refused?: { token: string, sentAt: number }): Promise<string> {
    const renewed = await reportedRenewal(deps, board, async reused => await session.credentials.update(async latest => {
      const token = usableToken(latest)
      if (token !== null) {
        const last = lastLogin.get(session.credentials)
        const newerThanRefused = refused === undefined || token !== refused.token ||
          (last !== undefined && last.token === token && last.startedAt >= refused.sentAt)
        if (newerThanRefused) { reused(); return latest }
      }
      const startedAt = Date.now()
      const fresh = await login(latest, deps.agents.for(session.key), session.log)
      lastLogin.set(session.credentials, { token: fresh.token, startedAt })
      return { ...latest, ...fresh }
    }))
    const token = usableToken(renewed) ?? renewed.token
    if (token === undefined) throw new BoardError({ board, kind: 'bad_response', detail: 'Robota.ua\'s login left no token' })
    return token
  }

  async function sendWithToken (session: Session, req: RobotauaRequest, token: string): Promise<BoardResponse> {
    return await apiHttp.send({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${token}` },
      dispatcher: deps.agents.for(session.key),
      log: session.log
    })
  }

  /**
   * Sends with the stored token, logging in first when it is missing or about to expire, and once
   * more when the API answers 401 (revoked, or expired by the board's clock). Answers whatever
   * status the board gave.
   */
  async function send (session: Session, req: RobotauaRequest): Promise<RobotauaAnswer> {
    let token = usableToken(session.credentials.current()) ?? await renewToken(session)
    const sentAt = Date.now()
    let response = await sendWithToken(session, req, token)
    if (response.status === 401) {
      session.log.info({ board }, 'Robota.ua refused the token (401); logging in again')
      token = await renewToken(session, { token, sentAt })
      response = await sendWithToken(session, req, token)
    }
    return { response, token }
  }

  /** `send`, with any non-2xx answer thrown as its BoardError */
  async function call (session: Session, req: RobotauaRequest): Promise<RobotauaAnswer> {
    const answer = await send(session, req)
    const { status } = answer.response
    if (status < 200 || status >= 300) throw boardErrorOf(answer.response, decodeClaims(answer.token), [session.credentials.current().password, answer.token])
    return answer
  }

  return { login, send, call }
}
