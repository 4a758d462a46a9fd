// The outbound URL policy (issue 16, item 1), probed as a hostile tenant would: every spelling of an
// internal address refused at registration (and on update), a name that resolves inside refused, a
// name that answers a public address at registration and loopback at delivery (DNS rebinding)
// never reached, a stored internal URL never called, redirects not followed, and delivery
// failures shown as stable codes, never the library's text.
import t from 'tap'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net'
import type { LookupAddress } from 'node:dns'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { createOutboundPolicy } from '../../src/net/outbound.js'
import { OUTBOUND_FAILURES } from '../../src/net/failures.js'

const INTERNAL_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://metadata/',
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.0.1/',
  'http://100.100.100.200/', // Alibaba's metadata, in the shared (CGNAT) range
  'http://[fd00:ec2::254]/',
  'http://127.0.0.1/',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://017700000001/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/', // 169.254.169.254, mapped
  'http://[64:ff9b::a9fe:a9fe]/', // the same through NAT64
  'http://[2002:7f00:1::]/', // 127.0.0.1 as 6to4
  'http://[::1]/',
  'http://[::]/',
  'http://[::127.0.0.1]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://localhost/',
  'http://LOCALHOST./',
  'http://api.localhost/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://[fe80::1]/',
  'http://255.255.255.255/',
  'http://user:secret@hooks.example.com/',
  'https://token@hooks.example.com/',
  'http://inside.example.com/' // resolves to 10.1.2.3 (below)
]

/** the test's DNS: these names and no others */
const ZONE: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'inside.example.com': ['93.184.216.34', '10.1.2.3'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946']
}
const zone = async (hostname: string): Promise<LookupAddress[]> => {
  const addresses = ZONE[hostname]
  if (addresses === undefined) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
  return addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 }))
}

/** two status_changed events (new→draft, draft→published) of one publication */
async function publish (call: Call, hostJobId: string): Promise<void> {
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: hostJobId } })).json().id
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants: 0 }, publicationType: 'standard', publish: true })
  if (pub.statusCode !== 201) throw new Error(pub.body)
}

/** listens on 127.0.0.1 until the test ends (open connections are cut then); the port */
async function listen (t: { teardown: (fn: () => unknown) => void }, server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const socket of sockets) socket.destroy(); return new Promise<void>(resolve => server.close(() => resolve())) })
  return (server.address() as AddressInfo).port
}

const deliveriesOf = async (call: Call, webhookId: string) => (await call('GET', `/v1/webhooks/${webhookId}/deliveries`)).json().items as Array<Record<string, any>>

t.test('every internal address, in every spelling, and userinfo are refused at registration and on update', async t => {
  const app = await build(t, { env: { OUTBOUND_ALLOW: '' }, resolve: zone })
  const call = await tenantCaller(app)
  for (const url of INTERNAL_URLS) {
    const res = await call('POST', '/v1/webhooks', { url, events: ['sync.failed'] })
    t.equal(res.statusCode, 400, `${url} is refused`)
    if (res.statusCode === 400) t.match(problemOf(res).errors, [{ in: 'body', pointer: '/url' }], 'the problem names url')
    t.notOk(res.body.includes('secret@'), 'the password is not echoed')
  }
  t.equal((await call('GET', '/v1/webhooks')).json().items.length, 0, 'none was stored')

  const ok = await call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/in', events: ['sync.failed'] })
  t.equal(ok.statusCode, 201, 'a public name is taken')
  t.equal((await call('POST', '/v1/webhooks', { url: 'https://v6.example.com/in', events: ['sync.failed'] })).statusCode, 201, 'so is one with a public IPv6 address')
  t.equal((await call('POST', '/v1/webhooks', { url: 'https://93.184.216.34/in', events: ['sync.failed'] })).statusCode, 201, 'and a public address')
  const moved = await call('PATCH', `/v1/webhooks/${ok.json().id as string}`, { url: 'http://[::ffff:7f00:1]:22/' })
  t.equal(moved.statusCode, 400, 'an update to an internal address is refused')
  t.match(problemOf(moved).errors, [{ pointer: '/url' }])
  t.equal((await call('GET', `/v1/webhooks/${ok.json().id as string}`)).json().url, 'https://hooks.example.com/in', 'and changes nothing')
})

