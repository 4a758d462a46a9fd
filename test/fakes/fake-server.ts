// A small HTTP server base for fake job boards: real sockets on 127.0.0.1, port 0,
// a request log, a log of the requests no route of the fake took, and switches that inject the
// faults real boards produce.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  /** the client's address, for per-IP rate limits */
  ip: string
  rawBody: string
  /** parsed JSON body, or form fields as an object of string | string[] for urlencoded bodies */
  body: unknown
}

export interface FakeReply {
  status: number
  headers?: Record<string, string>
  /** objects are sent as JSON; strings as they are */
  body?: unknown
  /** no route of the fake took the request (it is answered as the board answers an unknown path): recorded in `unmatched` */
  unrouted?: boolean
}

export type FaultMode =
  | 'timeout' // accept the request and never answer (until the server closes)
  | 'reset' // destroy the socket without a response
  | 'malformed' // 200 with a body that is not JSON
  | 'truncated' // 200 with a JSON body cut in the middle
  | 'pass' // answered as usual, after `action` ran (a change on the board timed to a request, e.g. credentials revoked before page 2)
  | 'poison' // answered as usual, in valid JSON whose text values carry U+0000, unpaired surrogates and control characters

export interface Fault {
  /** only requests whose `METHOD /path` matches; all when unset */
  match?: RegExp
  /** an HTTP answer to send instead of the real one */
  status?: number
  headers?: Record<string, string>
  body?: unknown
  mode?: FaultMode
  /** how many matching requests fail; default 1 */
  times?: number
  /** how many matching requests pass untouched before the fault starts (page 2 of a sync: 1); default 0 */
  after?: number
  /** with mode 'pass': what happens on the board just before the request is answered */
  action?: () => void
}

export interface FakeServer {
  url: string
  requests: FakeRequest[]
  /**
   * `METHOD /path` of every request no route of the fake took, and of any the fake failed on:
   * what the adapter sent that the board does not have (the adapter harness fails a test on it)
   */
  unmatched: string[]
  /** queue a fault for the next matching request(s) */
  inject (fault: Fault): void
  clearFaults (): void
  close (): Promise<void>
}

// what a careless applicant's copy-paste brings: U+0000, a lone low and a lone high surrogate, BEL, ESC, a C1 control
const POISON = { start: '\udc00', inside: '\u0000\u0007', end: '\ud800\u001b\u0085' }
// text a person typed (a name, a letter, a phone with spaces): not ids, dates, URLs or codes, which
// the board's own format fixes and an adapter reads as such
const isProse = (text: string): boolean => /[^\x00-\x7f]|\s/.test(text) && !/^(https?:\/\/|\d{4}-\d{2}-\d{2})/.test(text)

/** a board's JSON answer with every prose string poisoned; what remains is the same valid JSON */
export function poisonJson (value: unknown): unknown {
  if (typeof value === 'string') {
    if (!isProse(value)) return value
    const [first = '', ...rest] = Array.from(value)
    return `${POISON.start}${first}${POISON.inside}${rest.join('')}${POISON.end}`
  }
  if (Array.isArray(value)) return value.map(poisonJson)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, poisonJson(item)]))
  return value
}

export type FakeHandler = (req: FakeRequest) => FakeReply | Promise<FakeReply>

function parseBody (raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined
  if (contentType?.includes('application/json')) {
    try { return JSON.parse(raw) } catch { return Symbol.for('invalid-json') }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, string | string[]> = {}
    for (const [key, value] of new URLSearchParams(raw)) {
      const prev = fields[key]
      if (prev === undefined) fields[key] = value
      else fields[key] = Array.isArray(prev) ? [...prev, value] : [prev, value]
    }
    return fields
  }
  return raw
}

export async function startFakeServer (handler: FakeHandler): Promise<FakeServer> {
  const requests: FakeRequest[] = []
  const unmatched: string[] = []
  const faults: Array<Fault & { left: number, passing: number }> = []
  const sockets = new Set<Socket>()

  const send = (res: ServerResponse, reply: FakeReply): void => {
    const headers: Record<string, string> = { ...reply.headers }
    let payload = ''
    if (reply.body !== undefined) {
      if (typeof reply.body === 'string') {
        payload = reply.body
        headers['content-type'] ??= 'text/plain; charset=utf-8'
      } else {
        payload = JSON.stringify(reply.body)
        headers['content-type'] ??= 'application/json; charset=utf-8'
      }
    }
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        ip: req.socket.remoteAddress ?? '127.0.0.1',
        rawBody,
        body: parseBody(rawBody, req.headers['content-type'])
      }
      requests.push(request)

      let fault = faults.find(f => f.left > 0 && (f.match === undefined || f.match.test(`${request.method} ${request.path}`)))
      if (fault !== undefined && fault.passing > 0) { fault.passing--; fault = undefined }
      if (fault !== undefined && fault.mode === 'pass') { fault.left--; fault.action?.(); fault = undefined }
      let poisoned = false
      if (fault !== undefined && fault.mode === 'poison') { fault.left--; poisoned = true; fault = undefined }
      if (fault !== undefined) {
        fault.left--
        if (fault.mode === 'timeout') return // hold the socket open; close() destroys it
        if (fault.mode === 'reset') { req.socket.destroy(); return }
        if (fault.mode === 'malformed') { send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>Bad gateway</html>' }); return }
        if (fault.mode === 'truncated') { send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"items":[{"id":1,"na' }); return }
        send(res, { status: fault.status ?? 500, headers: fault.headers, body: fault.body })
        return
      }

      Promise.resolve()
        .then(() => handler(request))
        .then(reply => {
          if (reply.unrouted === true) unmatched.push(`${request.method} ${request.path}`)
          send(res, poisoned && typeof reply.body === 'object' ? { ...reply, body: poisonJson(reply.body) } : reply)
        })
        .catch((err: unknown) => {
          // a bug in the fake itself: make it loud in the test output, and fail the test that ran into it
          console.error('fake board handler failed', err)
          unmatched.push(`${request.method} ${request.path} (the fake failed: ${String(err)})`)
          if (!res.headersSent) send(res, { status: 599, body: { fakeError: String(err) } })
        })
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unmatched,
    inject (fault) { faults.push({ ...fault, left: fault.times ?? 1, passing: fault.after ?? 0 }) },
    clearFaults () { faults.length = 0 },
    async close () {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** the servers of one fake as one: a fault is queued on each (it matches by request), the logs are all of theirs */
export interface FakeServerGroup {
  readonly requests: FakeRequest[]
  readonly unmatched: string[]
  inject (fault: Fault): void
  clearFaults (): void
}

export function serverGroup (servers: readonly FakeServer[]): FakeServerGroup {
  return {
    get requests () { return servers.flatMap(server => server.requests) },
    get unmatched () { return servers.flatMap(server => server.unmatched) },
    inject (fault) { for (const server of servers) server.inject(fault) },
    clearFaults () { for (const server of servers) server.clearFaults() }
  }
}
