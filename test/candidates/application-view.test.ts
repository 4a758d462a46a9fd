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

  // what the API must show for the two rows set above, written out; ids and times come from the rows
  const rows = await app.db.selectFrom('applications').select(['id', 'candidate_id', 'job_id', 'external_id', 'created_at', 'updated_at'])
    .where('publication_id', '=', pub.id).execute()
  const keys = new Map(rows.map(a => [a.id, {
    id: a.id,
    candidateId: a.candidate_id,
    publicationId: pub.id,
    jobId: a.job_id,
    hostJobId: 'view-1',
    source: 'sandbox',
    externalId: a.external_id,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString()
  }]))
  const expected = new Map<string, Record<string, unknown>>([
    [ids[0]!, {
      ...keys.get(ids[0]!),
      url: 'https://board.example/r/1',
      appliedAt: '2026-03-04T05:06:07.891Z', // the microseconds cut, not rounded
      firstName: 'Олена "Lena" \\ O\'Brien\n\t\u0001',
      lastName: 'Ковальчук 🚀',
      middleName: 'Петрівна',
      emails: ['a@x.dev', 'b@x.dev'],
      phones: ['+380501234567'],
      photoUrl: 'https://img.example/p.jpg?a=1&b=2',
      birthDate: '1990-02-28',
      resumeText: 'line one\r\nline two\u2028 </script>',
      resumeUrl: 'https://files.example/cv.pdf',
      coverLetter: 'Привіт',
      skills: ['Node.js', 'SQL'],
      boardData: { id: 1, nested: { list: [1, 2.5, null, true], text: 'ü' }, big: 12345678901 },
      outcome: 'hired',
      outcomeShared: 'pending'
    }],
    [ids[1]!, {
      ...keys.get(ids[1]!),
      url: null,
      appliedAt: null,
      firstName: null,
      lastName: null,
      middleName: null,
      emails: [],
      phones: [],
      photoUrl: null,
      birthDate: null,
      resumeText: null,
      resumeUrl: null,
      coverLetter: null,
      skills: [],
      boardData: [],
      outcome: null,
      outcomeShared: null
    }]
  ])

  const feed = await call('GET', `/v1/applications?publicationId=${pub.id}`)
  t.equal(feed.statusCode, 200)
  t.match(feed.headers['content-type'], /^application\/json; charset=utf-8/)
  const page = feed.json()
  t.equal(page.items.length, 3)
  t.type(page.nextCursor, 'string')
  for (const item of page.items) {
    if (expected.has(item.id)) t.strictSame(item, expected.get(item.id), `feed item ${item.id as string} is its columns`)
    t.ok(Value.Check(ApplicationSchema, item), `feed item ${item.id as string} fits the schema: ${JSON.stringify([...Value.Errors(ApplicationSchema, item)].slice(0, 1))}`)
  }
  const sample = page.items[0]
  t.notOk(Value.Check(ApplicationSchema, { ...sample, appliedAt: '2026-03-04 05:06:07' }), 'the schema check does look at formats')
  t.notOk(Value.Check(ApplicationSchema, { ...sample, candidateId: 'x' }), 'and at uuids')
  for (const item of page.items) {
    const candidate = (await call('GET', `/v1/candidates/${item.candidateId as string}`)).json()
    t.strictSame(candidate.applications.find((a: { id: string }) => a.id === item.id), item, `candidate ${item.candidateId as string} shows application ${item.id as string} the same way`)
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
