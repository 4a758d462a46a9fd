// What every HeadHunter adapter test starts from: the fake, a config pointing at it, pooled agents,
// and a teardown that closes both and fails the test on any request hh's spec does not allow.
import { loadConfig, type Config } from '../../src/config.js'
import { AgentPool } from '../../src/boards/http.js'
import { startHeadHunterFake, type HeadHunterFake, type HeadHunterFakeOptions } from '../fakes/headhunter/index.js'

export const HH_TEST_REDIRECT_URI = 'https://host.example/oauth/hh'

interface Teardown { teardown: (fn: () => unknown) => void }

export async function headHunterHarness (t: Teardown, { env = {}, fake: fakeOptions = {} }: { env?: Record<string, string | undefined>, fake?: HeadHunterFakeOptions } = {}): Promise<{ fake: HeadHunterFake, config: Config, agents: AgentPool }> {
  const fake = await startHeadHunterFake(fakeOptions)
  const config = loadConfig({
    HH_API_URL: fake.apiUrl,
    HH_OAUTH_URL: fake.oauthUrl,
    HH_CLIENT_ID: fake.clientId,
    HH_CLIENT_SECRET: fake.clientSecret,
    HH_REDIRECT_URI: HH_TEST_REDIRECT_URI,
    BOARD_MAX_RETRIES: '2',
    ...env
  })
  const agents = new AgentPool({ connectionsPerAccount: 4, maxAccounts: 100 })
  t.teardown(async () => {
    await agents.close()
    await fake.close()
    fake.assertNoViolations()
  })
  return { fake, config, agents }
}
