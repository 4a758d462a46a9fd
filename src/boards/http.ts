// The HTTP client every board adapter uses: undici, a pooled agent per account, a timeout per
// request, and retries with exponential backoff on 429, 5xx and network failures, honouring
// Retry-After. Non-idempotent requests (a POST that creates something) are retried only on 429,
// since the board did not process them; a 5xx after a create may have created it.
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Readable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import { BoardError } from './errors.js'
import type { BoardId } from './types.js'
import { boardOperation } from './operation.js'

/** one request to a board (one attempt), for the metrics */
export interface BoardRequestSample {
  board: string
  /** the adapter operation that sent it (src/boards/operation.ts) */
  operation: string
  /** the HTTP status, or 'timeout' / 'network' when no answer came */
  status: string
  seconds: number
}

export interface BoardHttpOptions {
  board: BoardId
  baseUrl: string
  timeoutMs: number
  maxRetries: number
  maxRetryAfterMs: number
  headers?: Record<string, string>
  /** first backoff step; doubles per retry (jittered) */
  backoffMs?: number
  /** largest response body accepted */
  maxBodyBytes?: number
  /** told of every attempt: the metrics */
  observe?: (sample: BoardRequestSample) => void
}

export interface BoardRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** a path under the base URL, or an absolute URL the board handed us (next pages, resume urls) */
  path: string
  query?: Record<string, string | number | boolean | undefined | null>
  headers?: Record<string, string>
  json?: unknown
  /** form-urlencoded body; pairs keep PHP-style repeated keys like `category[][id]` */
  form?: Array<[string, string]>
  /** override: may this request be retried after a 5xx or a network error? default: not for POST */
  idempotent?: boolean
  /** a file: a 2xx answer comes back unread, as `stream`, for the caller to pipe (and to consume or destroy) */
  raw?: boolean
  dispatcher: Dispatcher
  log?: FastifyBaseLogger
}

export interface BoardResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** parsed JSON when the board said JSON, otherwise the text; undefined when empty */
  body: unknown
  text: string
  /** the unread body of a 2xx answer to a `raw` request */
  stream?: Readable
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504])

/** milliseconds to wait from a Retry-After header (seconds or an HTTP date), or undefined */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | undefined {
  const header = Array.isArray(value) ? value[0] : value
  if (header === undefined || header.trim() === '') return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function isTimeout (error: unknown): boolean {
  return error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError ||
    (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError'
}

function buildUrl (baseUrl: string, path: string, query: BoardRequest['query']): URL {
  const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''))
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value))
  }
  return url
}

export type BoardHttp = ReturnType<typeof createBoardHttp>

