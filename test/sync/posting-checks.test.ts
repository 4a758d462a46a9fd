// Posting checks on the scheduler and in the sync runner: the claim (due rows only, through its
// partial index, each claimed once), an answer about a publication an action moved meanwhile,
// dead credentials and a board that is down during a check, a 404 the posting lookup does not
// confirm, and the backoff of a publication that keeps failing.
import t from 'tap'
import { sql } from 'kysely'
import { BoardError } from '../../src/boards/errors.js'
import type { PostingStatus } from '../../src/boards/types.js'
import * as syncRepo from '../../src/sync/repo.js'
import { retryDelay } from '../../src/sync/runner.js'
import { problemOf } from '../helpers/app.js'
import { sandboxApp, sandboxVariant } from '../helpers/posting-life.js'

const rowOf = async (s: Awaited<ReturnType<typeof sandboxApp>>, id: string) =>
  await s.db.selectFrom('publications').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

/** `at` is about `ms` from now (a computed due time, not a measured duration) */
const inAbout = (at: Date | null, ms: number) => at !== null && Math.abs(at.getTime() - Date.now() - ms) < 30_000

t.test('the claim takes due checks only, pushes each a lease ahead, and never hands one to two claimers', async t => {
  const s = await sandboxApp(t)
  const ids: string[] = []
  for (let i = 0; i < 6; i++) {
    const pub = await s.publish({ applicants: 1 })
    await s.call('POST', `/v1/publications/${pub.id}/deactivate`)
    ids.push(pub.id)
  }
  const draft = await s.publish({ applicants: 1 }, { publish: false })
  t.equal((await rowOf(s, draft.id)).posting_check_at, null, 'a draft has nothing on the board to check')
  t.same(await syncRepo.claimDuePostingChecks(s.db, 10, 60_000), [], 'none due yet')

  for (const id of ids.slice(0, 4)) await s.checkDue(id)
  const [a, b] = await Promise.all([syncRepo.claimDuePostingChecks(s.db, 3, 60_000), syncRepo.claimDuePostingChecks(s.db, 3, 60_000)])
  const claimed = [...a!, ...b!].map(p => p.id)
  t.equal(claimed.length, 4, 'every due check claimed')
  t.equal(new Set(claimed).size, 4, 'each by one claimer')
  t.same(new Set(claimed), new Set(ids.slice(0, 4)))
  for (const p of [...a!, ...b!]) t.ok(inAbout(p.posting_check_at, 60_000), 'due again after the lease unless the check says otherwise')
  t.same(await syncRepo.claimDuePostingChecks(s.db, 10, 60_000), [], 'claimed ones are not due')

  // the claim reads the partial index of rows that have a check: rows with none cost nothing
  const plan = await s.db.transaction().execute(async trx => {
    await sql`set local enable_seqscan = off`.execute(trx)
    const { rows } = await sql<{ 'QUERY PLAN': string }>`explain select id from publications where posting_check_at <= now() order by posting_check_at limit 20 for update skip locked`.execute(trx)
    return rows.map(r => r['QUERY PLAN']).join('\n')
  })
  t.match(plan, /publications_posting_check_idx/)
})

