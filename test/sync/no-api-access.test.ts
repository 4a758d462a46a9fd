// An hh account without paid API access (issue 17, item 7), through the service: the sync that
// meets hh's 403 api_access_payment turns the integration `no_api_access` with hh's words, the
// publication waits off the schedule (no run every hour), and a check once access is bought puts
// it back.
import t from 'tap'
import { build } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { installAccount, LONG_DESCRIPTION, tenantCaller } from '../helpers/publishing.js'
import { fakeDefinition } from '../fakes/index.js'

const boards = await startFakeBoards()
const fake = boards.headhunter

t.test('no paid API access: a visible status, off the schedule until a check passes', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const employer = fake.addEmployerAccount()
  const { publishing, responses } = fakeDefinition('headhunter').scenario
  const installed = await installAccount(call, 'headhunter', { credentials: () => ({ code: fake.issueAuthCode(employer.key) }), revoke: () => {} })
  t.equal(installed.statusCode, 201, installed.body)
  const integrationId = installed.json().id as string

  await call('PUT', '/v1/jobs/no-access', { title: 'Engineer without API access', description: LONG_DESCRIPTION })
  const created = await call('POST', '/v1/jobs/no-access/publications', { integrationId, fields: publishing.fields, publicationType: publishing.publicationType, publish: true })
  t.equal(created.statusCode, 201, created.body)
  const publicationId = created.json().id as string
  responses.add(fake, created.json().posting.externalId as string, 3)

  const runsOf = async () => (await call('GET', `/v1/publications/${publicationId}/sync-runs`)).json().items as Array<{ status: string, created: number }>
  const syncDue = async () => {
    await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
    for (let i = 0; i < 2; i++) { await app.app.scheduler.tick(); await app.app.scheduler.idle() }
  }

  fake.setPaidApiAccess(employer.key, false)
  await syncDue()
  const integration = (await call('GET', `/v1/integrations/${integrationId}`)).json()
  t.equal(integration.status, 'no_api_access', 'the integration shows it')
  t.match(JSON.stringify(integration.lastError), /paid API access/, "with hh's words")
  t.equal((await runsOf()).length, 1, 'one failed run')
  t.match((await runsOf())[0], { status: 'failed' })

  // due again: the claim passes it by while the integration has no access
  await syncDue()
  t.equal((await runsOf()).length, 1, 'no run while the account has no access')

  // access bought: a check of the integration passes, and the next sync stores the responses
  fake.setPaidApiAccess(employer.key, true)
  const checked = await call('POST', `/v1/integrations/${integrationId}/check`)
  t.equal(checked.json().status, 'active', checked.body)
  t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().status, 'published', 'the publication waited, still published')
  await syncDue()
  t.match((await runsOf())[0], { status: 'succeeded', created: 3 }, 'synced once access is back')
})