t.test('OUTBOUND_ALLOW opens exactly what it lists', async t => {
  const app = await build(t, { env: { OUTBOUND_ALLOW: '10.20.0.0/16, hooks.internal.example' }, resolve: zone })
  const call = await tenantCaller(app)
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://10.20.3.4/in', events: ['sync.failed'] })).statusCode, 201, 'an address in an allowed range')
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://hooks.internal.example/in', events: ['sync.failed'] })).statusCode, 201, 'an allowed name')
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://10.21.0.1/in', events: ['sync.failed'] })).statusCode, 400, 'but not the range next to it')
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://169.254.169.254/', events: ['sync.failed'] })).statusCode, 400, 'nor metadata')
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://u:p@10.20.3.4/in', events: ['sync.failed'] })).statusCode, 400, 'userinfo is refused even there')
})

t.test('a name that resolves to loopback at delivery (DNS rebinding) is never called', async t => {
  const hook = await startWebhookReceiver()
  t.teardown(hook.close)
  const port = new URL(hook.url).port
  let lookups = 0
  // public at registration, loopback afterwards
  const rebinding = async (hostname: string): Promise<LookupAddress[]> => {
    if (hostname !== 'rebind.example.com') return await zone(hostname)
    return [{ address: ++lookups === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]
  }
  const app = await build(t, { env: { OUTBOUND_ALLOW: '' }, resolve: rebinding })
  const call = await tenantCaller(app)
  const created = await call('POST', '/v1/webhooks', { url: `http://rebind.example.com:${port}/hooks`, events: ['publication.status_changed'] })
  t.equal(created.statusCode, 201, 'the name looked public when it was registered')
  await publish(call, 'rebind-1')
  await app.app.dispatcher.drain()
  t.ok(lookups >= 2, 'the name was resolved again to connect')
  t.equal(hook.received.size, 0, 'the loopback receiver got nothing')
  const first = (await deliveriesOf(call, created.json().id)).find(d => d.attempts > 0)
  t.match(first, { status: 'pending', lastError: 'blocked_address', lastStatusCode: null })
})

t.test('a stored internal URL (from before the policy) is not called', async t => {
  const hook = await startWebhookReceiver()
  t.teardown(hook.close)
  const app = await build(t, { env: { OUTBOUND_ALLOW: '' } })
  const call = await tenantCaller(app)
  const created = await call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/in', events: ['publication.status_changed'] })
  const id = created.json().id as string
  // as an older version stored it, in one of its spellings
  await app.db.updateTable('webhooks').set({ url: hook.url.replace('127.0.0.1', '[::ffff:127.0.0.1]') }).where('id', '=', id).execute()
  await publish(call, 'stored-1')
  await app.app.dispatcher.drain()
  t.equal(hook.received.size, 0)
  t.match((await deliveriesOf(call, id)).find(d => d.attempts > 0), { status: 'pending', lastError: 'blocked_address' })
})

t.test('the policy pins the address it checked for the connection', async t => {
  const hook = await startWebhookReceiver()
  t.teardown(hook.close)
  const answers = ['127.0.0.1', '127.0.0.2']
  const resolved: string[] = []
  const policy = createOutboundPolicy({
    allow: ['127.0.0.1/32'],
    resolve: async () => { const address = answers.shift() ?? '127.0.0.2'; resolved.push(address); return [{ address, family: 4 }] }
  })
  const agent = policy.agent({ connectTimeoutMs: 2_000, pipelining: 0 })
  t.teardown(() => agent.close())
  const url = hook.url.replace('127.0.0.1', 'receiver.example.com')
  const { request } = await import('undici')
  const first = await request(url, { method: 'POST', dispatcher: agent, headers: { 'webhook-id': 'one' }, body: '{}', reset: true })
  await first.body.dump()
  t.equal(first.statusCode, 200, 'the allowed address is reached')
  const second = await request(url, { method: 'POST', dispatcher: agent, headers: { 'webhook-id': 'two' }, body: '{}' }).then(() => 'reached', (e: Error) => e.name)
  t.equal(second, 'BlockedAddressError', 'a new connection resolves again and is refused when the answer changed')
  t.same(resolved, ['127.0.0.1', '127.0.0.2'], 'one resolution per connection')
  t.same([...hook.received.keys()], ['one'])
})

t.test('delivery failures are stable codes, never library text; redirects are not followed', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const target = await startWebhookReceiver()
  t.teardown(target.close)

  // a port nothing listens on: one that was just closed
  const closed = createTcpServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const closedPort = (closed.address() as AddressInfo).port
  await new Promise<void>(resolve => closed.close(() => resolve()))
  const ssh = createTcpServer(socket => { socket.end('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n') })
  const silent = createTcpServer(() => { /* accepts and never answers */ })
  const failing = createHttpServer((req, res) => { req.resume(); res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream db at 10.0.0.7:5432 refused') })
  const redirecting = createHttpServer((req, res) => { req.resume(); res.writeHead(302, { location: target.url }).end() })
  const huge = createHttpServer((req, res) => { req.resume(); res.writeHead(200); res.end(Buffer.alloc(1024 * 1024, 'x')) })
  const ports = {
    refused: closedPort,
    ssh: await listen(t, ssh),
    silent: await listen(t, silent),
    failing: await listen(t, failing),
    redirecting: await listen(t, redirecting),
    huge: await listen(t, huge),
    plain: await listen(t, createHttpServer((req, res) => { req.resume(); res.end() }))
  }
  const hooks: Record<string, string> = {}
  for (const [name, port] of Object.entries(ports)) {
    const scheme = name === 'plain' ? 'https' : 'http' // TLS spoken to a plain HTTP server
    const res = await call('POST', '/v1/webhooks', { url: `${scheme}://127.0.0.1:${port}/hooks`, events: ['publication.status_changed'], description: name })
    t.equal(res.statusCode, 201)
    hooks[name] = res.json().id
  }
  await publish(call, 'codes-1')
  await app.app.dispatcher.drain()

  const last = async (name: string) => (await deliveriesOf(call, hooks[name]!)).find(d => d.attempts > 0)!
  t.match(await last('refused'), { status: 'pending', lastError: 'connection_refused', lastStatusCode: null })
  t.match(await last('ssh'), { status: 'pending', lastError: 'bad_response', lastStatusCode: null })
  t.match(await last('silent'), { status: 'pending', lastError: 'timeout', lastStatusCode: null })
  t.match(await last('failing'), { status: 'pending', lastError: 'bad_status', lastStatusCode: 503 })
  t.match(await last('redirecting'), { status: 'failed', lastError: 'bad_status', lastStatusCode: 302 })
  t.equal(target.received.size, 0, 'the redirect was not followed')
  t.match(await last('plain'), { status: 'pending', lastError: 'tls', lastStatusCode: null })
  const big = await last('huge')
  t.match(big, { status: 'delivered', lastError: null, lastStatusCode: 200 }, 'a 2xx with an endless answer is taken; the rest is not read')
  t.equal(big.attemptLog[0].error, 'too_large')

  const everything = JSON.stringify(await Promise.all(Object.values(hooks).map(async id => await deliveriesOf(call, id))))
  for (const raw of ['ECONN', 'HPE_', 'SSH', 'UND_ERR', 'HTTP ', 'Parse Error', 'wrong version', 'socket', '10.0.0.7']) t.notOk(everything.includes(raw), `no "${raw}" shown`)
  for (const d of JSON.parse(everything).flat() as Array<Record<string, any>>) {
    if (d.lastError !== null) t.ok((OUTBOUND_FAILURES as readonly string[]).includes(d.lastError), `${d.lastError as string} is a documented code`)
  }
  const webhookViews = JSON.stringify((await call('GET', '/v1/webhooks')).json())
  t.notOk(webhookViews.includes('ECONN'), 'nor in the webhooks')
})

t.test('a tenant has at most WEBHOOKS_PER_TENANT_MAX endpoints', async t => {
  const app: TestApp = await build(t, { env: { WEBHOOKS_PER_TENANT_MAX: '3' } })
  const call = await tenantCaller(app)
  const other = await tenantCaller(app)
  const made = await Promise.all([1, 2, 3, 4, 5].map(async n => await call('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/${n}`, events: ['sync.failed'] })))
  t.same(made.map(r => r.statusCode).sort(), [201, 201, 201, 409, 409], 'three at once, however they race')
  t.match(problemOf(made.find(r => r.statusCode === 409)!), { status: 409, limit: 3 })
  t.equal((await other('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['sync.failed'] })).statusCode, 201, 'another tenant has its own')
  const first = made.find(r => r.statusCode === 201)!.json().id as string
  await call('DELETE', `/v1/webhooks/${first}`)
  t.equal((await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/again', events: ['sync.failed'] })).statusCode, 201, 'a deleted one makes room')
})
