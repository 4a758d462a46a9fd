import t from 'tap'
import { build, problemOf } from '../helpers/app.js'

t.test('live and ready answer 200 with no key', async t => {
  const { app } = await build(t)
  t.equal((await app.inject('/health/live')).statusCode, 200)
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ok' })
})

t.test('ready is 503 when the database is gone', async t => {
  const { app, dbHandle } = await build(t, { ownDb: true })
  await dbHandle.close()
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(problemOf(ready), { code: 'JOBSYNC_ERR_UNAVAILABLE', detail: /database/ })
})

t.test('metrics expose request latency by route and process metrics', async t => {
  const { app } = await build(t)
  await app.inject('/health/live')
  await app.inject('/v1/me')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/plain/)
  t.match(res.body, /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 1/)
  t.match(res.body, /http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status_code="401"\} 1/)
  t.match(res.body, /process_cpu_user_seconds_total/)
})
