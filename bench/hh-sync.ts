// HeadHunter requests per sync run over a vacancy with 2,000 stored responses, for 0, 10 and 100
// new ones: the adapter against the HeadHunter fake (which checks every request and reply against
// hh's spec), no database. A run walks hh's activity order and stops at the first response the last
// run saw, so its cost follows what is new, not what is stored (issue 17). Counts, not times.
import { createHeadHunterAdapter, type HeadHunterCredentials } from '../src/boards/headhunter/adapter.js'
import type { AccountSession, ResponsePage } from '../src/boards/types.js'
import { adapterHarness } from '../test/helpers/adapter-harness.js'
import { memoryStore } from '../test/helpers/credential-store.js'
import { report, SCALE } from './lib/harness.js'

const STORED = Math.max(100, Math.round(2000 * SCALE))
const NEW = [0, 10, 100]
const DESCRIPTION = '<p>Мы ищем backend-разработчика в команду платформы.</p><ul><li>Node.js и TypeScript каждый день</li><li>PostgreSQL, очереди, интеграции с внешними API</li></ul><p>Удалённо или в офисе, гибкий график, оплачиваемое обучение и конференции.</p>'

const teardowns: Array<() => unknown> = []
const { fake, adapter, log } = await adapterHarness({ teardown: fn => { teardowns.push(fn) } }, 'headhunter', {
  logLevel: 'silent',
  create: deps => createHeadHunterAdapter(deps)
})
const hh = fake.addEmployerAccount()
const session: AccountSession<HeadHunterCredentials> = { key: hh.key, credentials: memoryStore(await adapter.connect({ code: fake.issueAuthCode(hh.key) }, hh.key)), log }
const account = await adapter.checkAccount(session)
const { externalId: vacancyId } = await adapter.publish(session, account, { title: 'Backend', description: DESCRIPTION, fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' }, publicationType: 'free' })

async function run (cursor: string | null): Promise<{ cursor: string | null, requests: number, transferred: number }> {
  const before = fake.server.requests.length
  let last: ResponsePage | undefined
  let transferred = 0
  for await (const page of adapter.pageThroughResponses(session, account, vacancyId, cursor)) { last = page; transferred += page.items.length }
  return { cursor: last?.cursor ?? cursor, requests: fake.server.requests.length - before, transferred }
}

const day = 86_400_000
fake.addResponses(vacancyId, Array.from({ length: STORED }, (_, k) => ({ createdAt: new Date(Date.now() - 3 * day + k * 1000), coverLetter: null, hiddenResume: false })))
const first = await run(null)
let cursor = first.cursor
const runs: Array<{ fresh: number, requests: number, transferred: number }> = []
for (const fresh of NEW) {
  const after = Date.now()
  fake.addResponses(vacancyId, Array.from({ length: fresh }, (_, k) => ({ createdAt: new Date(after + k), coverLetter: 'Здравствуйте', hiddenResume: false })))
  const r = await run(cursor)
  cursor = r.cursor
  runs.push({ fresh, requests: r.requests, transferred: r.transferred })
}
for (const fn of teardowns.reverse()) await fn()

report({
  benchmark: 'hh-sync',
  stored: STORED,
  firstRun: { requests: first.requests, transferred: first.transferred },
  runs,
  targets: { followsNew: { met: runs.every(r => r.transferred === r.fresh) && runs[0]!.requests <= 4 && runs[1]!.requests - runs[0]!.requests <= 2 * 10 + 2 } }
})