export function createBoardHttp (options: BoardHttpOptions) {
  const backoffMs = options.backoffMs ?? 250
  const maxBodyBytes = options.maxBodyBytes ?? 20 * 1024 * 1024
  const { board } = options

  async function once (req: BoardRequest, url: URL): Promise<BoardResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...req.headers }
    let body: string | undefined
    if (req.json !== undefined) {
      body = JSON.stringify(req.json)
      headers['content-type'] = 'application/json'
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    const res = await request(url, {
      method: req.method,
      headers,
      body,
      dispatcher: req.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // a file is streamed to our caller for as long as it takes: only the wait for headers is bounded
      signal: req.raw === true ? undefined : AbortSignal.timeout(options.timeoutMs * 2)
    })
    if (req.raw === true && res.statusCode >= 200 && res.statusCode < 300) {
      return { status: res.statusCode, headers: res.headers, body: undefined, text: '', stream: res.body }
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length
      if (size > maxBodyBytes) {
        res.body.destroy()
        throw new BoardError({ board, kind: 'bad_response', detail: `the board sent more than ${maxBodyBytes} bytes`, boardStatus: res.statusCode })
      }
      chunks.push(chunk as Buffer)
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const contentType = String(res.headers['content-type'] ?? '')
    let parsed: unknown = text === '' ? undefined : text
    if (text !== '' && contentType.includes('json')) {
      try {
        parsed = JSON.parse(text)
      } catch {
        // a 2xx that is not the JSON it claims (truncated, an HTML error page) cannot be trusted;
        // an error status keeps its text for the adapter to describe
        if (res.statusCode < 300) {
          throw new BoardError({ board, kind: 'bad_response', detail: `the board answered ${res.statusCode} with malformed JSON`, boardStatus: res.statusCode })
        }
      }
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text }
  }

  /** one attempt, told to `observe` with its status (or why none came) and its time */
  async function observed (req: BoardRequest, url: URL): Promise<BoardResponse> {
    const started = performance.now()
    let status = 'network'
    try {
      const res = await once(req, url)
      status = String(res.status)
      return res
    } catch (error) {
      // a BoardError from `once` is an answer we refused (too big, malformed): its status still says what came
      status = error instanceof BoardError ? String(error.boardStatus ?? 'bad_response') : isTimeout(error) ? 'timeout' : 'network'
      throw error
    } finally {
      options.observe?.({ board, operation: boardOperation(), status, seconds: (performance.now() - started) / 1000 })
    }
  }

  return {
    async send (req: BoardRequest): Promise<BoardResponse> {
      const url = buildUrl(options.baseUrl, req.path, req.query)
      const idempotent = req.idempotent ?? req.method !== 'POST'
      let lastFailure = ''
      for (let attempt = 0; ; attempt++) {
        const started = Date.now()
        let waitMs: number | undefined
        let retry = false
        let failure: BoardError
        try {
          const res = await observed(req, url)
          req.log?.debug({ board, method: req.method, path: url.pathname, status: res.status, ms: Date.now() - started }, 'board call')
          if (res.status === 429) {
            waitMs = parseRetryAfter(res.headers['retry-after'])
            if (waitMs !== undefined && waitMs > options.maxRetryAfterMs) {
              throw new BoardError({ board, kind: 'rate_limited', detail: `the board asks to wait ${Math.ceil(waitMs / 1000)} s`, boardStatus: 429, retryAfterMs: waitMs })
            }
            retry = true // the board did not process it: safe to resend whatever the method
            lastFailure = 'rate limited (429)'
            failure = new BoardError({ board, kind: 'rate_limited', detail: 'the board kept answering 429 Too Many Requests', boardStatus: 429, retryAfterMs: waitMs })
          } else if (RETRYABLE_STATUS.has(res.status)) {
            waitMs = res.status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined
            retry = idempotent
            lastFailure = `HTTP ${res.status}`
            failure = new BoardError({ board, kind: 'unavailable', detail: `the board answered ${res.status}`, boardStatus: res.status })
          } else {
            return res
          }
        } catch (error) {
          if (error instanceof BoardError) throw error
          const timedOut = isTimeout(error)
          retry = idempotent
          // a library's code (ECONNREFUSED, UND_ERR_SOCKET) is stable and says enough; its message
          // text is not shown to tenants (it reaches sync-runs and events), only to our debug log
          const code = (error as { code?: unknown }).code
          lastFailure = timedOut ? 'timeout' : typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : 'network_error'
          failure = timedOut
            ? new BoardError({ board, kind: 'timeout', detail: `the board did not answer within ${options.timeoutMs} ms` })
            : new BoardError({ board, kind: 'unavailable', detail: `could not reach the board (${lastFailure})` })
          req.log?.debug({ board, method: req.method, path: url.pathname, failure: lastFailure, message: (error as Error).message }, 'board call failed')
        }
        if (!retry || attempt >= options.maxRetries) {
          if (attempt > 0) req.log?.warn({ board, path: url.pathname, attempts: attempt + 1, failure: lastFailure }, 'board call gave up')
          throw failure
        }
        const backoff = backoffMs * 2 ** attempt
        await sleep(Math.min(options.maxRetryAfterMs, waitMs ?? backoff / 2 + Math.random() * backoff / 2))
      }
    }
  }
}

/** one undici Agent (connection pool) per account, so one slow account cannot starve the others */
export class AgentPool {
  private readonly agents = new Map<string, Agent>()
  constructor (private readonly options: { connectionsPerAccount: number, maxAccounts: number }) {}

  for (key: string): Agent {
    let agent = this.agents.get(key)
    if (agent !== undefined) {
      // most recently used last, so the first entry is the one to evict
      this.agents.delete(key)
      this.agents.set(key, agent)
      return agent
    }
    agent = new Agent({ connections: this.options.connectionsPerAccount, keepAliveTimeout: 10_000 })
    this.agents.set(key, agent)
    if (this.agents.size > this.options.maxAccounts) {
      const [oldestKey, oldest] = this.agents.entries().next().value as [string, Agent]
      this.agents.delete(oldestKey)
      void oldest.close()
    }
    return agent
  }

  async close (): Promise<void> {
    const all = [...this.agents.values()]
    this.agents.clear()
    await Promise.all(all.map(agent => agent.close()))
  }
}
