// HeadHunter OAuth2, authorization-code grant only (docs/boards.md: no password grant). The token
// endpoint is `POST {HH_API_URL}/token` (hh's spec calls the older `POST https://hh.ru/oauth/token`
// outdated), form-encoded, and fails with RFC 6749 `{error, error_description}` rather than hh's
// API error list. The employer still grants access on `{HH_OAUTH_URL}/oauth/authorize`.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import { AppError } from '../../errors.js'
import { BoardError } from '../errors.js'
import type { BoardResponse } from '../http.js'
import type { BoardDeps } from '../types.js'
import type { HeadHunterSettings } from './settings.js'
import { quoteBoardText } from '../payload.js'
import { createHeadHunterHttp, parsePayload } from './client.js'

const board = 'headhunter'

/** what the host sends on install: the code hh appended to its redirect URI */
export const HeadHunterInstall = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 512, description: 'the OAuth authorization code HeadHunter appended to the redirect URI' }),
  redirectUri: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'the redirect URI the code was issued for; defaults to HH_REDIRECT_URI' }))
}, { additionalProperties: false })
export type HeadHunterInstall = Static<typeof HeadHunterInstall>

/** what is stored (encrypted) per account; every field is secret */
export interface HeadHunterCredentials {
  accessToken: string
  refreshToken: string
  /** ISO time the access token expires, from hh's `expires_in` (14 days) */
  expiresAt: string
}

const TokenAnswer = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  refresh_token: Type.String({ minLength: 1 }),
  expires_in: Type.Number({ minimum: 0 })
})

const OAuthRefusal = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String())
})

export function boardNotConfigured (detail = 'HH_CLIENT_ID, HH_CLIENT_SECRET and HH_REDIRECT_URI must be set to install HeadHunter accounts'): AppError {
  return new AppError({ code: 'JOBSYNC_ERR_BOARD_NOT_CONFIGURED', status: 503, title: 'Board not configured', detail })
}

function credentialsFrom (res: BoardResponse, now = Date.now()): HeadHunterCredentials {
  const answer = parsePayload(TokenAnswer, res.body, 'token answer')
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: new Date(now + answer.expires_in * 1000).toISOString()
  }
}

/** hh's current token endpoint, on the API host */
const TOKEN_PATH = '/token'

/** the token endpoint's `{error, error_description}` (anything it echoes of `secrets` blanked), or undefined when it sent something else */
function refusalOf (res: BoardResponse, secrets: readonly string[]): { error: string, description: string } | undefined {
  const body = res.body
  if (res.status < 400 || res.status >= 500 || !Value.Check(OAuthRefusal, body)) return undefined
  return { error: quoteBoardText(body.error, secrets).slice(0, 100), description: quoteBoardText(body.error_description ?? body.error, secrets).slice(0, 200) }
}

function unexpectedTokenAnswer (res: BoardResponse): BoardError {
  return new BoardError({ board, kind: res.status >= 500 ? 'unavailable' : 'bad_response', detail: `HeadHunter's token endpoint answered an unexpected ${res.status}`, boardStatus: res.status })
}

/** why hh refused to exchange an authorization code */
function codeRefusal (res: BoardResponse, secrets: readonly string[]): Error {
  const refusal = refusalOf(res, secrets)
  if (refusal === undefined) return unexpectedTokenAnswer(res)
  // hh's spec: `invalid_request`/`account not found` is its answer to a wrong client_id/secret pair
  if (refusal.error === 'invalid_client' || refusal.description === 'account not found') {
    return boardNotConfigured(`HeadHunter does not accept HH_CLIENT_ID/HH_CLIENT_SECRET (${refusal.description})`)
  }
  if (refusal.description === 'account is locked') {
    return new BoardError({ board, kind: 'account_blocked', detail: 'HeadHunter: the user account is locked; its owner must contact hh support', boardStatus: res.status })
  }
  return new BoardError({ board, kind: 'invalid_credentials', detail: `HeadHunter refused the authorization code: ${refusal.description}`, boardStatus: res.status })
}

