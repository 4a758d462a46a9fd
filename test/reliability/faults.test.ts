// The fault matrix: for every fake board, each fault a board produces (429 with Retry-After,
// 500/502/503, a timeout, a connection reset, malformed JSON, a truncated page, credentials revoked
// or expired) at each step of the flow (account check, publish, page 1 and page 2 of a sync,
// outcome). While the fault lasts the step fails the way the host is told it does; after the fault
// clears the same flow completes, and then: every application is stored exactly once, the
// publication's status and transitions tell the truth, no sync is left leased or running, and no
// integration was left `active` while its credentials were dead.
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import type { FakeServer, Fault } from '../fakes/fake-server.js'
import { build, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

// ~170 cases: longer than the suite's default file timeout
t.setTimeout(300_000)
const boards = await startFakeBoards()

type BoardId = 'djinni' | 'workua' | 'robotaua' | 'headhunter'
type Step = 'check' | 'publish' | 'page 1' | 'page 2' | 'outcome'
type Kind = '429' | '500' | '502' | '503' | 'timeout' | 'reset' | 'malformed' | 'truncated' | 'revoked' | 'expired'
const STEPS: Step[] = ['check', 'publish', 'page 1', 'page 2', 'outcome']
const KINDS: Kind[] = ['429', '500', '502', '503', 'timeout', 'reset', 'malformed', 'truncated', 'revoked', 'expired']

// BOARD_MAX_RETRIES=1 (startFakeBoards): a fault lasting 3 requests outlasts the client's retries
// (robota.ua's client logs in again once on a 401, hh's refreshes once: still fewer than 3)
const TIMES = 3
const faultOf = (kind: Kind, match: RegExp, after: number): Fault | undefined => {
  switch (kind) {
    case '429': return { match, after, times: TIMES, status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ type: 'too_many_requests' }] } }
    case '500': case '502': case '503': return { match, after, times: TIMES, status: Number(kind), body: 'upstream error' }
    case 'timeout': case 'reset': case 'malformed': case 'truncated': return { match, after, times: TIMES, mode: kind }
    default: return undefined
  }
}

interface Account {
  install: (call: Call) => Promise<LightMyRequestResponse>
  /** the board stops taking the credentials (key deleted, password changed, tokens revoked) */
  revoke: () => void
  /** the user fixes them (key back, password back, a new OAuth grant) */
  restore: (call: Call, integrationId: string) => Promise<void>
  /** tokens expired (the adapter must log in again or refresh by itself); undefined: none to expire */
  expire?: () => void
}

interface BoardCase {
  board: BoardId
  server: FakeServer
  /** the requests of each step; null: the board has no such call */
  steps: Record<Step, RegExp | null>
  account: () => Account
  fields: Record<string, unknown>
  publicationType: string
  /** seeds `n` transferable applications on the posting */
  seed: (posting: string, n: number) => void
  /** enough applications for 3 pages */
  applications: number
  /** the board has the outcome of this application */
  outcomeShared?: (externalId: string) => boolean
}

let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

