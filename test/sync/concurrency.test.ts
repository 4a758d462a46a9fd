// Pages of one tenant stored side by side (storePage holds the locks of the page's emails and
// phones, not one lock for the whole tenant): six publications store pages at once, the same new
// people racing in several of them and known people joined by their email on one page and by their
// phone on another, with a merge in the middle. One person stays one candidate, nothing fails,
// nothing is stored twice. Pages bringing more identities than SYNC_IDENTITY_LOCKS_MAX take the
// tenant's lock alone, and keep the same guarantees. On PGlite (one connection) the pages take turns.
import t from 'tap'
import { storePage } from '../../src/modules/candidates/ingest.js'
import type { BoardApplication } from '../../src/boards/types.js'
import { bearer, build, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

const PUBLICATIONS = 6
const PAGES = 5
const PER_PAGE = 40
const KNOWN = 30 // people stored before the race, each with an email and a phone
const NEW = 25 // people no candidate has yet, met by several publications at once

/** a seeded generator, so a failure can be run again as it was */
function random (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const email = (person: number) => `person${person}@race.example`
const phone = (person: number) => `+38067${String(10_000_000 + person).slice(1)}`

function application (externalId: string, person: number, with_: 'email' | 'phone' | 'both'): BoardApplication {
  return {
    externalId,
    appliedAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:00:00Z',
    firstName: `First${person}`,
    lastName: `Last${person}`,
    middleName: null,
    emails: with_ === 'phone' ? [] : [email(person)],
    phones: with_ === 'email' ? [] : [phone(person)],
    photoUrl: null,
    birthDate: null,
    resumeText: null,
    resumeUrl: null,
    coverLetter: null,
    skills: [`skill${person % 7}`],
    url: null,
    raw: { externalId, person }
  }
}

async function publication (call: Call, integrationId: string, hostJobId: string): Promise<{ id: string, jobId: string }> {
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants: 0, arrivalsPerSync: 0 }, publicationType: 'standard', publish: true })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { id: res.json().id, jobId: res.json().jobId }
}

async function store (app: TestApp, tenantId: string, pub: { id: string, jobId: string }, items: BoardApplication[], identityLocksMax: number) {
  return await app.db.transaction().execute(async trx =>
    await storePage(trx, { tenantId, publicationId: pub.id, jobId: pub.jobId, board: 'sandbox' }, items, identityLocksMax))
}

for (const [mode, identityLocksMax] of [['a lock per email and phone', 500], ['pages over SYNC_IDENTITY_LOCKS_MAX: the tenant lock alone', 0]] as const) {
  t.test(`six publications of one tenant store pages at once (${mode}): one candidate per person, each application once`, async t => {
    const app = await build(t)
    const { id: tenantId, key } = await app.tenant()
    const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
    const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'race', credentials: { accountName: 'race' } })).json().id
    const pubs: Array<{ id: string, jobId: string }> = []
    for (let i = 0; i <= PUBLICATIONS; i++) pubs.push(await publication(call, integrationId, `race-${i}`))
    await app.app.scheduler.tick(); await app.app.scheduler.idle() // the sandbox's own (empty) first syncs

    // the known people, on the first publication, with both identities
    await store(app, tenantId, pubs[0]!, Array.from({ length: KNOWN }, (_, person) => application(`seed-${person}`, person, 'both')), identityLocksMax)
    const candidateOf = async (person: number) => (await app.db.selectFrom('candidate_identities').select('candidate_id')
      .where('tenant_id', '=', tenantId).where('kind', '=', 'email').where('value', '=', email(person)).executeTakeFirstOrThrow()).candidate_id
    const [survivor, mergedAway] = [await candidateOf(0), await candidateOf(1)]

    // every publication's pages: known people by email, by phone or both (so two pages can fill the
    // same candidate through different locks), and new people who always bring both
    const next = random(20261123)
    const plan = pubs.slice(1).map((_, p) => Array.from({ length: PAGES }, (_, page) => Array.from({ length: PER_PAGE }, (_, n) => {
      const isNew = next() < 0.4
      const person = isNew ? KNOWN + Math.floor(next() * NEW) : Math.floor(next() * KNOWN)
      const with_ = isNew ? 'both' : (['email', 'phone', 'both'] as const)[Math.floor(next() * 3)]!
      return application(`p${p}-${page}-${n}`, person, with_)
    })))

    // the race, with the host merging person 1 into person 0 while pages are being stored
    const merge = (async () => {
      await new Promise(resolve => setTimeout(resolve, 5))
      return await call('POST', `/v1/candidates/${survivor}/merge`, { candidateIds: [mergedAway] })
    })()
    const results = await Promise.allSettled(plan.map(async (pages, p) => {
      for (const items of pages) await store(app, tenantId, pubs[p + 1]!, items, identityLocksMax)
    }))
    t.same(results.filter(r => r.status === 'rejected').map(r => String((r as PromiseRejectedResult).reason)), [], 'no page failed (no deadlock, no duplicate identity)')
    t.equal((await merge).statusCode, 200, 'the merge went through between pages')

    const rows = await app.db.selectFrom('applications').select(['external_id', 'candidate_id', 'raw']).where('tenant_id', '=', tenantId).execute()
    t.equal(rows.length, KNOWN + PUBLICATIONS * PAGES * PER_PAGE, 'every application stored once')
    const people = new Map<number, Set<string>>()
    for (const row of rows) {
      const person = (row.raw as { person: number }).person
      const owner = person === 1 ? 0 : person // merged: one person now
      if (!people.has(owner)) people.set(owner, new Set())
      people.get(owner)!.add(row.candidate_id)
    }
    t.same([...people].filter(([, ids]) => ids.size !== 1).map(([person]) => person), [], 'each person\'s applications are on one candidate')
    const candidates = Number((await app.db.selectFrom('candidates').select(eb => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n)
    t.equal(candidates, people.size, 'one candidate per person, none left over')
    t.equal(await candidateOf(1), survivor, 'the merged person\'s identities belong to the survivor')

    const identities = await app.db.selectFrom('candidate_identities').select(['kind', 'value', 'candidate_id']).where('tenant_id', '=', tenantId).execute()
    const ownerOf = new Map(rows.map(r => [(r.raw as { person: number }).person, r.candidate_id]))
    t.ok(identities.every(i => {
      const person = Number(/person(\d+)@/.exec(i.value)?.[1] ?? Number(i.value.slice(6)))
      return ownerOf.get(person) === i.candidate_id
    }), 'every email and phone belongs to its person\'s candidate')
    const events = Number((await app.db.selectFrom('outbox_events').select(eb => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId).where('type', '=', 'application.created').executeTakeFirstOrThrow()).n)
    t.equal(events, rows.length, 'one application.created per application')
  })
}
