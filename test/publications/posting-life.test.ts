// The posting's life on the board, played by the sandbox through the scheduler: moderation decides
// on the first posting check, a posting removed on the board fails the sync once and takes the
// publication off the schedule for good, an expired one leaves it inactive and archived, pending
// postings with sync off are checked on their own; every change is a transition and a
// publication.posting_changed event in the change's transaction.
import t from 'tap'
import { sandboxApp } from '../helpers/posting-life.js'

const checkAt = async (s: Awaited<ReturnType<typeof sandboxApp>>, id: string) =>
  (await s.db.selectFrom('publications').select('posting_check_at').where('id', '=', id).executeTakeFirstOrThrow()).posting_check_at

/** `at` is about `ms` from now (a computed due time, not a measured duration) */
const inAbout = (at: Date | null, ms: number) => at !== null && Math.abs(at.getTime() - Date.now() - ms) < 30_000

t.test('moderation rejects on the first check: error with the board\'s reason, off the schedule, told to the host', async t => {
  const s = await sandboxApp(t)
  const pub = await s.publish({ applicants: 2, moderation: 'reject' })
  t.match(pub, { status: 'published', posting: { state: 'pending_review' } })

  // published means a sync at once; the run ends with its posting check
  await s.settle()
  const now = await s.get(pub.id)
  t.match(now, {
    status: 'error',
    posting: { state: 'rejected', reason: /sandbox moderator/ },
    error: { code: 'JOBSYNC_ERR_BOARD_REJECTED', detail: /Sandbox rejected the posting: Rejected by the sandbox moderator/ }
  })
  t.match(await s.runs(pub.id), [{ status: 'succeeded', created: 2 }], 'the applicants who came first are kept')
  t.match((await s.transitions(pub.id)).at(-1), { event: 'board_failed', from: 'published', to: 'error', postingFrom: 'pending_review', postingTo: 'rejected', actor: 'system', reason: /moderator/ })
  t.same((await s.events(pub.id)).map(e => `${e.type}:${e.data.event}`), [
    'publication.status_changed:create',
    'publication.status_changed:publish',
    'publication.posting_changed:publish',
    'publication.status_changed:board_failed',
    'publication.posting_changed:board_failed'
  ])
  t.match((await s.events(pub.id)).at(-1)?.data, { publicationId: pub.id, fromPosting: 'pending_review', toPosting: 'rejected', status: 'error', reason: /moderator/, externalId: pub.posting.externalId })
  t.equal(await checkAt(s, pub.id), null, 'nothing left to check')

  await s.syncDue(pub.id)
  await s.settle()
  t.equal((await s.runs(pub.id)).length, 1, 'an errored publication is not synced')
})

t.test('a pending posting with sync off is checked on its own: every POSTING_CHECK_SECONDS, then once per sync interval', async t => {
  const s = await sandboxApp(t, { env: { POSTING_CHECK_SECONDS: '120' } })
  const pub = await s.publish({ applicants: 1 })
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/deactivate`)).statusCode, 200)
  t.ok(inAbout(await checkAt(s, pub.id), 120_000), 'the first check is due in POSTING_CHECK_SECONDS')

  await s.settle()
  t.equal((await s.get(pub.id)).posting.state, 'pending_review', 'not due yet: nothing asked')

  await s.checkDue(pub.id)
  await s.settle()
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'live' } }, 'moderation passed')
  t.match((await s.transitions(pub.id)).at(-1), { event: 'posting_changed', from: 'inactive', to: 'inactive', postingFrom: 'pending_review', postingTo: 'live', actor: 'system' })
  t.match((await s.events(pub.id)).at(-1), { type: 'publication.posting_changed', data: { fromPosting: 'pending_review', toPosting: 'live', status: 'inactive', event: 'posting_changed' } })
  t.ok(inAbout(await checkAt(s, pub.id), 60 * 60_000), 'live with sync off: checked once per sync interval')
  t.same(await s.runs(pub.id), [], 'no sync ran: it is off')

  // a synced live posting is checked by its runs instead
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/activate`)).statusCode, 200)
  t.equal(await checkAt(s, pub.id), null)
})

