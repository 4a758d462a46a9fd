// The fault matrix: for every fake board, each fault a board produces (429 with Retry-After,
// 500/502/503, a timeout, a connection reset, malformed JSON, a truncated page, credentials revoked
// or expired, valid JSON with poison values in its text) at each step of the flow (account check,
// publication quota, a board-wide catalogue, publish, a posting check, page 1 and page 2 of a sync,
// outcome). While the fault lasts the step fails the way the host is told it does; after the fault
// clears the same flow completes, and then: every application is stored exactly once, the
// publication's status and transitions tell the truth, no sync is left leased or running, and no
// integration was left `active` while its credentials were dead.
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { boardDefinition } from '../../src/boards/registry.js'
import { serverGroup, type FakeServerGroup, type Fault } from '../fakes/fake-server.js'
import { FAKE_BOARD_IDS, fakeDefinition, type FakeBoardId } from '../fakes/index.js'
import { build, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { installAccount, installCredentials, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

// ~260 cases, the boards side by side: longer than the suite's default file timeout (about 6
// minutes on a loaded 2-core machine, the process's exit included)
t.setTimeout(600_000)
const boards = await startFakeBoards()

type Step = 'check' | 'quota' | 'dictionary' | 'publish' | 'posting check' | 'page 1' | 'page 2' | 'outcome'
type Kind = '429' | '500' | '502' | '503' | 'timeout' | 'reset' | 'malformed' | 'truncated' | 'revoked' | 'expired' | 'poison'
const STEPS: Step[] = ['check', 'quota', 'dictionary', 'publish', 'posting check', 'page 1', 'page 2', 'outcome']
/** steps of the publish screen and the posting's life: their case ends once the step is done and cleared */
const SHORT_STEPS: ReadonlySet<Step> = new Set(['quota', 'dictionary', 'posting check'])
const KINDS: Kind[] = ['429', '500', '502', '503', 'timeout', 'reset', 'malformed', 'truncated', 'revoked', 'expired', 'poison']

// BOARD_MAX_RETRIES=1 (startFakeBoards): a fault lasting 3 requests outlasts the client's retries
// (robota.ua's client logs in again once on a 401, hh's refreshes once: still fewer than 3)
const TIMES = 3
const faultOf = (kind: Kind, match: RegExp, after: number): Fault | undefined => {
  switch (kind) {
    case '429': return { match, after, times: TIMES, status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ type: 'too_many_requests' }] } }
    case '500': case '502': case '503': return { match, after, times: TIMES, status: Number(kind), body: 'upstream error' }
    case 'timeout': case 'reset': case 'malformed': case 'truncated': case 'poison': return { match, after, times: TIMES, mode: kind }
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
  board: FakeBoardId
  server: FakeServerGroup
  /** the requests of each step; null: the board has no such call */
  steps: Record<Step, RegExp | null>
  account: () => Account
  /** the board's accounts hold tokens that expire (Robota.ua's JWT, hh's access token; not a Djinni key or a Work.ua password) */
  tokensExpire: boolean
  /** an install carries a fresh OAuth grant: there is nothing to revoke before it */
  oauth: boolean
  /** the board-wide catalogue the dictionary step reads */
  dictionary: string | null
  fields: Record<string, unknown>
  publicationType: string
  /** seeds `n` transferable applications on the posting */
  seed: (posting: string, n: number) => void
  /** enough applications for several pages */
  applications: number
  /** the board has the outcome of this application */
  outcomeShared?: (externalId: string) => boolean
}

let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

