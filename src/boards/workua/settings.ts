// Work.ua's own environment variables.
import { Type, type Static } from 'typebox'
import { UrlSetting } from '../settings.js'

export const WorkuaEnv = Type.Object({
  WORKUA_API_URL: UrlSetting('https://api.work.ua', 'Work.ua API base')
})
export type WorkuaSettings = Static<typeof WorkuaEnv>
