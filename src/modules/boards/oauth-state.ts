// The `state` of an OAuth authorize URL: which tenant asked, for which board and redirect URI,
// until when; signed so a code cannot be installed into another tenant.
import { randomBytes } from 'node:crypto'
import { invalidInput } from '../../errors.js'
import type { SecretBox } from '../../crypto/secrets.js'

const STATE_TTL_MS = 30 * 60_000
const PURPOSE = 'oauth-state'

interface StatePayload { t: string, b: string, r: string | null, e: number, n: string }

export function createOAuthState (secrets: SecretBox, now: () => number = Date.now) {
  return {
    issue (tenantId: string, board: string, redirectUri: string | undefined): string {
      const payload: StatePayload = { t: tenantId, b: board, r: redirectUri ?? null, e: now() + STATE_TTL_MS, n: randomBytes(8).toString('base64url') }
      const data = Buffer.from(JSON.stringify(payload)).toString('base64url')
      return `${data}.${secrets.sign(PURPOSE, data)}`
    },

    /** the redirect URI the state was issued for; throws a 400 pointing at credentials/state otherwise */
    verify (tenantId: string, board: string, state: string): { redirectUri: string | undefined } {
      const bad = (detail: string) => invalidInput(`OAuth state ${detail}; start again from GET /v1/boards/${board}/authorize-url`, [
        { in: 'body', pointer: '/credentials/state', detail }
      ])
      const [data, signature] = state.split('.')
      if (data === undefined || signature === undefined || !secrets.verify(PURPOSE, data, signature)) throw bad('is not one we issued')
      const payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as StatePayload
      if (payload.t !== tenantId || payload.b !== board) throw bad('was issued for another tenant or board')
      if (payload.e < now()) throw bad('has expired')
      return { redirectUri: payload.r ?? undefined }
    }
  }
}

export type OAuthState = ReturnType<typeof createOAuthState>
