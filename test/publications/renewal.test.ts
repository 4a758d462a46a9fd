// Reopen and extend: which publications may, what a board without re-activation or extension
// does, the quota checked before the board is asked, and refusals that change nothing.
import t from 'tap'
import { BoardError } from '../../src/boards/errors.js'
import type { PostingRef } from '../../src/boards/types.js'
import { problemOf } from '../helpers/app.js'
import { sandboxApp, sandboxVariant } from '../helpers/posting-life.js'

t.test('reopen and extend only where the status and the posting allow; a 409 names them and nothing changes', async t => {
  const s = await sandboxApp(t)
  const draft = await s.publish({ applicants: 1 }, { publish: false })
  const pub = await s.publish({ applicants: 1 })
  const post = (id: string, action: string) => s.call('POST', `/v1/publications/${id}/${action}`)

  const draftReopen = await post(draft.id, 'reopen')
  t.equal(draftReopen.statusCode, 409)
  t.match(problemOf(draftReopen), { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', currentStatus: 'draft', detail: /cannot reopen a publication that is draft \(only when inactive\)/ })
  t.match(problemOf(await post(pub.id, 'reopen')), { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', currentStatus: 'published' }, 'a publication never closed')
  t.match(problemOf(await post(pub.id, 'extend')), { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', currentStatus: 'published', postingState: 'pending_review', detail: /only a live posting/ })
  t.match(problemOf(await post(draft.id, 'extend')), { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', currentStatus: 'draft' })

  await s.settle()
  await post(pub.id, 'deactivate')
  const liveReopen = await post(pub.id, 'reopen')
  t.equal(liveReopen.statusCode, 409)
  t.match(problemOf(liveReopen), { currentStatus: 'inactive', postingState: 'live', detail: /only a closed publication can be reopened.*activate/ })
  t.equal((await post(pub.id, 'extend')).statusCode, 200, 'a live posting with sync off may be extended')

  await post(pub.id, 'close')
  t.match(problemOf(await post(pub.id, 'extend')), { currentStatus: 'inactive', postingState: 'archived' })
  const before = (await s.transitions(pub.id)).length
  t.equal((await s.get(pub.id)).status, 'inactive')
  t.equal((await s.transitions(pub.id)).length, before)

  t.equal((await post('00000000-0000-4000-8000-000000000000', 'reopen')).statusCode, 404)
  t.equal((await post('not-a-uuid', 'extend')).statusCode, 400)
  const stranger = await s.tenant()
  const foreign = await s.app.inject({ method: 'POST', url: `/v1/publications/${pub.id}/reopen`, headers: { authorization: `Bearer ${stranger.key}` } })
  t.equal(foreign.statusCode, 404, "another tenant's publication is not found")
})

t.test('a board that cannot re-activate: reopen publishes a new posting, whose sync starts from the beginning', async t => {
  const s = await sandboxApp(t, { boards: sandboxVariant(() => ({ reactivate: undefined }), { reopen: 'new_posting' }) })
  const pub = await s.publish({ applicants: 2 })
  await s.settle()
  await s.call('POST', `/v1/publications/${pub.id}/close`)

  const res = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(res.statusCode, 200, res.body)
  const reopened = res.json()
  t.match(reopened, { reopened: 'new_posting', status: 'published', posting: { state: 'pending_review' } })
  const old = pub.posting.externalId!
  t.not(reopened.posting.externalId, old, 'another posting')
  t.match((await s.transitions(pub.id)).at(-1), { event: 'reopen', from: 'inactive', to: 'published', postingFrom: 'archived', postingTo: 'pending_review', reason: new RegExp(`new Sandbox posting ${reopened.posting.externalId}; the closed posting ${old} stays closed`) })
  t.match((await s.events(pub.id)).at(-1), { type: 'publication.posting_changed', data: { event: 'reopen', externalId: reopened.posting.externalId, previousExternalId: old } })

  await s.settle()
  t.match(await s.runs(pub.id), [{ trigger: 'activation', created: 2 }, { created: 2 }], "the new posting's applicants, from its first page")
  t.match(await s.get(pub.id), { applicationCount: 4, posting: { state: 'live' } })
})

t.test('re-activation finds the posting gone on the board: a new posting takes its place', async t => {
  const s = await sandboxApp(t, {
    boards: sandboxVariant(() => ({
      async reactivate (): Promise<PostingRef> { throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: 'no such posting' }) }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.call('POST', `/v1/publications/${pub.id}/close`)
  const res = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { reopened: 'new_posting', status: 'published' })
  t.not(res.json().posting.externalId, pub.posting.externalId)
})

t.test('extend where the board offers none: 409 naming the board', async t => {
  const s = await sandboxApp(t, { boards: sandboxVariant(() => ({ extend: undefined }), { extend: false }) })
  const pub = await s.publish({ applicants: 1 })
  await s.settle()
  const res = await s.call('POST', `/v1/publications/${pub.id}/extend`)
  t.equal(res.statusCode, 409)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_NOT_SUPPORTED', board: 'sandbox', detail: /Sandbox offers no way to extend/ })
  // the capability is told before the status: a draft of such a board hears the same
  const draft = await s.publish({ applicants: 1 }, { publish: false })
  t.match(problemOf(await s.call('POST', `/v1/publications/${draft.id}/extend`)), { code: 'JOBSYNC_ERR_NOT_SUPPORTED' })
})

t.test('a paid type with none left: reopen and extend are refused before the board is asked', async t => {
  let left = 5
  const calls = { publish: 0, reactivate: 0, extend: 0 }
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      publicationTypes: [{ id: 'standard', name: 'Standard (paid)', paid: true }],
      async availablePublications () { return [{ publicationType: 'standard', available: left }] },
      async publish (...args) { calls.publish++; return await sandbox.publish(...args) },
      async reactivate (...args) { calls.reactivate++; return await sandbox.reactivate!(...args) },
      async extend (...args) { calls.extend++; return await sandbox.extend!(...args) }
    }), { publicationQuota: true })
  })
  const pub = await s.publish({ applicants: 1 })
  await s.settle()
  left = 0
  const extend = await s.call('POST', `/v1/publications/${pub.id}/extend`)
  t.equal(extend.statusCode, 422)
  t.match(problemOf(extend), { code: 'JOBSYNC_ERR_BOARD_QUOTA', detail: /no paid standard publications left/ })
  await s.call('POST', `/v1/publications/${pub.id}/close`)
  const reopen = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(reopen.statusCode, 422)
  t.match(problemOf(reopen), { code: 'JOBSYNC_ERR_BOARD_QUOTA' })
  t.same(calls, { publish: 1, reactivate: 0, extend: 0 }, 'the board was not asked')
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'archived' }, error: null }, 'nothing changed')

  left = 1
  const again = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(again.statusCode, 200, 'the refusal left no action mark behind')
  t.equal(calls.reactivate, 1)
})

t.test('the board refuses a reopen or an extend: the host gets its problem, the publication stays as it was', async t => {
  let refuse: BoardError | null = null
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async reactivate (...args) { if (refuse !== null) throw refuse; return await sandbox.reactivate!(...args) },
      async extend (...args) { if (refuse !== null) throw refuse; return await sandbox.extend!(...args) }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.settle()

  refuse = new BoardError({ board: 'sandbox', kind: 'unavailable', boardStatus: 503, detail: 'the board is down' })
  const extend = await s.call('POST', `/v1/publications/${pub.id}/extend`)
  t.equal(extend.statusCode, 502)
  t.match(problemOf(extend), { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', board: 'sandbox' })
  t.match(await s.get(pub.id), { status: 'published', posting: { state: 'live' } })

  await s.call('POST', `/v1/publications/${pub.id}/close`)
  refuse = new BoardError({ board: 'sandbox', kind: 'rejected', boardStatus: 400, field: 'applicants', detail: 'too many applicants' })
  const reopen = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(reopen.statusCode, 422)
  t.match(problemOf(reopen), { code: 'JOBSYNC_ERR_BOARD_REJECTED', errors: [{ pointer: '/fields/applicants' }] })
  t.match(await s.get(pub.id), { status: 'inactive', posting: { state: 'archived' }, error: null })

  refuse = new BoardError({ board: 'sandbox', kind: 'invalid_credentials', boardStatus: 401, detail: 'token revoked' })
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/reopen`)).statusCode, 422)
  t.equal((await s.call('GET', `/v1/integrations/${s.integrationId}`)).json().status, 'invalid_credentials', 'dead credentials mark the integration')
  t.equal((await s.transitions(pub.id)).filter(x => x.event === 'reopen' || x.event === 'extend').length, 0)
})

t.test('a reopen missing what the board needs is refused naming the field', async t => {
  const s = await sandboxApp(t, { boards: sandboxVariant(() => ({ reactivate: undefined }), { reopen: 'new_posting' }) })
  const pub = await s.publish({ applicants: 1 })
  await s.call('POST', `/v1/publications/${pub.id}/close`)
  // a type the board no longer has (e.g. renamed since it was published)
  await s.db.updateTable('publications').set({ publication_type: 'gold' }).where('id', '=', pub.id).execute()
  const res = await s.call('POST', `/v1/publications/${pub.id}/reopen`)
  t.equal(res.statusCode, 422)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_MISSING_FIELDS', errors: [{ pointer: '/publicationType' }] })
  t.equal((await s.get(pub.id)).status, 'inactive')
})

t.test('an extend the board answers with 404: the posting lookup decides whether the publication says it is gone', async t => {
  let gone = false
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async extend () { throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: 'no such vacancy' }) },
      async getPosting (...args) {
        if (gone) throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: 'no such vacancy' })
        return await sandbox.getPosting(...args)
      }
    }))
  })
  const pub = await s.publish({ applicants: 1 })
  await s.settle()
  const still = await s.call('POST', `/v1/publications/${pub.id}/extend`)
  t.equal(still.statusCode, 422)
  t.match(problemOf(still), { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' })
  t.match(await s.get(pub.id), { status: 'published', posting: { state: 'live' } }, 'the lookup finds it: nothing changes')

  gone = true
  t.equal((await s.call('POST', `/v1/publications/${pub.id}/extend`)).statusCode, 422)
  t.match(await s.get(pub.id), { status: 'error', posting: { state: 'archived' }, error: { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' } }, 'confirmed gone')
  t.match((await s.transitions(pub.id)).at(-1), { event: 'board_failed', actor: /^api_key:/ })
})