t.test('an answer about a publication that an action moved meanwhile changes nothing', async t => {
  // while `held` is set, getPosting says it was asked and waits to be let go with the answer given
  let held: { asked: () => void, release: Promise<PostingStatus> } | null = null
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async getPosting (...args) {
        if (held === null) return await sandbox.getPosting(...args)
        held.asked()
        return await held.release
      }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.call('POST', `/v1/publications/${pub.id}/deactivate`)
  let letGo: (answer: PostingStatus) => void = () => {}
  const asked = new Promise<void>(resolve => { held = { asked: resolve, release: new Promise(resolve => { letGo = resolve }) } })
  const refreshing = s.call('GET', `/v1/publications/${pub.id}?refresh=true`)
  await asked
  held = null
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/close`)).statusCode, 200, 'the host closes it meanwhile')
  letGo({ state: 'removed', url: null, reason: 'seen before the close' })
  t.match((await refreshing).json(), { status: 'inactive', posting: { state: 'archived' }, error: null })
  t.same((await s.transitions(pub.id)).map(x => x.event), ['create', 'publish', 'deactivate', 'close'], 'the stale answer left no trace')
})

t.test('dead credentials during a check: the integration says so; a published publication fails, one with sync off waits an interval', async t => {
  let dead = false
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async getPosting (...args) {
        if (dead) throw new BoardError({ board: 'sandbox', kind: 'invalid_credentials', boardStatus: 401, detail: 'the token was revoked' })
        return await sandbox.getPosting(...args)
      }
    }))
  })
  const off = await s.publish({ applicants: 1 })
  await s.call('POST', `/v1/publications/${off.id}/deactivate`)
  const on = await s.publish({ applicants: 1 })
  await s.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() + 3_600_000) }).where('id', '=', on.id).execute()
  dead = true
  await s.checkDue(off.id)
  await s.checkDue(on.id)
  await s.settle()
  t.equal((await s.call('GET', `/v1/integrations/${s.integrationId}`)).json().status, 'invalid_credentials')
  t.match(await s.get(off.id), { status: 'inactive', posting: { state: 'pending_review' } })
  t.ok(inAbout((await rowOf(s, off.id)).posting_check_at, 60 * 60_000), 'not asked again with dead credentials every few minutes')
  t.match(await s.get(on.id), { status: 'error', error: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })
  t.match((await s.transitions(on.id)).at(-1), { event: 'board_failed', actor: 'system' })
})

t.test('a board that is down during a check: nothing changes, the check is due again after the lease', async t => {
  let down = false
  const s = await sandboxApp(t, {
    env: { SYNC_LEASE_SECONDS: '90' },
    boards: sandboxVariant(sandbox => ({
      async getPosting (...args) {
        if (down) throw new BoardError({ board: 'sandbox', kind: 'unavailable', boardStatus: 503, detail: 'down' })
        return await sandbox.getPosting(...args)
      }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.call('POST', `/v1/publications/${pub.id}/deactivate`)
  down = true
  await s.checkDue(pub.id)
  await s.settle()
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'pending_review' } })
  t.ok(inAbout((await rowOf(s, pub.id)).posting_check_at, 90_000))
  t.equal((await s.transitions(pub.id)).length, 3)
  t.match(s.logs.join(''), /posting check failed/)
  const refreshed = await s.call('GET', `/v1/publications/${pub.id}?refresh=true`)
  t.equal(refreshed.statusCode, 200, 'a refresh answers with what we know')
  down = false
  await s.checkDue(pub.id)
  await s.settle()
  t.equal((await s.get(pub.id)).posting.state, 'live')
})

t.test('a sync 404 that the posting lookup does not confirm is retried, backing off while it lasts', async t => {
  let missing = true
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async * pageThroughResponses (session, account, postingId, cursor) {
        if (missing) throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: 'responses not found' })
        yield * sandbox.pageThroughResponses(session, account, postingId, cursor)
      }
    }))
  })
  const pub = await s.publish({ applicants: 2 })
  // runs our own processes left behind (died, lost the lease) say nothing about the board
  for (const code of ['JOBSYNC_ERR_SYNC_ABANDONED', 'JOBSYNC_ERR_LEASE_LOST', 'JOBSYNC_ERR_SYNC_ABANDONED']) {
    await s.db.insertInto('sync_runs').values({
      tenant_id: s.tenantId, publication_id: pub.id, trigger: 'schedule', status: 'failed', owner: 'a dead replica', finished_at: new Date(),
      error: JSON.stringify({ code, title: 'ours', detail: 'ours', field: null, boardStatus: null })
    }).execute()
  }
  const delays: number[] = []
  for (let i = 0; i < 3; i++) {
    await s.syncDue(pub.id)
    await s.settle()
    delays.push(Math.round(((await rowOf(s, pub.id)).next_sync_at!.getTime() - Date.now()) / 60_000 * 2) / 2)
  }
  t.match(await s.get(pub.id), { status: 'published', posting: { state: 'live' } }, 'the posting is there: not failed')
  t.match((await s.runs(pub.id)).slice(0, 3), [{ status: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' } }, { status: 'failed' }, { status: 'failed' }])
  t.same(delays, [1, 2, 4], 'retried after 1, 2, 4 minutes (SYNC_RETRY_SECONDS, doubling)')

  missing = false
  await s.syncDue(pub.id)
  await s.settle()
  t.match((await s.runs(pub.id))[0], { status: 'succeeded', created: 2 })
  t.ok(inAbout((await rowOf(s, pub.id)).next_sync_at, 60 * 60_000), 'back on its interval')
})

t.test('the retry delay doubles with each failure in a row, never beyond the sync interval', async t => {
  t.same([0, 1, 2, 3, 6, 7, 50].map(n => retryDelay(60_000, 3_600_000, n)), [60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000, 3_600_000])
  t.equal(retryDelay(600_000, 60_000, 0), 600_000, 'a retry setting longer than the interval is kept')
})

t.test('an integration whose credentials died: its publications wait instead of failing every minute', async t => {
  const s = await sandboxApp(t, {
    boards: sandboxVariant(() => ({
      async * pageThroughResponses () { throw new BoardError({ board: 'sandbox', kind: 'invalid_credentials', boardStatus: 401, detail: 'revoked' }) }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.settle()
  t.match(await s.get(pub.id), { status: 'error', error: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })
  t.match(problemOf(await s.call('POST', `/v1/publications/${pub.id}/sync`)), { currentStatus: 'error' })
})
