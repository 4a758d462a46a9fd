import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { Readable } from 'node:stream'
import { tenantOf } from '../../http/auth.js'
import { IdParams, problemResponses } from '../../http/schemas.js'
import type { CandidateService, ResumeDownload } from './service.js'
import { ApplicationSchema, ApplicationsQuery, CandidateSchema, CandidatesQuery, CandidateWithApplicationsSchema, FeedPage, MergeBody, OutcomeBody, OutcomeResultSchema } from './schemas.js'

/** a board's file (or our text) sent on with the board's content type; never stored, never sniffed (src/http/hardening.ts) */
async function sendFile (reply: FastifyReply, file: ResumeDownload): Promise<FastifyReply> {
  void reply.header('content-type', file.contentType)
  if (file.contentLength !== null) void reply.header('content-length', file.contentLength)
  if (file.fileName !== null) void reply.header('content-disposition', `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`)
  return await reply.send(file.body)
}

export const candidateRoutes: FastifyPluginAsyncTypebox<{ candidates: CandidateService }> = async (app, { candidates }) => {
  app.get('/v1/applications', {
    schema: {
      operationId: 'listApplications',
      tags: ['candidates'],
      summary: 'Applications, as a change feed in the order their changes were written; poll with `after` = nextCursor',
      description: 'Every application created or changed appears after the cursor exactly once per change, also while a sync ' +
        'is writing (rows of transactions still open are held back until they commit; sessions that write nothing hold nothing back). Filter by publication, job or board.',
      querystring: ApplicationsQuery,
      response: { 200: FeedPage(Type.Ref('Application')), ...problemResponses(400, 401, 403) }
    }
  }, async request => await candidates.applications(tenantOf(request), request.query))

  app.get('/v1/candidates', {
    schema: {
      operationId: 'listCandidates',
      description: 'Page with `after` = the previous page\'s nextCursor; a candidate changes when one of their applications does.',
      tags: ['candidates'],
      summary: 'Candidates (one per person across boards), as a change feed in the order their changes were written',
      querystring: CandidatesQuery,
      response: { 200: FeedPage(Type.Ref('Candidate')), ...problemResponses(400, 401, 403) }
    }
  }, async request => await candidates.candidates(tenantOf(request), request.query))

  app.post('/v1/applications/:id/outcome', {
    schema: {
      operationId: 'shareApplicationOutcome',
      tags: ['candidates'],
      summary: 'Record an outcome (hired, rejected, invited) and share it with the board where the board takes it',
      description: 'Djinni takes all three; HeadHunter through the response\'s actions; Work.ua and Robota.ua have no such endpoint ' +
        '(recorded here only, `shared: "not_supported"`). A board failure answers `shared: "failed"` with the error; post again to retry.',
      params: IdParams,
      body: OutcomeBody,
      response: { 200: OutcomeResultSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await candidates.shareOutcome(tenantOf(request), request.params.id, request.body.outcome))

  app.get('/v1/applications/:id/resume', {
    schema: {
      operationId: 'getApplicationResume',
      tags: ['candidates'],
      summary: 'The application\'s resume: the attached file streamed from the board, or the resume text',
      description: 'Robota.ua serves attached CV files: fetched with the account\'s credentials and streamed through, up to ' +
        'RESUME_MAX_BYTES (a larger file: 502 `JOBSYNC_ERR_RESUME_TOO_LARGE`; one that turns out larger while streaming is cut off). ' +
        'Elsewhere the resume text the board gave is served as text/plain. 404 when there is neither (hh and Djinni may give only a link: `resumeUrl`).',
      params: IdParams,
      response: {
        200: {
          description: 'the file as the board sent it (PDF, Word, …; its type passed through), or the resume text as text/plain',
          content: {
            'application/pdf': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) },
            'application/octet-stream': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) },
            'text/plain': { schema: Type.String(), example: 'Olena Koval\nBackend engineer, 6 years: Node.js, PostgreSQL' }
          }
        },
        ...problemResponses(400, 401, 403, 404, 422, 429, 502, 504)
      }
    }
  }, async (request, reply) => await sendFile(reply, await candidates.resume(tenantOf(request), request.params.id)))

  app.get('/v1/applications/:id/photo', {
    schema: {
      operationId: 'getApplicationPhoto',
      tags: ['candidates'],
      summary: 'The candidate\'s photo from the application, streamed through from the board',
      description: 'Boards that serve photos through the account (`capabilities.photoFiles`; hh, whose links expire, is asked for a fresh one first) ' +
        'are fetched with the account\'s credentials and streamed through with the board\'s image type, up to PHOTO_MAX_BYTES (a larger one: ' +
        '502 `JOBSYNC_ERR_PHOTO_TOO_LARGE`), `Cache-Control: no-store`. 404 when there is none; a board that gives only a plain link answers ' +
        '404 with that link as `photoUrl` (as in the application), never a redirect.',
      params: IdParams,
      response: {
        200: {
          description: 'the photo, with the board\'s image type',
          content: { 'image/jpeg': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) }, 'image/png': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) }, 'image/webp': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) }, 'application/octet-stream': { schema: Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' }) } }
        },
        ...problemResponses(400, 401, 403, 404, 422, 429, 502, 504)
      }
    }
  }, async (request, reply) => await sendFile(reply, await candidates.photo(tenantOf(request), request.params.id)))

  app.post('/v1/candidates/:id/merge', {
    schema: {
      operationId: 'mergeCandidates',
      tags: ['candidates'],
      summary: 'Merge candidates that are one person into this one',
      description: 'Their applications, emails and phones move to this candidate; its blank fields are filled from theirs and nothing ' +
        'is blanked. The merged candidates are gone (a GET of their id is a 404 naming `mergedInto`); later applications with ' +
        'their emails or phones join this candidate. A `candidate.merged` event goes out, and the moved applications show again in the feed.',
      params: IdParams,
      body: MergeBody,
      response: { 200: CandidateWithApplicationsSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await candidates.merge(tenantOf(request), request.params.id, request.body.candidateIds))

  app.delete('/v1/candidates/:id', {
    schema: {
      operationId: 'eraseCandidate',
      tags: ['candidates'],
      summary: 'Erase a candidate: the person and everything stored of them',
      description: 'Deletes the candidate with their emails and phones (a later application from them makes a new candidate), ' +
        'their applications (with what the board sent, resume text and photo links), outcomes and outcome shares, the candidates ' +
        'merged into them, the events about them with their webhook deliveries, and the answers kept for Idempotency-Key requests ' +
        'about them or their applications. Their publications\' `applicationCount` drops by those applications. A `candidate.erased` event (ids only) goes out. ' +
        'Their files are never stored (streamed from the board). A merged candidate\'s id answers 404 naming `mergedInto`: erase that one.',
      params: IdParams,
      response: { 204: Type.Null({ description: 'erased' }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await candidates.erase(tenantOf(request), request.params.id)
    return reply.code(204).send(null)
  })

  app.get('/v1/candidates/:id', {
    schema: {
      operationId: 'getCandidate',
      description: 'A candidate merged into another answers 404 with `mergedInto` naming the one to read instead.',
      tags: ['candidates'],
      summary: 'A candidate with all their applications',
      params: IdParams,
      response: { 200: CandidateWithApplicationsSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await candidates.candidate(tenantOf(request), request.params.id))
}

export const candidateSchemas = [ApplicationSchema, CandidateSchema]