// one case per fake board, from its definition (test/fakes/index.ts)
const cases: BoardCase[] = FAKE_BOARD_IDS.map((board): BoardCase => {
  const definition = fakeDefinition(board)
  const fake = boards[board]
  const { scenario, requests, outcomes } = definition
  const account = (): Account => {
    const opened = scenario.newAccount(fake)
    return {
      install: async call => await installAccount(call, board, opened),
      revoke: () => { opened.revoke() },
      restore: async (call, integrationId) => {
        if (opened.restore !== undefined) { opened.restore(); return }
        // a revoked grant stays dead: the employer grants access again and the host sends the new one
        const res = await call('PATCH', `/v1/integrations/${integrationId}`, { credentials: await installCredentials(call, board, opened) })
        if (res.statusCode !== 200) throw new Error(`${board} re-authorisation failed: ${res.body}`)
      },
      ...(opened.expire === undefined ? {} : { expire: opened.expire })
    }
  }
  return {
    board,
    server: serverGroup(definition.servers(fake)),
    steps: {
      check: requests.check,
      quota: requests.availablePublications,
      dictionary: definition.dictionary?.request ?? null,
      publish: requests.publish,
      'posting check': requests.postingCheck,
      'page 1': requests.responsesPage,
      'page 2': requests.responsesPage,
      // a board without an outcome endpoint: recorded here only
      outcome: outcomes?.request ?? null
    },
    account,
    // an account opened only to see what the board can do to one
    tokensExpire: scenario.newAccount(fake).expire !== undefined,
    oauth: boardDefinition(board)?.auth === 'oauth2',
    dictionary: definition.dictionary?.name ?? null,
    fields: scenario.publishing.fields,
    publicationType: scenario.publishing.publicationType,
    seed: (posting, n) => { scenario.responses.add(fake, posting, n) },
    applications: scenario.responses.severalPages,
    ...(outcomes === null ? {} : { outcomeShared: (externalId: string) => outcomes.shared(fake, externalId) })
  }
})

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

  // the publish screen: the paid publications left, and a catalogue of the board
  if (step === 'quota') await quotaStep(t, call, bc, integrationId, kind, { start, clear, failed, integrationNotActiveWhileDead })
  if (step === 'dictionary') await dictionaryStep(t, app, call, bc, integrationId, kind, { start, clear, failed, integrationNotActiveWhileDead })

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
  if (step === 'posting check') await postingCheckStep(t, app, call, bc, publicationId, kind, { start, clear, integrationNotActiveWhileDead }, integrationId)
  if (SHORT_STEPS.has(step)) {
    await endState(t, app, call, publicationId, integrationStatus, integrationId)
    // off the schedule: its first sync would queue before the next case's publication
    t.equal((await call('POST', `/v1/publications/${publicationId}/deactivate`)).statusCode, 200, 'taken off the schedule')
    return
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
    } else if (kind === 'poison') {
      // U+0000 and the rest are cleaned out before the page is stored: nothing to skip, nothing fails
      t.match(runs[0], { status: 'succeeded', created: bc.applications, unstorable: [] }, `poisoned pages stored (${runs[0]?.error?.code as string ?? 'no error'})`)
      t.notOk('unstorable' in runs[0].skipped, 'no response skipped')
      await storedTextIsClean(t, app, publicationId)
    } else {
      totals.stepFailures++
      t.match(runs[0], { status: 'failed', error: { code: /^JOBSYNC_ERR_BOARD_/ } }, `the run failed: ${runs[0]?.error?.code as string}`)
      if (step === 'page 2') t.ok(runs[0].pages >= 1, `the pages before the fault were stored (${runs[0].pages as number})`)
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

  await endState(t, app, call, publicationId, integrationStatus, integrationId)
}

async function endState (t: Test, app: TestApp, call: Call, publicationId: string, integrationStatus: (id: string) => Promise<string>, integrationId: string): Promise<void> {
  await transitionsTellTheTruth(t, call, publicationId)
  t.equal(await integrationStatus(integrationId), 'active', 'the integration is active again')
  t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().status, 'published')
  await leasesFree(t, app, publicationId)
  totals.cases++
}

/** what a step is given of its case: the fault's start and end, and the checks every failure gets */
interface StepTools {
  start: () => void
  clear: (integrationId?: string) => Promise<void>
  failed?: (res: LightMyRequestResponse, what: string) => void
  integrationNotActiveWhileDead: (when: string) => Promise<void>
}

/** requests of the board that match `re` so far */
const asked = (bc: BoardCase, re: RegExp) => bc.server.requests.filter(r => re.test(`${r.method} ${r.path}`)).length