t.test('a posting removed on the board: the next sync meets a 404, the lookup confirms it, and it is never retried', async t => {
  const s = await sandboxApp(t)
  const pub = await s.publish({ applicants: 3, arrivalsPerSync: 1, removeAfterSyncs: 2 })
  await s.settle()
  t.equal((await s.get(pub.id)).posting.state, 'live', 'approved at the end of the first run')
  await s.syncDue(pub.id)
  await s.settle()
  t.equal((await s.get(pub.id)).status, 'published')

  await s.syncDue(pub.id)
  await s.settle()
  const gone = await s.get(pub.id)
  t.match(gone, {
    status: 'error',
    posting: { state: 'archived', reason: /Removed by the sandbox after 2 syncs/ },
    error: { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND', detail: /the posting was removed on Sandbox/ }
  })
  t.equal(gone.nextSyncAt, null)
  t.match(await s.runs(pub.id), [
    { status: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' } },
    { status: 'succeeded', created: 1 },
    { status: 'succeeded', created: 3 }
  ])
  t.match((await s.transitions(pub.id)).at(-1), { event: 'board_failed', from: 'published', to: 'error', postingFrom: 'live', postingTo: 'archived', actor: 'system' })

  for (let i = 0; i < 3; i++) {
    await s.syncDue(pub.id)
    await s.settle()
  }
  t.equal((await s.runs(pub.id)).length, 3, 'no run against a posting that is gone')
  t.equal((await s.events(pub.id)).filter(e => e.type === 'sync.failed').length, 1, 'one sync.failed, not one a minute')
})

t.test('an expired posting: inactive and archived; reopened it is the same posting; extended, its end moves on', async t => {
  const s = await sandboxApp(t)
  const pub = await s.publish({ applicants: 2, arrivalsPerSync: 1, expireAfterSyncs: 2 })
  await s.settle()
  t.equal((await s.get(pub.id)).posting.state, 'live')
  await s.syncDue(pub.id)
  await s.settle()
  const expired = await s.get(pub.id)
  t.match(expired, { status: 'inactive', error: null, posting: { state: 'archived', reason: /term ended after 2 syncs/, externalId: pub.posting.externalId } })
  t.match((await s.transitions(pub.id)).at(-1), { event: 'posting_expired', from: 'published', to: 'inactive', postingFrom: 'live', postingTo: 'archived', reason: /term ended on Sandbox/ })

  await s.syncDue(pub.id)
  await s.settle()
  t.equal((await s.runs(pub.id)).length, 2, 'an expired posting is not synced')

  const reopened = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(reopened.statusCode, 200, reopened.body)
  t.match(reopened.json(), { reopened: 'same_posting', status: 'published', posting: { state: 'live', externalId: pub.posting.externalId, reason: null, expiresAt: null } })

  // reopened means synced at once, from where the posting's responses stopped; the run's check learns its new end
  await s.settle()
  t.match(await s.runs(pub.id), [{ trigger: 'activation', status: 'succeeded', created: 1 }, { created: 1 }, { created: 2 }])
  const firstEnd = Date.parse((await s.get(pub.id)).posting.expiresAt ?? 'x')
  t.ok(Number.isFinite(firstEnd), 'the board says when it ends')

  const extended = await s.call('POST', `/v1/publications/${pub.id}/extend`)
  t.equal(extended.statusCode, 200, extended.body)
  t.ok(Date.parse(extended.json().posting.expiresAt) > firstEnd, 'the end moved forward')
  t.match((await s.transitions(pub.id)).slice(-2), [
    { event: 'reopen', from: 'inactive', to: 'published', postingFrom: 'archived', postingTo: 'live', reason: /re-activated posting/ },
    { event: 'extend', from: 'published', to: 'published', postingFrom: 'live', postingTo: 'live', reason: /extended on Sandbox until/ }
  ])
  t.match((await s.events(pub.id)).filter(e => e.type === 'publication.posting_changed').slice(-2), [
    { data: { event: 'reopen', fromPosting: 'archived', toPosting: 'live', status: 'published' } },
    { data: { event: 'extend', fromPosting: 'live', toPosting: 'live', expiresAt: extended.json().posting.expiresAt } }
  ])
  t.equal((await s.get(pub.id)).nextSyncAt !== null && Date.parse((await s.get(pub.id)).nextSyncAt as string) > Date.now(), true, 'extending is no reason to sync now')

  // without the extension its second term would have ended with the next sync
  await s.syncDue(pub.id)
  await s.settle()
  t.equal((await s.get(pub.id)).status, 'published', 'extended: still live')
  for (let i = 0; i < 2; i++) { await s.syncDue(pub.id); await s.settle() }
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'archived' } }, 'its extended term ended too')
})

t.test('closed by the host, then reopened; GET ?refresh=true applies the same rules', async t => {
  const s = await sandboxApp(t)
  const pub = await s.publish({ applicants: 1 })
  await s.settle()
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/close`)).statusCode, 200)
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'archived' } })
  t.equal(await checkAt(s, pub.id), null, 'a closed posting is not checked')
  const refreshed = (await s.call('GET', `/v1/publications/${pub.id}?refresh=true`)).json()
  t.match(refreshed, { status: 'inactive', posting: { state: 'archived' } })

  const activate = await s.call('POST', `/v1/publications/${pub.id}/activate`)
  t.equal(activate.statusCode, 409)
  t.match(activate.json().detail, /reopen/, 'a closed posting points at reopen')
  const reopened = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.match(reopened.json(), { reopened: 'same_posting', status: 'published', posting: { state: 'live' } })
  t.equal((await s.call('GET', `/v1/publications/${pub.id}?refresh=true`)).json().posting.state, 'live', 'the board agrees it is back up')
})