const cases: BoardCase[] = [
  {
    board: 'djinni',
    server: boards.djinni.server,
    steps: {
      check: /^GET \/api\/v2\/me\/$/,
      publish: /^POST \/api\/v2\/jobs\/$/,
      'page 1': /^GET \/api\/v2\/jobs\/\d+\/candidates\/$/,
      'page 2': /^GET \/api\/v2\/jobs\/\d+\/candidates\/$/,
      outcome: /^POST \/api\/v2\/applications\/\d+\/status$/
    },
    account: () => {
      const account = boards.djinni.addAccount({ key: unique('dj') })
      return {
        install: async call => await call('POST', '/v1/integrations', { board: 'djinni', name: unique('dj'), credentials: { keyName: 'k', apiKey: account.key } }),
        revoke: () => { boards.djinni.accounts.delete(account.key) },
        restore: async () => { boards.djinni.accounts.set(account.key, account) }
      }
    },
    fields: { category: 'JavaScript', experienceYears: 3, location: 'Kyiv', remoteType: 'remote' },
    publicationType: 'standard',
    seed: (posting, n) => { boards.djinni.addCandidates(Number(posting), n) },
    applications: 150, // pages of 100
    outcomeShared: id => boards.djinni.outcomeOf(Number(id)) === 'hired'
  },
  {
    board: 'workua',
    server: boards.workua.server,
    steps: {
      check: /^GET \/jobs\/my$/,
      publish: /^POST \/jobs$/,
      'page 1': /^GET \/jobs\/\d+\/responses\/$/,
      'page 2': /^GET \/jobs\/\d+\/responses\/$/,
      outcome: null // Work.ua has no outcome endpoint: recorded here only
    },
    account: () => {
      const account = boards.workua.addAccount({ login: `${unique('wu')}@acme.ua`, password: unique('pw'), publications: { standart_job: 20 } })
      const password = account.password
      return {
        install: async call => await call('POST', '/v1/integrations', { board: 'workua', name: unique('wu'), credentials: { login: account.login, password } }),
        revoke: () => { account.password = `changed-${password}` },
        restore: async () => { account.password = password }
      }
    },
    fields: { regionId: 1, categoryIds: [1], jobtypeIds: [74] },
    publicationType: 'standart_job',
    seed: (posting, n) => { boards.workua.addResponses(Number(posting), Array.from({ length: n }, () => ({ blacklisted: false, archived: false, rejected: false }))) },
    applications: 60 // pages of 50
  },
  {
    board: 'robotaua',
    server: boards.robotaua.server,
    steps: {
      check: /^POST \/auth\/Login$/,
      publish: /^POST \/api\/vacancy\/add$/,
      'page 1': /^POST \/api\/apply\/list$/,
      'page 2': /^POST \/api\/apply\/list$/,
      outcome: null // Robota.ua: not shared (no outcome API)
    },
    account: () => {
      const account = boards.robotaua.addAccount({ username: `${unique('ro')}@acme.ua`, password: unique('pw'), kind: 'employer' })
      boards.robotaua.setTickets('Business', 20, account.username)
      const password = account.password
      return {
        install: async call => await call('POST', '/v1/integrations', { board: 'robotaua', name: unique('ro'), credentials: { login: account.username, password } }),
        revoke: () => { account.password = `changed-${password}`; boards.robotaua.revokeTokens(account.username) },
        restore: async () => { account.password = password },
        expire: () => { boards.robotaua.expireTokens(account.username) }
      }
    },
    fields: { cityId: 1 },
    publicationType: 'Business',
    seed: (posting, n) => { boards.robotaua.addApplies(Number(posting), n, 1) },
    applications: 30 // pages of 20
  },
  {
    board: 'headhunter',
    server: boards.hh.server,
    steps: {
      check: /^GET \/me$/,
      publish: /^POST \/vacancies$/,
      'page 1': /^GET \/negotiations\/response$/,
      'page 2': /^GET \/negotiations\/response$/,
      outcome: /^PUT \/negotiations\//
    },
    account: () => {
      const account = boards.hh.addEmployerAccount()
      const grant = async (call: Call) => ({ code: boards.hh.issueAuthCode(account.key), state: (await call('GET', '/v1/boards/headhunter/authorize-url')).json().state })
      return {
        install: async call => await call('POST', '/v1/integrations', { board: 'headhunter', name: unique('hh'), credentials: await grant(call) }),
        revoke: () => { boards.hh.revokeTokens(account.key) },
        restore: async (call, integrationId) => {
          const res = await call('PATCH', `/v1/integrations/${integrationId}`, { credentials: await grant(call) })
          if (res.statusCode !== 200) throw new Error(`hh re-authorisation failed: ${res.body}`)
        },
        expire: () => { boards.hh.expireAccessTokens(account.key) }
      }
    },
    fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' },
    publicationType: 'standard',
    seed: (posting, n) => { boards.hh.addResponses(posting, n) },
    applications: 60, // pages of 50
    outcomeShared: id => boards.hh.stateChanges.some(c => c.negotiationId === id)
  }
]

interface Totals { cases: number, stepFailures: number }
const totals: Totals = { cases: 0, stepFailures: 0 }

async function sync (app: TestApp, publicationId: string): Promise<void> {
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
  for (let i = 0; i < 2; i++) { await app.app.scheduler.tick(); await app.app.scheduler.idle() }
}

