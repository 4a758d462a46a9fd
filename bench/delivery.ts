// Webhook delivery: one tenant's endpoint with a backlog of events (a sync's worth, each about its
// own subject, so nothing waits on order), sent by the service's dispatcher as it runs in
// production (started, its rounds driven by its own cron and the slots that free), against the
// bare limit: the same number of POSTs of the same size to the same receiver, straight through an
// undici pool with as many connections as the dispatcher may use for one endpoint. Both in this
// process, the receiver too (it answers 204 at once), so both sides share the same CPU.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { Pool } from 'undici'
import { generateApiKey } from '../src/crypto/api-keys.js'
import { emitMany, type OutboxEvent } from '../src/outbox/events.js'
import { createBenchDb, dropBenchDb, report, scaled, serviceConfig, sleep, startService } from './lib/harness.js'

const EVENTS = scaled(10_000, 500)
/** the connections the dispatcher keeps to one endpoint (its agent's, src/outbox/dispatcher.ts) */
const CONNECTIONS = 16
const TIMEOUT_MS = 600_000

interface Receiver { server: Server, url: string, count: () => number, bytes: () => number, /** when the first request arrived (performance.now()) */ firstAt: () => number }

async function startReceiver (): Promise<Receiver> {
  let count = 0
  let bytes = 0
  let firstAt = 0
  const server = createServer((req, res) => {
    if (firstAt === 0) firstAt = performance.now()
    req.on('data', (chunk: Buffer) => { bytes += chunk.length })
    req.on('end', () => { count++; res.writeHead(204).end() })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, count: () => count, bytes: () => bytes, firstAt: () => firstAt }
}

async function until (done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

async function main (): Promise<void> {
  const bench = await createBenchDb('delivery')
  const receiver = await startReceiver()
  const { app } = await startService(serviceConfig(bench.url, { OUTBOUND_ALLOW: '127.0.0.1/32', DATABASE_POOL_MAX: '10' }))
  try {
    const db = app.db
    const tenant = await db.insertInto('tenants').values({ name: 'bench delivery' }).returning('id').executeTakeFirstOrThrow()
    const apiKey = generateApiKey()
    await db.insertInto('api_keys').values({ tenant_id: tenant.id, role: 'tenant', name: 'bench', prefix: apiKey.prefix, key_hash: apiKey.hash }).execute()
    const hook = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: `Bearer ${apiKey.key}` }, payload: { url: receiver.url, events: ['candidate.erased'] } })
    if (hook.statusCode !== 201) throw new Error(`webhook not created: ${hook.body}`)

    // the backlog, written before the dispatcher starts
    const events: OutboxEvent[] = Array.from({ length: EVENTS }, () => {
      const candidateId = randomUUID()
      return { type: 'candidate.erased', subject: `candidate:${candidateId}`, data: { candidateId, applicationIds: [randomUUID(), randomUUID()], mergedCandidateIds: [] } }
    })
    for (let i = 0; i < events.length; i += 1000) {
      await db.transaction().execute(async trx => { await emitMany(trx, tenant.id, events.slice(i, i + 1000)) })
    }

    // timed from the first delivery: the first round waits for the dispatcher's cron (every 5 s)
    app.dispatcher.start()
    await until(() => receiver.count() >= EVENTS, 'the service\'s deliveries')
    const serviceMs = performance.now() - receiver.firstAt()
    await app.dispatcher.stop()
    const body = Buffer.alloc(Math.round(receiver.bytes() / receiver.count()), 'x')
    const pending = await db.selectFrom('webhook_deliveries').select(eb => eb.fn.countAll<string>().as('n')).where('status', '!=', 'delivered').executeTakeFirstOrThrow()

    // bare: the same number of POSTs of the same size, CONNECTIONS at a time
    const before = receiver.count()
    const pool = new Pool(new URL(receiver.url).origin, { connections: CONNECTIONS })
    let next = 0
    const bareStarted = performance.now()
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (next < EVENTS) {
        next++
        const res = await pool.request({ method: 'POST', path: '/hook', headers: { 'content-type': 'application/json' }, body })
        await res.body.dump()
      }
    }))
    const bareMs = performance.now() - bareStarted
    await pool.close()
    if (receiver.count() - before !== EVENTS) throw new Error(`bare leg: ${receiver.count() - before} of ${EVENTS} received`)

    const perSecond = (ms: number) => Math.round(EVENTS / (ms / 1000))
    report({
      benchmark: 'delivery',
      events: EVENTS,
      connections: CONNECTIONS,
      bytesPerEvent: body.length,
      service: { ms: Math.round(serviceMs), perSecond: perSecond(serviceMs), undelivered: Number(pending.n) },
      bare: { ms: Math.round(bareMs), perSecond: perSecond(bareMs) },
      ratio: Number((bareMs / serviceMs).toFixed(3)),
      targets: { delivered: { met: Number(pending.n) === 0 && receiver.count() >= 2 * EVENTS } }
    })
  } finally {
    await app.close()
    await new Promise(resolve => receiver.server.close(resolve))
    await dropBenchDb(bench.name)
  }
}

await main()
process.exit(0)
