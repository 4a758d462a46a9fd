// Djinni's own environment variables.
import { Type, type Static } from 'typebox'
import { UrlSetting } from '../settings.js'

export const DjinniEnv = Type.Object({
  DJINNI_API_URL: UrlSetting('https://djinni.co/api/v2', 'Djinni employer API base (assumed contract)')
})
export type DjinniSettings = Static<typeof DjinniEnv>