/** one case: the whole flow with `kind` injected at `step` */
async function runCase (t: Test, app: TestApp, bc: BoardCase, step: Step, kind: Kind): Promise<void> {
  const call = await tenantCaller(app)
  const account = bc.account()
  const match = bc.steps[step]!
  // page 2: the first matching request passes; Robota.ua pages each folder, so its second page is
  // the second request of the run too
  const fault = faultOf(kind, match, step === 'page 2' ? 1 : 0)
  const dead = kind === 'revoked'
  let credentialsDead = false
  const integrationStatus = async (id: string) => (await call('GET', `/v1/integrations/${id}`)).json().status as string
  /** the fault starts now */
  const start = () => {
    if (fault !== undefined) bc.server.inject(fault)
    else if (dead && step === 'page 2') {
      // revoked between pages: the board stops taking them just before it answers page 2
      bc.server.inject({ match, after: 1, mode: 'pass', action: account.revoke })
      credentialsDead = true
    } else if (dead) { account.revoke(); credentialsDead = true } else account.expire!()
  }
  /** the fault clears: the board answers again, or the user fixed the credentials */
  const clear = async (integrationId?: string) => {
    bc.server.clearFaults()
    if (credentialsDead) {
      credentialsDead = false
      if (integrationId !== undefined) {
        await account.restore(call, integrationId)
        const checked = await call('POST', `/v1/integrations/${integrationId}/check`)
        t.equal(checked.json().status, 'active', 'credentials fixed: the integration is active again')
      } else {
        await account.restore(call, '')
      }
    }
  }
  const failed = (res: LightMyRequestResponse, what: string) => {
    totals.stepFailures++
    t.ok(res.statusCode >= 400 && res.statusCode !== 500, `${what} fails as the board's problem (${res.statusCode} ${res.json().code as string})`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json().code, /^JOBSYNC_ERR_BOARD_/)
    if (dead) t.match(res.json().code, /INVALID_CREDENTIALS/, 'dead credentials are named')
  }

  // 1. account check
  if (step === 'check') {
    start()
    const res = await account.install(call)
    if (kind === 'expired') t.equal(res.statusCode, 201)
    else {
      failed(res, 'install')
      const stored = await call('GET', '/v1/integrations')
      t.same(stored.json().items, [], 'nothing stored')
    }
    await clear()
  }
  let integrationId: string
  {
    const installed = step === 'check' && kind === 'expired' ? undefined : await account.install(call)
    if (installed !== undefined) {
      t.equal(installed.statusCode, 201, 'installed')
      integrationId = installed.json().id
    } else {
      integrationId = (await call('GET', '/v1/integrations')).json().items[0].id
    }
  }
  const integrationNotActiveWhileDead = async (when: string) => {
    if (dead) t.not(await integrationStatus(integrationId), 'active', `no integration left active with dead credentials (${when})`)
  }

  // 2. publish
  const hostJobId = unique(`${bc.board}-${kind}`)
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: `Engineer ${hostJobId}`, description: LONG_DESCRIPTION })
  if (step === 'publish') start()
  const created = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: bc.fields, publicationType: bc.publicationType, publish: true })
  let publicationId: string
  if (step === 'publish' && kind !== 'expired') {
    failed(created, 'publish')
    t.match(created.json(), { publicationStatus: 'error' }, 'the publication is in error, with the reason')
    publicationId = created.json().publicationId
    t.match((await call('GET', `/v1/publications/${publicationId}`)).json(), { status: 'error', error: { code: /^JOBSYNC_ERR_BOARD_/ } })
    await integrationNotActiveWhileDead('publish')
    await clear(integrationId)
    const again = await call('POST', `/v1/publications/${publicationId}/publish`)
    t.equal(again.statusCode, 200, `published on the second try ${again.statusCode === 200 ? '' : again.body}`)
  } else {
    t.equal(created.statusCode, 201, `published ${created.statusCode === 201 ? '' : created.body}`)
    publicationId = created.json().id
    if (step === 'publish') await clear(integrationId)
  }
  const posting = (await call('GET', `/v1/publications/${publicationId}`)).json().posting.externalId as string
  bc.seed(posting, bc.applications)

  // 3. sync, page by page
  if (step === 'page 1' || step === 'page 2') {
    start()
    await sync(app, publicationId)
    const runs = (await call('GET', `/v1/publications/${publicationId}/sync-runs`)).json().items
    if (kind === 'expired') {
      t.match(runs[0], { status: 'succeeded', created: bc.applications }, 'expired tokens renewed inside the run')
    } else {
      totals.stepFailures++
      t.match(runs[0], { status: 'failed', error: { code: /^JOBSYNC_ERR_BOARD_/ } }, `the run failed: ${runs[0]?.error?.code as string}`)
      if (step === 'page 2' && bc.board !== 'robotaua') t.ok(runs[0].pages >= 1, `the pages before the fault were stored (${runs[0].pages as number})`)
      if (dead) {
        await integrationNotActiveWhileDead('sync')
        t.match((await call('GET', `/v1/publications/${publicationId}`)).json(), { status: 'error' }, 'the publication leaves the schedule')
        t.match((await call('GET', `/v1/publications/${publicationId}/transitions`)).json().items.at(-1), { event: 'board_failed', actor: 'system', to: 'error' })
      } else {
        t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().status, 'published', 'a board that is down does not change the status')
      }
    }
    await leasesFree(t, app, publicationId)
    await clear(integrationId)
    if (dead) {
      // credentials fixed: publishing again puts it back on the schedule, on the same posting
      const again = await call('POST', `/v1/publications/${publicationId}/publish`)
      t.equal(again.statusCode, 200, `back to published ${again.statusCode === 200 ? '' : again.body}`)
    }
  }
  await sync(app, publicationId)
  const runs = (await call('GET', `/v1/publications/${publicationId}/sync-runs`)).json().items
  t.match(runs[0], { status: 'succeeded' }, 'the sync after the fault succeeds')
  await applicationsOnce(t, app, publicationId, bc.applications, call)

  // 4. outcome
  if (step === 'outcome' && bc.steps.outcome !== null) {
    const application = (await call('GET', `/v1/applications?publicationId=${publicationId}&limit=1`)).json().items[0] as { id: string, externalId: string }
    start()
    const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })
    t.equal(res.statusCode, 200, 'the outcome is recorded')
    if (kind !== 'expired') {
      totals.stepFailures++
      t.not(res.json().shared, 'shared', `not shared while the board fails (${res.json().shared as string})`)
      await integrationNotActiveWhileDead('outcome')
    }
    await clear(integrationId)
    let shared = res.json().shared as string
    for (let i = 0; i < 5 && shared !== 'shared'; i++) {
      if (shared === 'failed') {
        shared = (await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).json().shared
        continue
      }
      await app.db.updateTable('outcome_shares').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute()
      await app.app.dispatcher.drain()
      const listed = (await call('GET', `/v1/applications?publicationId=${publicationId}&limit=200`)).json().items.find((a: { id: string }) => a.id === application.id)
      shared = listed.outcomeShared
    }
    t.equal(shared, 'shared', 'the outcome reaches the board once it answers')
    t.ok(bc.outcomeShared!(application.externalId), 'the board has it')
  }

  // the end state
  await transitionsTellTheTruth(t, call, publicationId)
  t.equal(await integrationStatus(integrationId), 'active', 'the integration is active again')
  t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().status, 'published')
  await leasesFree(t, app, publicationId)
  totals.cases++
}

