// The Work.ua board (api.work.ua): install with the employer's login and password, sent as HTTP
// Basic on every call. Work.ua publishes no API reference: docs/boards.md (Work.ua) says what we rely on and why.
// Auth, headers, the shared request limit and the error mapping live in client.ts, the catalogues in
// dictionaries.ts, the publication fields in fields.ts and the job mapped onto them in mapping.ts,
// publishing (quota, publish, edit, close, re-activate, state) in publishing.ts, candidate sync (the
// responses to a job, paged by id) in responses.ts.
import { Type } from 'typebox'
import type { BoardAccount, BoardDeps, BoardImplementation, OutcomesApi, PublishingApi, Recruiter, ResponsesApi } from '../types.js'
import type { WorkuaSettings } from './settings.js'
import { createWorkuaClient, parsePayload, WorkuaInstall, type WorkuaCredentials } from './client.js'
import { createWorkuaDictionaries } from './dictionaries.js'
import { workuaFields, workuaPublicationTypes } from './fields.js'
import { createWorkuaPublishing } from './publishing.js'
import { createWorkuaResponses } from './responses.js'

export { WorkuaInstall, WorkuaCredentials } from './client.js'
export { workuaFields, workuaPublicationTypes, WorkuaPublicationTypeId, WORKUA_FORM_KEYS, WORKUA_POSTING_FORM_KEYS, type WorkuaFields } from './fields.js'
export { WORKUA_PUBLIC_URL } from './publishing.js'
export { WORKUA_RESPONSES_PAGE_SIZE } from './responses.js'
export { WORKUA_LIMIT_KEY } from './client.js'
export { workuaDictionaries, WORKUA_DICTIONARY_NAMES } from './dictionaries.js'

/** knobs the registry leaves at their defaults (Work.ua's documented values) */
export interface WorkuaAdapterOptions {
  /** responses per page (docs/boards.md: `limit=50`) */
  responsesPageSize?: number
}

// docs/boards.md: success is `{status:"ok", items:[...]}`; only that it is one is read here
const JobList = Type.Object({
  status: Type.Literal('ok'),
  items: Type.Array(Type.Unknown())
})

const looksLikeEmail = (login: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(login)

export function createWorkuaAdapter (deps: BoardDeps<WorkuaSettings>, options: WorkuaAdapterOptions = {}): BoardImplementation<WorkuaCredentials, WorkuaInstall> & PublishingApi<WorkuaCredentials> & Required<Pick<PublishingApi<WorkuaCredentials>, 'reactivate'>> & ResponsesApi<WorkuaCredentials> & OutcomesApi<WorkuaCredentials> {
  const client = createWorkuaClient(deps)
  const publishing = createWorkuaPublishing(client)
  const responses = createWorkuaResponses(client, { pageSize: options.responsesPageSize })

  return {
    ...createWorkuaDictionaries(client),
    credentialsSchema: WorkuaInstall,
    publicCredentialFields: ['login'],
    publicationFields: workuaFields,
    publicationTypes: workuaPublicationTypes,

    /** Basic auth needs no exchange; the login loses the blanks a copy and paste brings, the password is kept as typed */
    async connect (input) {
      return { login: input.login.trim(), password: input.password }
    },

    /**
     * docs/boards.md: `GET /jobs/my` checks the credentials (401 bad, 403 blocked). Work.ua has no
     * "me" endpoint, so the login is the account's only identity: id, name and (when it is one) e-mail.
     */
    async checkAccount (session): Promise<BoardAccount> {
      const res = await client.call(session, { method: 'GET', path: '/jobs/my' })
      parsePayload(JobList, res.body, 'job list (GET /jobs/my)')
      const { login } = session.credentials.current()
      return { externalId: login, name: login, email: looksLikeEmail(login) ? login : null }
    },

    // docs/boards.md documents no sub-account (recruiter) API for Work.ua: one login is one employer
    // account, and whoever holds it acts for it
    async listRecruiters (): Promise<Recruiter[]> {
      return []
    },

    availablePublications: publishing.availablePublications,
    publish: publishing.publish,
    update: publishing.update,
    archive: publishing.archive,
    getPosting: publishing.getPosting,
    postingIdFrom: publishing.postingIdFrom,
    fieldsFromJob: publishing.fieldsFromJob,
    previewPayload: publishing.previewPayload,
    reactivate: publishing.reactivate,

    ...responses,

    // docs/boards.md documents no Work.ua endpoint to set a response's status (hired, rejected,
    // invited): the outcome is recorded on our side only, and nothing is sent
    async shareOutcome (): Promise<'not_supported'> {
      return 'not_supported'
    }
  }
}