/** the publication types with the paid publications left: a board failing answers a problem (nothing counted yet), and counts once it answers */
async function quotaStep (t: Test, call: Call, bc: BoardCase, integrationId: string, kind: Kind, tools: StepTools): Promise<void> {
  const before = asked(bc, bc.steps.quota!)
  tools.start()
  const res = await call('GET', `/v1/integrations/${integrationId}/publication-types`)
  // (dead credentials may stop the adapter at an earlier request: hh's `/me`)
  if (kind !== 'revoked') t.ok(asked(bc, bc.steps.quota!) > before, 'the board was asked for the counts')
  if (kind === 'expired') t.equal(res.statusCode, 200, `expired tokens renewed for the counts ${res.statusCode === 200 ? '' : res.body}`)
  else {
    tools.failed!(res, 'publication types')
    await tools.integrationNotActiveWhileDead('quota')
  }
  await tools.clear(integrationId)
  const again = await call('GET', `/v1/integrations/${integrationId}/publication-types`)
  t.equal(again.statusCode, 200, `counted once the board answers ${again.statusCode === 200 ? '' : again.body}`)
  t.ok(again.json().items.some((x: { paid: boolean, remaining: number | null }) => x.paid && typeof x.remaining === 'number'), 'a paid type with its count')
}

/**
 * A board-wide catalogue: asked of a failing board with nothing stored, a problem; stored once the
 * board answers; then served from the stored copy while the board fails again (a refresh due or not).
 */
async function dictionaryStep (t: Test, app: TestApp, call: Call, bc: BoardCase, integrationId: string, kind: Kind, tools: StepTools): Promise<void> {
  const name = bc.dictionary!
  const url = `/v1/integrations/${integrationId}/dictionaries/${name}`
  // nothing stored: every case starts from a board that has to be asked
  await app.db.deleteFrom('dictionary_copies').where('board', '=', bc.board).where('name', '=', name).execute()
  const before = asked(bc, bc.steps.dictionary!)
  tools.start()
  const res = await call('GET', url)
  const boardAsked = asked(bc, bc.steps.dictionary!) > before
  if (kind === 'expired' || (kind === 'revoked' && res.statusCode === 200)) {
    // a catalogue the board serves without the account's credentials is not touched by dead ones
    t.equal(res.statusCode, 200, `the catalogue ${res.statusCode === 200 ? '' : res.body}`)
  } else {
    if (kind !== 'revoked') t.ok(boardAsked, 'the board was asked for the catalogue')
    tools.failed!(res, 'dictionary')
    await tools.integrationNotActiveWhileDead('dictionary')
  }
  await tools.clear(integrationId)
  const stored = await call('GET', url)
  t.equal(stored.statusCode, 200, `stored once the board answers ${stored.statusCode === 200 ? '' : stored.body}`)
  const items = stored.json().items as unknown[]
  t.ok(items.length > 0, `${items.length} items`)

  // the board fails again with the copy due for a refresh: the stored copy answers, with its age
  await app.db.updateTable('dictionary_copies').set({ checked_at: new Date(Date.now() - 3 * 86_400_000) }).where('board', '=', bc.board).where('name', '=', name).execute()
  tools.start()
  const served = await call('GET', url)
  t.equal(served.statusCode, 200, `the stored copy answers while the board fails ${served.statusCode === 200 ? '' : served.body}`)
  t.same(served.json().items, items, 'the same items')
  await app.app.dictionaries.idle()
  await tools.clear(integrationId)
}

/**
 * A posting check while the board fails: a board that is down changes nothing (the check is due
 * again later); dead credentials fail the publication as a sync does; expired tokens are renewed.
 */
