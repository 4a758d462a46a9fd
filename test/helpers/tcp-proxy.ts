// A TCP proxy between the app and Postgres that a test can cut and bring back, so "the database
// went away" is tested without stopping the Postgres server other test files share.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

export type ProxyState = 'up' | 'refusing' | 'blackhole'

export interface TcpProxy {
  port: number
  state: () => ProxyState
  /** the connection string `target` with its host and port replaced by the proxy's */
  urlFor: (target: string) => string
  /** every open connection destroyed, and new ones refused (the port stops listening) */
  cut: () => Promise<void>
  /** every open connection destroyed; new ones accepted and never answered (a dead host) */
  blackhole: () => Promise<void>
  /** forwards again, on the same port */
  restore: () => Promise<void>
  close: () => Promise<void>
}

export async function startTcpProxy (targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let state: ProxyState = 'up'
  let port = 0

  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  }

  const onConnection = (client: Socket) => {
    track(client)
    if (state === 'blackhole') return // held open, never answered
    const upstream = createConnection({ host: targetHost, port: targetPort })
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }

  let server: Server = createServer(onConnection)
  const listen = async (at: number) => {
    server = createServer(onConnection)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(at, '127.0.0.1', () => { server.off('error', reject); resolve() })
    })
    port = (server.address() as AddressInfo).port
  }
  const stopListening = async () => {
    if (!server.listening) return
    await new Promise<void>(resolve => server.close(() => resolve()))
  }
  const destroyAll = () => { for (const socket of sockets) socket.destroy() }

  await listen(0)

  return {
    get port () { return port },
    state: () => state,
    urlFor (target) {
      const url = new URL(target)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.toString()
    },
    async cut () {
      state = 'refusing'
      const closing = stopListening()
      destroyAll()
      await closing
    },
    async blackhole () {
      state = 'blackhole'
      destroyAll()
      if (!server.listening) await listen(port)
    },
    async restore () {
      state = 'up'
      destroyAll() // blackholed connections: the clients see them fail and reconnect
      if (!server.listening) await listen(port)
    },
    async close () {
      state = 'refusing'
      const closing = stopListening()
      destroyAll()
      await closing
    }
  }
}
