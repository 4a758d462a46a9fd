import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { tenantOf } from '../../http/auth.js'
import { problemResponses } from '../../http/schemas.js'
import type { JobService } from './service.js'
import { HostJobIdParams, JobBody, JobSchema } from './schemas.js'

const tags = ['jobs']

export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService }> = async (app, { jobs }) => {
  app.put('/v1/jobs/:hostJobId', {
    schema: {
      tags, summary: "Create or replace the host's vacancy (201 when created, 200 when updated)",
      description: 'Publications already on a board are not changed by this call: edit a publication to push new text to its board.',
      params: HostJobIdParams,
      body: JobBody,
      response: { 200: JobSchema, 201: JobSchema, ...problemResponses(400, 401, 403) }
    }
  }, async (request, reply) => {
    const { job, created } = await jobs.upsert(tenantOf(request), request.params.hostJobId, request.body)
    return reply.code(created ? 201 : 200).send(job)
  })

  app.get('/v1/jobs/:hostJobId', {
    schema: {
      tags, summary: 'A vacancy with its publications and application counts',
      params: HostJobIdParams,
      response: { 200: JobSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await jobs.get(tenantOf(request), request.params.hostJobId))
}
