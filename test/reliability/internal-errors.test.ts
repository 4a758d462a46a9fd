// Internal error text never reaches tenants (issue 16, "Smaller"): a sync run that a database
// failure stops is shown in sync-runs, and told in its sync.failed event, as a stable code; the
// database's own message stays in our log, beside the run.
import t from 'tap'
import { sql } from 'kysely'
import { bearer, build } from '../helpers/app.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

const INTERNAL = 'relation internal_audit_7f3a is locked by pid 4242 on host db-primary-3'

t.test('a run stopped by a database error shows a stable code, not the database\'s text', async t => {
  const testApp = await build(t, { ownDb: true })
  const { app, db, logs, tenant } = testApp
  const { key } = await tenant()
  const call: Call = async (method, url, payload) => await app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })

  // every application insert fails inside Postgres, with a message full of internals
  await sql.raw(`create function refuse_applications () returns trigger language plpgsql as $$ begin raise exception '${INTERNAL}'; end $$`).execute(db)
  await sql`create trigger refuse_applications before insert on applications for each row execute function refuse_applications()`.execute(db)

  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'internal-errors' } })).json().id as string
  await call('PUT', '/v1/jobs/internal-errors', { title: 'Engineer', description: LONG_DESCRIPTION })
  const pub = await call('POST', '/v1/jobs/internal-errors/publications', { integrationId, fields: { applicants: 3 }, publicationType: 'standard', publish: true })
  t.equal(pub.statusCode, 201, pub.body)
  await app.scheduler.tick()
  await app.scheduler.idle()

  const runs = (await call('GET', `/v1/publications/${pub.json().id as string}/sync-runs`))
  t.equal(runs.statusCode, 200)
  const [run] = runs.json().items as Array<{ status: string, error: { code: string, title: string, detail: string } | null }>
  t.match(run, { status: 'failed', error: { code: 'JOBSYNC_ERR_SYNC', title: 'Sync failed' } })
  t.notMatch(runs.body, /internal_audit|pid 4242|db-primary/, 'none of the database\'s text in sync-runs')

  const events = await db.selectFrom('outbox_events').select(['type', 'payload']).where('type', '=', 'sync.failed').execute()
  t.equal(events.length, 1)
  t.notMatch(JSON.stringify(events), /internal_audit|pid 4242|db-primary/, 'nor in the event the host receives')
  t.match(events[0]?.payload, { error: { code: 'JOBSYNC_ERR_SYNC' } })

  t.ok(logs.some(line => line.includes('internal_audit_7f3a') && /"level":50/.test(line)), 'the operator finds it in the log')
})
