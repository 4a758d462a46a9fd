// All four fake boards on 127.0.0.1, and the environment that points the app at them.
import tap from 'tap'
import { startDjinniFake, type DjinniFake } from '../fakes/djinni.js'
import { startHeadHunterFake, type HeadHunterFake } from '../fakes/headhunter/index.js'
import { startRobotaFake, type RobotaFake } from '../fakes/robotaua.js'
import { startWorkuaFake, type WorkuaFake } from '../fakes/workua.js'

export interface FakeBoards {
  djinni: DjinniFake
  workua: WorkuaFake
  robotaua: RobotaFake
  hh: HeadHunterFake
  env: Record<string, string>
}

/** started once per test file, closed when it ends; hh's spec violations fail the file */
export async function startFakeBoards (): Promise<FakeBoards> {
  const [djinni, workua, robotaua, hh] = await Promise.all([
    startDjinniFake(), startWorkuaFake(), startRobotaFake(), startHeadHunterFake({ redirectUri: 'https://host.example/hh/callback' })
  ])
  tap.teardown(async () => {
    await Promise.all([djinni.close(), workua.close(), robotaua.close(), hh.close()])
  })
  tap.teardown(() => { hh.assertNoViolations() })
  return {
    djinni,
    workua,
    robotaua,
    hh,
    env: {
      DJINNI_API_URL: djinni.url,
      WORKUA_API_URL: workua.url,
      ROBOTAUA_API_URL: robotaua.apiUrl,
      ROBOTAUA_AUTH_URL: robotaua.authUrl,
      HH_API_URL: hh.apiUrl,
      HH_OAUTH_URL: hh.oauthUrl,
      HH_CLIENT_ID: hh.clientId,
      HH_CLIENT_SECRET: hh.clientSecret,
      HH_REDIRECT_URI: 'https://host.example/hh/callback',
      BOARD_MAX_RETRIES: '1',
      BOARD_TIMEOUT_MS: '1000'
    }
  }
}
