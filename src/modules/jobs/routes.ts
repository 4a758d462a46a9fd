import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { tenantOf } from '../../http/auth.js'
import { problemResponses } from '../../http/schemas.js'
import type { JobService } from './service.js'
import { HostJobIdParams, JobBody, JobSchema } from './schemas.js'

const tags = ['jobs']

export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService }> = async (app, { jobs }) => {
  app.put('/v1/jobs/:hostJobId', {
    schema: {
      operationId: 'putJob',
      tags, summary: "Create or replace the host's vacancy (201 when created, 200 when updated)",
      description: 'A change of what boards show (title, description, location, salary, employment, remoteType, tags) is pushed to every ' +
        'posting of the job that is up on a board (published or inactive publications, pending review or live), a few at a time, and this call ' +
        'waits for them: each publication in the answer has its `lastEdit` (`applied`, `refused` with the reason, or `failed`), and a ' +
        '`publication.updated` event goes out for each. A refusal leaves the posting as it was; the job is stored either way.',
      params: HostJobIdParams,
      body: JobBody,
      response: { 200: JobSchema, 201: JobSchema, ...problemResponses(400, 401, 403) }
    }
  }, async (request, reply) => {
    const { job, created } = await jobs.upsert(tenantOf(request), request.params.hostJobId, request.body, `api_key:${request.principal?.keyId ?? 'unknown'}`)
    return reply.code(created ? 201 : 200).send(job)
  })

  app.get('/v1/jobs/:hostJobId', {
    schema: {
      operationId: 'getJob',
      description: '404 when the host has not PUT the job. The publications are summarised with their posting state and application counts.',
      tags, summary: 'A vacancy with its publications and application counts',
      params: HostJobIdParams,
      response: { 200: JobSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await jobs.get(tenantOf(request), request.params.hostJobId))
}
