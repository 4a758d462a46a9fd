// Robota.ua's own environment variables: the employer API and the login service are two hosts.
import { Type, type Static } from 'typebox'
import { UrlSetting } from '../settings.js'

export const RobotauaEnv = Type.Object({
  ROBOTAUA_API_URL: UrlSetting('https://employer-api.robota.ua', 'Robota.ua employer API base'),
  ROBOTAUA_AUTH_URL: UrlSetting('https://auth-api.robota.ua', 'Robota.ua auth API base')
})
export type RobotauaSettings = Static<typeof RobotauaEnv>
