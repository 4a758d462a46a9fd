// HeadHunter's own environment variables: its two hosts, the OAuth application jobsync is
// registered as, and the HH-User-Agent hh asks every caller to send.
import { Type, type Static } from 'typebox'
import { UrlSetting } from '../settings.js'

export const HeadHunterEnv = Type.Object({
  HH_API_URL: UrlSetting('https://api.hh.ru', 'HeadHunter API base'),
  HH_OAUTH_URL: UrlSetting('https://hh.ru', 'HeadHunter OAuth host: the authorize page (tokens go to HH_API_URL/token)'),
  HH_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'HeadHunter OAuth application client id' })),
  HH_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'HeadHunter OAuth application client secret' })),
  HH_REDIRECT_URI: Type.Optional(Type.String({ pattern: '^https?://', description: 'redirect URI registered with the HeadHunter application' })),
  HH_USER_AGENT: Type.String({ default: 'jobsync/0.1 (ops@jobsync.local)', pattern: '^\\S+/\\S+ \\(.+\\)$', description: 'HH-User-Agent header, "Name/Version (email)"' })
})
export type HeadHunterSettings = Static<typeof HeadHunterEnv>