async function postingCheckStep (t: Test, app: TestApp, call: Call, bc: BoardCase, publicationId: string, kind: Kind, tools: StepTools, integrationId: string): Promise<void> {
  const seen = (await call('GET', `/v1/publications/${publicationId}`)).json()
  // no sync meanwhile: the check alone asks the board
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() + 3_600_000), posting_check_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
  const transitions = (await call('GET', `/v1/publications/${publicationId}/transitions`)).json().items.length as number
  const before = asked(bc, bc.steps['posting check']!)
  tools.start()
  for (let i = 0; i < 2; i++) { await app.app.scheduler.tick(); await app.app.scheduler.idle() }
  t.ok(asked(bc, bc.steps['posting check']!) > before, 'the check asked the board')
  const now = (await call('GET', `/v1/publications/${publicationId}`)).json()
  if (kind === 'revoked') {
    totals.stepFailures++
    await tools.integrationNotActiveWhileDead('posting check')
    t.match(now, { status: 'error', error: { code: /INVALID_CREDENTIALS/ } }, 'dead credentials fail the publication, with the reason')
  } else if (kind !== 'expired') {
    totals.stepFailures++
    t.match(now, { status: 'published', posting: { state: seen.posting.state, externalId: seen.posting.externalId } }, 'a board that is down changes nothing')
    t.equal((await call('GET', `/v1/publications/${publicationId}/transitions`)).json().items.length, transitions, 'no transition')
    const row = await app.db.selectFrom('publications').select('posting_check_at').where('id', '=', publicationId).executeTakeFirstOrThrow()
    t.ok(row.posting_check_at !== null && row.posting_check_at.getTime() > Date.now(), 'the check is due again later')
  } else {
    t.match(now, { status: 'published', posting: { externalId: seen.posting.externalId } }, 'expired tokens renewed for the check')
  }
  await tools.clear(integrationId)
  if (kind === 'revoked') {
    const again = await call('POST', `/v1/publications/${publicationId}/publish`)
    t.equal(again.statusCode, 200, `back to published ${again.statusCode === 200 ? '' : again.body}`)
  }
  // the board answers again: the next check reads the posting
  await app.db.updateTable('publications').set({ posting_check_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
  for (let i = 0; i < 2; i++) { await app.app.scheduler.tick(); await app.app.scheduler.idle() }
  t.match((await call('GET', `/v1/publications/${publicationId}`)).json(), { status: 'published', posting: { externalId: String } }, 'checked once the board answers')
}

// what the poison leaves in text if it is stored as it came: a control character other than tab or a
// line break (Postgres takes those), or U+FFFD where an unpaired surrogate was encoded
const POISON_LEFT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/

async function storedTextIsClean (t: Test, app: TestApp, publicationId: string): Promise<void> {
  const rows = await app.db.selectFrom('applications').innerJoin('candidates', 'candidates.id', 'applications.candidate_id')
    .select(['applications.first_name', 'applications.last_name', 'applications.cover_letter', 'applications.resume_text', 'applications.phones',
      'applications.skills', 'applications.raw', 'candidates.first_name as candidate_first_name', 'candidates.last_name as candidate_last_name'])
    .where('applications.publication_id', '=', publicationId).execute()
  const strings = (value: unknown): string[] => typeof value === 'string' ? [value]
    : Array.isArray(value) ? value.flatMap(strings)
      : value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]) : []
  const dirty = rows.filter(row => strings(row).some(text => POISON_LEFT.test(text)))
  t.equal(dirty.length, 0, `no application or candidate keeps the poison (${rows.length} checked)`)
  t.ok(rows.some(row => row.first_name !== null && row.first_name !== ''), 'names came through, cleaned')
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
      if (process.env.FAULTS_STEPS !== undefined && !process.env.FAULTS_STEPS.split(',').includes(step)) continue
      for (const kind of KINDS.filter(k => process.env.FAULTS_KIND === undefined || process.env.FAULTS_KIND === k)) {
        if (kind === 'expired' && (step === 'check' || !bc.tokensExpire)) continue
        if (kind === 'revoked' && step === 'check' && bc.oauth) continue
        // poison is in the text of applicants: the pages of a sync carry it
        if (kind === 'poison' && step !== 'page 1' && step !== 'page 2') continue
        await t.test(`${kind} at ${step}`, async t => {
          try { await runCase(t, app, bc, step, kind) } finally { bc.server.clearFaults() }
        })
      }
    }
  })
}

t.teardown(() => { console.log(`# fault matrix: ${totals.cases} cases completed, ${totals.stepFailures} steps failed under a fault and recovered`) })
