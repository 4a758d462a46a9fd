// The Robota.ua board (employer-api.robota.ua): install with the employer's login and password,
// and the account behind them. What we know of its API, and how, is in docs/boards.md (Robota.ua); the login,
// the shared JWT and the error mapping live in client.ts, the catalogues (cities, rubrics) in
// dictionaries.ts, the publication fields in fields.ts and the job mapped onto them in mapping.ts,
// publishing (create, publish, edit, close, re-activate, state) in publishing.ts, the applicants
// (candidate sync) in responses.ts.
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { BoardAccount, BoardDeps, BoardImplementation, OutcomesApi, PublishingApi, Recruiter, ResponsesApi, ResumeFile } from '../types.js'
import type { RobotauaSettings } from './settings.js'
import { createRobotauaClient, decodeClaims, employerIdOf, parsePayload, RobotauaInstall, type RobotauaCredentials } from './client.js'
import { createRobotauaDictionaries } from './dictionaries.js'
import { robotauaFields, robotauaPublicationTypes } from './fields.js'
import { createRobotauaPublishing } from './publishing.js'
import { createRobotauaResponses, type RobotauaResponsesOptions } from './responses.js'

export { RobotauaInstall, RobotauaCredentials } from './client.js'
export { robotauaFields, robotauaPublicationTypes, type RobotauaFields } from './fields.js'
export { ROBOTAUA_FOLDERS, type RobotauaResponsesOptions } from './responses.js'
export { ROBOTAUA_DICTIONARIES } from './dictionaries.js'

const board = 'robotaua'

// POST /vacancy/list → `{vacancies, total}` (ASSUMPTION, the fake); only the list is read
const VacancyListPage = Type.Object({
  vacancies: Type.Array(Type.Unknown()),
  total: Type.Optional(Type.Integer({ minimum: 0 }))
})

const looksLikeEmail = (login: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(login)

/** `options.responses` tunes the candidate sync (folders, full-sweep interval, clock); the defaults are the board's */
export function createRobotauaAdapter (deps: BoardDeps<RobotauaSettings>, options: { responses?: RobotauaResponsesOptions } = {}):
BoardImplementation<RobotauaCredentials, RobotauaInstall> & PublishingApi<RobotauaCredentials> & Required<Pick<PublishingApi<RobotauaCredentials>, 'reactivate'>> & ResponsesApi<RobotauaCredentials> & OutcomesApi<RobotauaCredentials> {
  const client = createRobotauaClient(deps)
  const publishing = createRobotauaPublishing(client)
  const responses = createRobotauaResponses(client, deps.settings.ROBOTAUA_API_URL, options.responses)

  return {
    ...createRobotauaDictionaries(client),
    credentialsSchema: RobotauaInstall,
    publicCredentialFields: ['login'],
    publicationFields: robotauaFields,
    publicationTypes: robotauaPublicationTypes,

    /** logs in once, so a wrong password fails the install and the first calls reuse the token */
    async connect (input, key) {
      const { token, tokenExpiresAt } = await client.login(input, deps.agents.for(key))
      return { login: input.login, password: input.password, token, tokenExpiresAt }
    },

    /**
     * Any login works on auth-api, job seekers' included: only an employer API call shows the
     * account may act for an employer and is not blocked. The first page of the vacancy list is
     * the cheapest such call (it spends no quota).
     */
    async checkAccount (session): Promise<BoardAccount> {
      const { response, token } = await client.call(session, { method: 'POST', path: '/vacancy/list', json: { page: 0 }, idempotent: true })
      parsePayload(VacancyListPage, response.body, 'vacancy list (POST /vacancy/list)')
      // docs/boards.md names no "me" endpoint: the employer is the one the JWT was issued for
      const externalId = employerIdOf(decodeClaims(token))
      if (externalId === null) {
        throw new BoardError({ board, kind: 'bad_response', detail: 'Robota.ua\'s token names no employer (neither an employerId nor a sub claim)' })
      }
      const { login } = session.credentials.current()
      return { externalId, name: login, email: looksLikeEmail(login) ? login : null }
    },

    // docs/boards.md documents no sub-account (recruiter) endpoint for Robota.ua: the login is the account
    async listRecruiters (): Promise<Recruiter[]> {
      return []
    },

    ...publishing,
    ...responses,

    // docs/boards.md knows Robota.ua's apply folders (7 rejected, 10 hired) only as filters of
    // `POST /apply/list`: it documents no endpoint that moves an apply into a folder (nor any
    // "invited" folder). The outcome is recorded on our side only, and nothing is sent.
    async shareOutcome (): Promise<'not_supported'> {
      return 'not_supported'
    },

    /**
     * docs/boards.md: `GET /apply/getfile/{id}?resumeType=` for attached CVs (with the account's
     * token; both parameters required). Only an apply with a file has a resumeUrl: its type is 1,
     * an attached file ("AttachedFile").
     */
    async openResume (session, _account, application): Promise<ResumeFile | null> {
      if (application.resumeUrl === null) return null
      const { response } = await client.call(session, { method: 'GET', path: `/apply/getfile/${encodeURIComponent(application.externalId)}`, query: { resumeType: 1 }, raw: true })
      const header = (name: string): string | undefined => { const v = response.headers[name]; return Array.isArray(v) ? v[0] : v }
      const length = Number(header('content-length'))
      return {
        stream: response.stream!,
        contentType: header('content-type') ?? 'application/octet-stream',
        contentLength: Number.isSafeInteger(length) && length >= 0 && header('content-length') !== undefined ? length : null,
        fileName: /filename="?([^";]+)"?/i.exec(header('content-disposition') ?? '')?.[1] ?? null
      }
    }
  }
}
