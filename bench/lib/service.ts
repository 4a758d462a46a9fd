// The service in a process of its own, listening on loopback, for the benchmarks that load it from
// outside (autocannon) or run several replicas of it. It prints `{"port":N}` once listening.
//   env BENCH_DB_URL    its database
//   env BENCH_ENV       JSON of extra configuration (the service's own variables)
//   env BENCH_SCHEDULER 1 = start the sync scheduler at once; or send the message 'start' (replicas started together)
import { serviceConfig, startService } from './harness.js'

const config = serviceConfig(process.env.BENCH_DB_URL, JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>)
const { app } = await startService(config)
await app.listen({ host: '127.0.0.1', port: 0 })
if (process.env.BENCH_SCHEDULER === '1') app.scheduler.start()
const address = app.server.address()
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0, owner: app.scheduler.owner }) + '\n')
process.on('message', message => { if (message === 'start') app.scheduler.start() })
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0))
})
