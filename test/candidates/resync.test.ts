// A re-sync that brings nothing new changes nothing: no application or candidate row is written
// (their updatedAt stays), neither feed moves, no event goes out. What did change is written, and
// only that.
import t from 'tap'
import type { BoardApplication } from '../../src/boards/types.js'
import type { Call } from '../helpers/publishing.js'
import { sandboxApp, sandboxVariant, type SandboxApp } from '../helpers/posting-life.js'

/** the end of a feed read from `after`: what it brought and where it stops */
async function readFeed (call: Call, feed: 'applications' | 'candidates', after: string | null): Promise<{ ids: string[], cursor: string | null }> {
  const ids: string[] = []
  let cursor = after
  for (;;) {
    const page = (await call('GET', `/v1/${feed}?limit=50${cursor === null ? '' : `&after=${cursor}`}`)).json()
    ids.push(...page.items.map((i: { id: string }) => i.id))
    if (page.items.length === 0) return { ids, cursor: page.nextCursor }
    cursor = page.nextCursor
  }
}

async function tenantRows (s: SandboxApp) {
  const applications = await s.db.selectFrom('applications').selectAll().where('tenant_id', '=', s.tenantId).orderBy('id').execute()
  const candidates = await s.db.selectFrom('candidates').selectAll().where('tenant_id', '=', s.tenantId).orderBy('id').execute()
  const outbox = await s.db.selectFrom('outbox_events').select(['id', 'type']).where('tenant_id', '=', s.tenantId).orderBy('id').execute()
  return { applications, candidates, outbox }
}

async function resyncFromScratch (s: SandboxApp, ids: string[]): Promise<void> {
  await s.db.updateTable('publications').set({ sync_cursor: null, next_sync_at: new Date(Date.now() - 1000) }).where('id', 'in', ids).execute()
  await s.settle()
}

t.test('syncing the same responses again writes nothing, moves no feed and sends no event; a real change is written alone', async t => {
  let change: ((item: BoardApplication) => BoardApplication) | null = null
  const s = await sandboxApp(t, {
    boards: sandboxVariant(sandbox => ({
      async * pageThroughResponses (session, account, postingId, cursor) {
        for await (const page of sandbox.pageThroughResponses(session, account, postingId, cursor)) {
          yield change === null ? page : { ...page, items: page.items.map(change) }
        }
      }
    }))
  })
  // the second posting's first three people applied to the first one too: one candidate, two applications
  const first = await s.publish({ applicants: 30 })
  const second = await s.publish({ applicants: 5 })
  await s.settle()
  const before = await tenantRows(s)
  t.equal(before.applications.length, 35)
  t.equal(before.candidates.length, 32)
  const applicationsFeed = await readFeed(s.call, 'applications', null)
  const candidatesFeed = await readFeed(s.call, 'candidates', null)
  t.equal(applicationsFeed.ids.length, 35)

  await resyncFromScratch(s, [first.id, second.id])
  t.match((await s.runs(first.id))[0], { status: 'succeeded', fetched: 30, created: 0, updated: 0 })
  t.match((await s.runs(second.id))[0], { status: 'succeeded', fetched: 5, created: 0, updated: 0 })
  const after = await tenantRows(s)
  t.same(after.applications, before.applications, 'every application row as it was, updatedAt included')
  t.same(after.candidates, before.candidates, 'every candidate row as it was, updatedAt included')
  t.same(after.outbox, before.outbox, 'no event')
  t.same(await readFeed(s.call, 'applications', applicationsFeed.cursor), { ids: [], cursor: applicationsFeed.cursor }, 'the applications feed did not move')
  t.same(await readFeed(s.call, 'candidates', candidatesFeed.cursor), { ids: [], cursor: candidatesFeed.cursor }, 'the candidates feed did not move')

  // the board changed one response's resume: that application alone, and no candidate (nothing new for them)
  const changed = `${first.posting.externalId}-7`
  change = item => item.externalId === changed ? { ...item, resumeText: 'Updated resume', raw: { ...item.raw as object, edited: true } } : item
  await resyncFromScratch(s, [first.id])
  t.match((await s.runs(first.id))[0], { fetched: 30, created: 0, updated: 1 })
  const moved = await readFeed(s.call, 'applications', applicationsFeed.cursor)
  t.equal(moved.ids.length, 1)
  const application = before.applications.find(a => a.external_id === changed)!
  t.same(moved.ids, [application.id])
  t.same((await readFeed(s.call, 'candidates', candidatesFeed.cursor)).ids, [], 'the candidate gained nothing')
  const events = (await tenantRows(s)).outbox.slice(before.outbox.length)
  t.same(events.map(e => e.type), ['application.updated'])

  // a mapped column alone (the same raw, mapped differently) is a change too; a new email joins the candidate
  change = item => item.externalId === changed ? { ...item, resumeText: 'Updated resume', raw: { ...item.raw as object, edited: true }, emails: [...item.emails, 'second.address@sandbox.jobsync.dev'] } : item
  await resyncFromScratch(s, [first.id])
  t.match((await s.runs(first.id))[0], { updated: 1 })
  t.same((await readFeed(s.call, 'candidates', candidatesFeed.cursor)).ids, [application.candidate_id], 'the candidate has a new email')
  const candidate = (await s.call('GET', `/v1/candidates/${application.candidate_id}`)).json()
  t.ok(candidate.emails.includes('second.address@sandbox.jobsync.dev'))
})
