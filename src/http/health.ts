import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ping, type Db } from '../db/index.js'
import { serviceUnavailable } from '../errors.js'
import { problemResponses } from './schemas.js'

const Status = Type.Object({ status: Type.String() })
const READY_TIMEOUT_MS = 2_000

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db, isClosing: () => boolean }> = async (app, { db, isClosing }) => {
  app.get('/health/live', {
    schema: { operationId: 'getLiveness', description: 'Answers 200 while the process runs, without touching the database: for a liveness probe.', tags: ['health'], summary: 'The process is up', security: [], response: { 200: Status } }
  }, async () => ({ status: 'ok' }))

  app.get('/health/ready', {
    schema: { operationId: 'getReadiness', description: 'Answers 200 when the database answers a query, 503 (with Retry-After) when it does not or the service is shutting down: for a readiness probe.', tags: ['health'], summary: 'Ready for traffic: the database answers', security: [], response: { 200: Status, ...problemResponses(503) } }
  }, async () => {
    if (isClosing()) throw serviceUnavailable('shutting down')
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        ping(db),
        new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS) })
      ])
    } catch {
      throw serviceUnavailable('the database does not answer')
    } finally {
      clearTimeout(timer)
    }
    return { status: 'ok' }
  })
}