export type HeadHunterOAuth = ReturnType<typeof createHeadHunterOAuth>

export function createHeadHunterOAuth (deps: BoardDeps<HeadHunterSettings>) {
  const { settings } = deps
  // the token endpoint lives on the API host now (hh's spec: `POST https://api.hh.ru/token`)
  const http = createHeadHunterHttp(deps, settings.HH_API_URL)
  const secrets = (...more: string[]): string[] => [settings.HH_CLIENT_SECRET ?? '', settings.HH_CLIENT_ID ?? '', ...more].filter(s => s !== '')

  /** whether this deployment can install HeadHunter accounts at all */
  function isConfigured (): boolean {
    return settings.HH_CLIENT_ID !== undefined && settings.HH_CLIENT_SECRET !== undefined && settings.HH_REDIRECT_URI !== undefined
  }

  function application (): { clientId: string, clientSecret: string, redirectUri: string } {
    const { HH_CLIENT_ID: clientId, HH_CLIENT_SECRET: clientSecret, HH_REDIRECT_URI: redirectUri } = settings
    if (clientId === undefined || clientSecret === undefined || redirectUri === undefined) throw boardNotConfigured()
    return { clientId, clientSecret, redirectUri }
  }

  /** where the host sends the employer to grant access; the service signs `state` */
  function authorizeUrl ({ state, redirectUri }: { state: string, redirectUri?: string }): string {
    const app = application()
    const url = new URL(`${settings.HH_OAUTH_URL.replace(/\/+$/, '')}/oauth/authorize`)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', app.clientId)
    url.searchParams.set('state', state)
    url.searchParams.set('redirect_uri', redirectUri ?? app.redirectUri)
    return url.toString()
  }

  /** authorization code → tokens; a code is single-use, so this is never retried after a 5xx */
  async function exchangeCode (input: HeadHunterInstall, dispatcher: Dispatcher, log?: FastifyBaseLogger): Promise<HeadHunterCredentials> {
    const app = application()
    const res = await http.send({
      method: 'POST',
      path: TOKEN_PATH,
      form: [
        ['grant_type', 'authorization_code'],
        ['client_id', app.clientId],
        ['client_secret', app.clientSecret],
        ['code', input.code],
        // hh's spec requires it, and it must be the one the code was issued for
        ['redirect_uri', input.redirectUri ?? app.redirectUri]
      ],
      dispatcher,
      log
    })
    if (res.status !== 200) throw codeRefusal(res, secrets(input.code))
    return credentialsFrom(res)
  }

  /**
   * refresh token → new tokens. hh lets a refresh token be used one time, and not before the access token
   * is dead (docs/boards.md, HeadHunter: Authentication); 'not_expired' is hh saying it is still alive
   * (`invalid_grant`/`token not expired`).
   * The caller holds the credential lock. hh's spec: this grant takes no client id or secret.
   */
  async function refresh (refreshToken: string, dispatcher: Dispatcher, log?: FastifyBaseLogger): Promise<HeadHunterCredentials | 'not_expired'> {
    const res = await http.send({
      method: 'POST',
      path: TOKEN_PATH,
      form: [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]],
      dispatcher,
      log
    })
    if (res.status === 200) return credentialsFrom(res)
    const refusal = refusalOf(res, secrets(refreshToken))
    if (refusal === undefined) throw unexpectedTokenAnswer(res)
    if (refusal.error === 'invalid_grant' && refusal.description === 'token not expired') return 'not_expired'
    // revoked, used already, unknown: only a new install brings the account back
    throw new BoardError({ board, kind: 'invalid_credentials', detail: `HeadHunter refused to renew the account's access (${refusal.description}); install the account again`, boardStatus: res.status })
  }

  return { isConfigured, authorizeUrl, exchangeCode, refresh }
}
