// hh's OAuth: the token endpoint (authorization code, single-use refresh token taken only once the
// access token is dead, client credentials), bearer authentication of API calls with hh's 403
// `oauth` refusals, the employer behind a manager's token, and token revocation.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FakeRequest } from '../fake-server.js'
import type { On } from './routing.js'
import { hex, Reply, type Account, type Employer, type HeadHunterState, type TokenPair } from './state.js'

export type Auth = { account: Account, pair: TokenPair } | { app: true, pair: TokenPair }

export function newPair (state: HeadHunterState, accountKey: string | null): TokenPair {
  const n = ++state.seq.token
  const pair: TokenPair = {
    accountKey,
    access: hex(`access:${n}`, 64).toUpperCase(),
    refresh: accountKey === null ? null : hex(`refresh:${n}`, 64).toUpperCase(),
    expiresAt: state.now() + state.ttlMs,
    refreshUsed: false,
    revoked: false
  }
  state.tokens.set(pair.access, pair)
  if (pair.refresh !== null) state.refreshTokens.set(pair.refresh, pair)
  return pair
}

export const tokenBody = (state: HeadHunterState, pair: TokenPair): Record<string, unknown> => pair.refresh === null
  ? { access_token: pair.access, token_type: 'bearer' }
  : { access_token: pair.access, token_type: 'bearer', refresh_token: pair.refresh, expires_in: Math.round((pair.expiresAt - state.now()) / 1000) }

export async function tokenEndpoint (state: HeadHunterState, req: FakeRequest): Promise<Reply> {
  const { options, clientId, clientSecret, counters, oauthError } = state
  const f = (req.body ?? {}) as Record<string, string>
  const grant = f.grant_type
  if (grant === 'authorization_code') {
    if (f.client_id !== clientId || f.client_secret !== clientSecret) return oauthError('invalid_client', 'client_id or client_secret not found')
    if (options.redirectUri !== undefined && f.redirect_uri !== options.redirectUri) return oauthError('invalid_request', 'bad redirect url')
    const code = state.codes.get(f.code ?? '')
    if (code === undefined) return oauthError('invalid_request', 'code not found')
    if (code.used) return oauthError('invalid_grant', 'code has already been used')
    code.used = true
    return new Reply(200, tokenBody(state, newPair(state, code.accountKey)))
  }
  if (grant === 'refresh_token') {
    counters.refreshAttempts++
    counters.inFlightRefreshes++
    counters.maxConcurrentRefreshes = Math.max(counters.maxConcurrentRefreshes, counters.inFlightRefreshes)
    try {
      if ((options.refreshDelayMs ?? 0) > 0) await sleep(options.refreshDelayMs)
      if ((f.refresh_token ?? '') === '') return oauthError('invalid_request', 'token is empty')
      const pair = state.refreshTokens.get(f.refresh_token!)
      if (pair === undefined) return oauthError('invalid_request', 'token not found')
      if (pair.revoked) return oauthError('invalid_grant', 'token was revoked')
      if (pair.refreshUsed) return oauthError('invalid_grant', 'token has already been refreshed')
      // hh: "refresh_token можно использовать только один раз и только по истечению срока действия access_token"
      if (state.now() < pair.expiresAt) return oauthError('invalid_grant', 'token not expired')
      pair.refreshUsed = true
      counters.refreshes++
      return new Reply(200, tokenBody(state, newPair(state, pair.accountKey)))
    } finally {
      counters.inFlightRefreshes--
    }
  }
  if (grant === 'client_credentials') {
    if (f.client_id !== clientId || f.client_secret !== clientSecret) return oauthError('invalid_client', 'client_id or client_secret not found')
    return new Reply(200, tokenBody(state, newPair(state, null)))
  }
  return oauthError('unsupported_grant_type', 'unsupported grant_type')
}

const oauthFailure = (state: HeadHunterState, value: 'bad_authorization' | 'token_expired' | 'token_revoked'): Reply =>
  state.apiError(403, [{ type: 'oauth', value }], {
    description: 'Forbidden',
    ...(value === 'token_expired' ? { oauth_error: 'token-expired' } : value === 'token_revoked' ? { oauth_error: 'token-revoked' } : {})
  })

export function authenticate (state: HeadHunterState, req: FakeRequest): Auth | Reply {
  const raw = req.headers.authorization
  const m = /^Bearer\s+(\S+)$/i.exec(Array.isArray(raw) ? raw[0] ?? '' : raw ?? '')
  if (m === null) return oauthFailure(state, 'bad_authorization')
  const pair = state.tokens.get(m[1]!)
  if (pair === undefined) return oauthFailure(state, 'bad_authorization')
  if (pair.revoked) return oauthFailure(state, 'token_revoked')
  if (pair.accountKey === null) return { app: true, pair }
  if (state.now() >= pair.expiresAt) return oauthFailure(state, 'token_expired')
  return { account: state.accountOf(pair.accountKey), pair }
}

/** the employer behind a manager token, or the refusal hh gives */
export function employerAuth (state: HeadHunterState, auth: Auth, employerId?: string): { account: Account, employer: Employer } | Reply {
  if ('app' in auth) return state.apiError(403, [{ type: 'oauth', value: 'user_auth_expected' }])
  if (auth.account.kind !== 'employer') return state.forbidden()
  const employer = state.employerOf(auth.account)
  if (employer.blocked === 'additional_check') return state.apiError(403, [{ type: 'forbidden', value: 'employer_on_additional_check_restricted' }])
  if (employer.blocked === 'manager_account') return state.apiError(403, [{ type: 'manager_accounts', value: 'used_manager_account_forbidden' }])
  if (employerId !== undefined && employerId !== employer.id) return state.employers.has(employerId) ? state.forbidden() : state.notFound()
  return { account: auth.account, employer }
}

export function oauthRoutes (_state: HeadHunterState, on: On): void {
  on('DELETE', '/oauth/token', (_req, _p, auth) => {
    auth.pair.revoked = true
    return new Reply(204)
  })
}

// ---------- what a test does on the board ----------

export function issueAuthCode (state: HeadHunterState, accountKey: string): string {
  state.accountOf(accountKey)
  const code = hex(`code:${++state.seq.code}`, 24).toUpperCase()
  state.codes.set(code, { accountKey, used: false })
  return code
}

export function issueTokens (state: HeadHunterState, accountKey: string): { access_token: string, refresh_token: string, expires_in: number } {
  state.accountOf(accountKey)
  return tokenBody(state, newPair(state, accountKey)) as { access_token: string, refresh_token: string, expires_in: number }
}

export function expireAccessTokens (state: HeadHunterState, accountKey?: string): void {
  for (const pair of state.tokens.values()) if (accountKey === undefined || pair.accountKey === accountKey) pair.expiresAt = Math.min(pair.expiresAt, state.now())
}

export function revokeTokens (state: HeadHunterState, accountKey: string): void {
  for (const pair of state.tokens.values()) if (pair.accountKey === accountKey) pair.revoked = true
}
