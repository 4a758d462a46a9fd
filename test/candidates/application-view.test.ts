// An application as the API shows it (the feed and a candidate's page), held to ApplicationSchema and
// to the columns it comes from, with the values most likely to come out differently: sub-millisecond
// times, escapes, non-Latin text, nulls, the board's JSON as it sent it.
import t from 'tap'
import { Value } from 'typebox/value'
import { sql } from 'kysely'
import { build } from '../helpers/app.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'
import { ApplicationSchema } from '../../src/modules/candidates/schemas.js'

t.test('the feed and a candidate show each application as its columns say, in the schema', async t => {
  const app = await build(t)
  const { key } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) })
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'view' } })).json().id
  await call('PUT', '/v1/jobs/view-1', { title: 'view', description: LONG_DESCRIPTION })
  const pub = (await call('POST', '/v1/jobs/view-1/publications', { integrationId, fields: { applicants: 3 }, publicationType: 'standard', publish: true })).json()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const ids = (await app.db.selectFrom('applications').select('id').where('publication_id', '=', pub.id).orderBy('id').execute()).map(r => r.id)
  t.equal(ids.length, 3)

  // every column the view reads, set to something awkward; the second row has every optional one empty
  await app.db.updateTable('applications').set({
    applied_at: new Date('2026-03-04T05:06:07.891Z'),
    first_name: 'Олена "Lena" \\ O\'Brien\n\t\u0001',
    last_name: 'Ковальчук 🚀',
    middle_name: 'Петрівна',
    emails: ['a@x.dev', 'b@x.dev'],
    phones: ['+380501234567'],
    photo_url: 'https://img.example/p.jpg?a=1&b=2',
    birth_date: '1990-02-28',
    resume_text: 'line one\r\nline two\u2028 </script>',
    resume_url: 'https://files.example/cv.pdf',
    cover_letter: 'Привіт',
    skills: ['Node.js', 'SQL'],
    url: 'https://board.example/r/1',
    raw: JSON.stringify({ id: 1, nested: { list: [1, 2.5, null, true], text: 'ü' }, big: 12345678901 }),
    outcome: 'hired',
    outcome_shared: 'pending'
  }).where('id', '=', ids[0]!).execute()
  // microseconds that toISOString() would cut, not round
  await sql`update applications set applied_at = '2026-03-04 07:06:07.891999+02' where id = ${ids[0]}`.execute(app.db)
  await app.db.updateTable('applications').set({
    applied_at: null, first_name: null, last_name: null, middle_name: null, photo_url: null, birth_date: null,
    resume_text: null, resume_url: null, cover_letter: null, url: null, emails: [], phones: [], skills: [], raw: '[]', outcome: null, outcome_shared: null
  }).where('id', '=', ids[1]!).execute()

  // what the columns say, mapped in JavaScript: the oracle
  const rows = await app.db.selectFrom('applications').innerJoin('jobs', 'jobs.id', 'applications.job_id')
    .selectAll('applications').select('jobs.host_job_id').where('applications.publication_id', '=', pub.id).execute()
  const expected = new Map(rows.map(a => [a.id, {
    id: a.id,
    candidateId: a.candidate_id,
    publicationId: a.publication_id,
    jobId: a.job_id,
    hostJobId: a.host_job_id,
    source: a.board,
    externalId: a.external_id,
    url: a.url,
    appliedAt: a.applied_at?.toISOString() ?? null,
    firstName: a.first_name,
    lastName: a.last_name,
    middleName: a.middle_name,
    emails: a.emails,
    phones: a.phones,
    photoUrl: a.photo_url,
    birthDate: a.birth_date,
    resumeText: a.resume_text,
    resumeUrl: a.resume_url,
    coverLetter: a.cover_letter,
    skills: a.skills,
    boardData: a.raw,
    outcome: a.outcome,
    outcomeShared: a.outcome_shared,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString()
  }]))
  t.equal(expected.get(ids[0]!)!.appliedAt, '2026-03-04T05:06:07.891Z', 'the oracle cuts to milliseconds')

  const feed = await call('GET', `/v1/applications?publicationId=${pub.id}`)
  t.equal(feed.statusCode, 200)
  t.match(feed.headers['content-type'], /^application\/json; charset=utf-8/)
  const page = feed.json()
  t.equal(page.items.length, 3)
  t.type(page.nextCursor, 'string')
  for (const item of page.items) {
    t.strictSame(item, expected.get(item.id), `feed item ${item.id as string} is its columns`)
    t.ok(Value.Check(ApplicationSchema, item), `feed item ${item.id as string} fits the schema: ${JSON.stringify([...Value.Errors(ApplicationSchema, item)].slice(0, 1))}`)
  }
  const sample = page.items[0]
  t.notOk(Value.Check(ApplicationSchema, { ...sample, appliedAt: '2026-03-04 05:06:07' }), 'the schema check does look at formats')
  t.notOk(Value.Check(ApplicationSchema, { ...sample, candidateId: 'x' }), 'and at uuids')
  for (const id of ids) {
    const candidateId = expected.get(id)!.candidateId
    const candidate = (await call('GET', `/v1/candidates/${candidateId}`)).json()
    t.strictSame(candidate.applications.find((a: { id: string }) => a.id === id), expected.get(id), `candidate ${candidateId} shows application ${id} the same way`)
  }
})

t.test('an empty page is the same shape, keeping the cursor it was given', async t => {
  const app = await build(t)
  const { key } = await app.tenant()
  const headers = { authorization: `Bearer ${key}` }
  const none = await app.app.inject({ method: 'GET', url: '/v1/applications', headers })
  t.strictSame(none.json(), { items: [], nextCursor: null })
  const unknownJob = await app.app.inject({ method: 'GET', url: '/v1/applications?hostJobId=nope', headers })
  t.strictSame(unknownJob.json(), { items: [], nextCursor: null })
})
