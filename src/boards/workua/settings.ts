// Work.ua's own environment variables: its API root, and how hard this deployment may push it.
import { Type, type Static } from 'typebox'
import { UrlSetting } from '../settings.js'

export const WorkuaEnv = Type.Object({
  WORKUA_API_URL: UrlSetting('https://api.work.ua', 'Work.ua API base'),
  // docs/boards.md (Work.ua, Errors and limits): 50 requests a second per address, then a minute's block
  WORKUA_REQUESTS_PER_SECOND: Type.Integer({
    default: 30,
    minimum: 1,
    maximum: 50,
    description: 'requests a second this deployment sends Work.ua at most, every replica and account together (Work.ua allows 50 per address; the rest is room for requests that arrive late, e.g. after a pause of the process)'
  }),
  WORKUA_BLOCK_SECONDS: Type.Integer({
    default: 60,
    minimum: 1,
    maximum: 3600,
    description: 'how long no replica sends Work.ua anything after its 429 without Retry-After (Work.ua blocks the address for a minute)'
  })
})
export type WorkuaSettings = Static<typeof WorkuaEnv>
