// A webhook receiver on 127.0.0.1 for the reliability tests: records every accepted event by its
// `webhook-id`, answers with `status` (switchable), and closes with the test.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface WebhookReceiver {
  url: string
  /** event ids accepted (2xx), with how many times each arrived */
  received: Map<string, number>
  /** answer to give; 2xx accepts */
  state: { status: number }
  close: () => Promise<void>
}

export async function startWebhookReceiver (): Promise<WebhookReceiver> {
  const received = new Map<string, number>()
  const state = { status: 200 }
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '')
      if (state.status >= 200 && state.status < 300 && id !== '') received.set(id, (received.get(id) ?? 0) + 1)
      res.writeHead(state.status).end()
    })
  })
  server.keepAliveTimeout = 1_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    state,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
