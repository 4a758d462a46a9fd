// Fair delivery (issue 16, item 2): one tenant's endpoint answers 200 and then drips its body, a
// byte every 2 s, for 60 s (DRIP_MS), while the tenant keeps producing events; another tenant's
// events, produced meanwhile, must each reach its receiver while the drip still goes on: a
// dispatcher round never waits for the dripping endpoint, the attempt's total deadline cuts each
// drip off, and the dripping tenant never holds the slots the other needs. The figures (the other
// tenant's delivery times, quiet and during the drip) are printed; the test asserts the order of
// things, not their times.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { build } from '../helpers/app.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const DRIP_MS = Number(process.env.DRIP_MS ?? 60_000)
const STEP_MS = 10_000

/** publishes a new sandbox posting of the tenant: two publication.status_changed events (new→draft, draft→published) */
function publisher (call: Call, prefix: string) {
  let integrationId: string | undefined
  let n = 0
  return async (): Promise<void> => {
    integrationId ??= (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: prefix } })).json().id
    const hostJobId = `${prefix}-${++n}`
    await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
    const pub = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants: 0 }, publicationType: 'standard', publish: true })
    if (pub.statusCode !== 201) throw new Error(pub.body)
  }
}

const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

t.test("one tenant's dripping endpoint does not hold back another tenant's events", async t => {
  /** what happened, in order: "A:<event id>" when the dripping endpoint was called, "B:<event id>" when B's receiver took an event, "drip-ended" */
  const order: string[] = []

  // A's endpoint: 200 at once, then a byte every 2 s until the drip period is over
  const sockets = new Set<Socket>()
  let dripping = true
  const drip = createServer((req, res) => {
    req.resume()
    order.push(`A:${String(req.headers['webhook-id'])}`)
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('.')
    const timer = setInterval(() => { if (dripping) res.write('.'); else { clearInterval(timer); res.end() } }, 2_000)
    res.on('close', () => { clearInterval(timer) })
  })
  drip.on('connection', socket => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  // B's endpoint: takes every event at once
  const taken: Array<{ id: string, at: number }> = []
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const id = String(req.headers['webhook-id'])
      order.push(`B:${id}`)
      taken.push({ id, at: Date.now() })
      res.writeHead(200).end()
    })
  })
  for (const server of [drip, receiver]) await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    dripping = false
    for (const socket of sockets) socket.destroy()
    receiver.closeAllConnections()
    await Promise.all([drip, receiver].map(async server => await new Promise<void>(resolve => server.close(() => resolve()))))
  })
  const urlOf = (server: typeof drip) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`

  const app = await build(t)
  const callA = await tenantCaller(app)
  const callB = await tenantCaller(app)
  t.equal((await callA('POST', '/v1/webhooks', { url: urlOf(drip), events: ['publication.status_changed'] })).statusCode, 201)
  t.equal((await callB('POST', '/v1/webhooks', { url: urlOf(receiver), events: ['publication.status_changed'] })).statusCode, 201)
  const publishA = publisher(callA, 'drip')
  const publishB = publisher(callB, 'fair')
  app.app.dispatcher.start()

  /** publishes one B posting and waits until B has both its events (or the drip is over); how long that took */
  const timedB = async (): Promise<number> => {
    const expected = taken.length + 2
    const started = Date.now()
    await publishB()
    while (taken.length < expected && dripping) await sleep(50)
    return Date.now() - started
  }

  // the usual time, before anything drips
  const quiet = await timedB()

  // A's backlog: enough postings (subjects) to fill every slot its endpoint may have, and more
  // coming each step; B's events, one posting a step, during the drip
  const dripStarted = Date.now()
  setTimeout(() => { dripping = false; order.push('drip-ended') }, DRIP_MS)
  for (let i = 0; i < 6; i++) await publishA()
  const during: number[] = []
  while (Date.now() - dripStarted < DRIP_MS - STEP_MS - 5_000) {
    const stepStarted = Date.now()
    await publishA()
    during.push(await timedB())
    await sleep(Math.max(0, STEP_MS - (Date.now() - stepStarted)))
  }
  t.ok(order.some(e => e.startsWith('A:')), "A's dripping endpoint was being called")
  const endedAt = order.indexOf('drip-ended')
  const lastB = order.map((e, i) => e.startsWith('B:') ? i : -1).reduce((a, b) => Math.max(a, b))
  t.ok(dripping || endedAt > lastB, "every one of B's events was taken while A's endpoint still dripped")
  t.equal(taken.length, 2 * (during.length + 1), "B's receiver got each event")
  t.equal(new Set(taken.map(e => e.id)).size, taken.length, 'once')
  t.comment(`fair delivery: B's two events took ${quiet} ms before the drip, ${during.join(', ')} ms during it (dispatcher cron every 5 s)`)

  // once the drip is over, A's events all go out too (each attempt was cut off at its deadline,
  // with the 200 it had: taken)
  while (dripping) await sleep(200)
  await app.app.dispatcher.drain()
  const { rows } = await app.db.selectFrom('webhook_deliveries').innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhook_deliveries.status']).where('webhooks.url', '=', urlOf(drip)).execute().then(r => ({ rows: r }))
  t.ok(rows.length >= 14 && rows.every(r => r.status === 'delivered'), `A's ${rows.length} events were delivered in the end`)
})