async function leasesFree (t: Test, app: TestApp, publicationId: string): Promise<void> {
  const row = await app.db.selectFrom('publications').select(['lease_owner', 'lease_expires_at']).where('id', '=', publicationId).executeTakeFirstOrThrow()
  t.equal(row.lease_owner, null, 'no sync holds the publication')
  const running = await app.db.selectFrom('sync_runs').select('id').where('publication_id', '=', publicationId).where('status', '=', 'running').execute()
  t.equal(running.length, 0, 'no run left running')
}

async function applicationsOnce (t: Test, app: TestApp, publicationId: string, expected: number, call: Call): Promise<void> {
  const { rows } = await sql<{ n: number, distinct: number }>`
    select count(*)::int as n, count(distinct external_id)::int as distinct from applications where publication_id = ${publicationId}`.execute(app.db)
  t.same(rows[0], { n: expected, distinct: expected }, `every application present exactly once (${expected})`)
  t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().applicationCount, expected, 'the count the host sees is exact')
}

/** each transition starts where the previous one ended, and the last ends at the current status */
async function transitionsTellTheTruth (t: Test, call: Call, publicationId: string): Promise<void> {
  const items = (await call('GET', `/v1/publications/${publicationId}/transitions`)).json().items as Array<{ from: string | null, to: string, event: string }>
  const chain = items.map(i => `${i.from ?? 'new'}→${i.to}`)
  const broken = items.findIndex((item, i) => i > 0 && item.from !== items[i - 1]!.to)
  t.equal(broken, -1, `transitions form one chain: ${chain.join(', ')}`)
  t.equal(items.at(-1)?.to, (await call('GET', `/v1/publications/${publicationId}`)).json().status, 'the last transition is the current status')
}

// one app (and database) per board, the boards side by side; a board's cases one after another,
// since a fault is injected into the board's fake for whichever request matches next
t.jobs = 4
for (const bc of cases.filter(c => process.env.FAULTS_BOARD === undefined || process.env.FAULTS_BOARD === c.board)) {
  t.test(`${bc.board}: faults at every step`, { buffered: true }, async t => {
    // a fake board answers in milliseconds: 400 ms is a timeout; failed runs come back only when made due
    const app = await build(t, { ownDb: true, env: { ...boards.env, BOARD_TIMEOUT_MS: '400', SYNC_RETRY_SECONDS: '3600' } })
    for (const step of STEPS) {
      if (bc.steps[step] === null) continue
      for (const kind of KINDS) {
        // tokens to expire: Robota.ua's JWT and hh's access token (Djinni keys and Work.ua passwords do not expire)
        if (kind === 'expired' && (step === 'check' || !(bc.board === 'robotaua' || bc.board === 'headhunter'))) continue
        // an hh install carries a fresh OAuth grant: there is nothing to revoke before it
        if (kind === 'revoked' && step === 'check' && bc.board === 'headhunter') continue
        await t.test(`${kind} at ${step}`, async t => {
          try { await runCase(t, app, bc, step, kind) } finally { bc.server.clearFaults() }
        })
      }
    }
  })
}

t.teardown(() => { console.log(`# fault matrix: ${totals.cases} cases completed, ${totals.stepFailures} steps failed under a fault and recovered`) })
