// The HeadHunter board (api.hh.ru): OAuth2 install, the employer account behind the token and
// its managers (our recruiters), publishing vacancies, and pulling their responses. Board facts
// from docs/boards.md and hh's OpenAPI spec (vendor/headhunter/openapi.yaml); HTTP
// specifics in client.ts, OAuth in oauth.ts, vacancies in publishing.ts, responses in responses.ts,
// hiring outcomes (following a response's actions) in outcomes.ts.
import { Type, type Static } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardAccount, BoardDeps, BoardImplementation, OutcomesApi, PublishingApi, Recruiter, ResponsesApi } from '../types.js'
import type { HeadHunterSettings } from './settings.js'
import { createHeadHunterClient, HhPage, isPlainForbidden, boardErrorOf, parsePayload, Text, type HeadHunterClient } from './client.js'
import { createHeadHunterDictionaries } from './dictionaries.js'
import { headHunterFields, headHunterPublicationTypes } from './fields.js'
import { createHeadHunterOAuth, HeadHunterInstall, type HeadHunterCredentials } from './oauth.js'
import { createHeadHunterOutcomes } from './outcomes.js'
import { createHeadHunterPublishing } from './publishing.js'
import { createHeadHunterResponses, type HeadHunterResponsesOptions } from './responses.js'

export { HeadHunterInstall, type HeadHunterCredentials } from './oauth.js'
export { headHunterFields, headHunterPublicationTypes } from './fields.js'
export type { HeadHunterResponsesOptions } from './responses.js'

type Session = AccountSession<HeadHunterCredentials>

const board = 'headhunter'
// hh's spec: GET /employers/{id}/managers takes per_page up to 200
const MANAGERS_PER_PAGE = 200
// a guard against a board that keeps saying "more pages": 100 × 200 managers is far past any employer
const MAX_MANAGER_PAGES = 100

// GET /me: only what we read. A job-seeker's token has `employer: null` (docs/boards.md).
const MeSchema = Type.Object({
  email: Type.Optional(Text),
  first_name: Type.Optional(Text),
  last_name: Type.Optional(Text),
  middle_name: Type.Optional(Text),
  auth_type: Type.Optional(Type.String()),
  employer: Type.Optional(Type.Unknown()),
  manager: Type.Optional(Type.Unknown())
})
type Me = Static<typeof MeSchema>

// an `employer_integration` token (hh's MeEmployerProfile) is the employer's own: no manager behind it
const EmployerSide = Type.Object({
  employer: Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String() }),
  manager: Type.Optional(Type.Union([Type.Object({ id: Type.String({ minLength: 1 }), has_admin_rights: Type.Boolean() }), Type.Null()]))
})

/** the token's user as an employer's manager, or the employer itself (an employer_integration token) */
export interface HeadHunterMe {
  employerId: string
  employerName: string
  /** null for an employer_integration token: it acts for the whole employer */
  managerId: string | null
  hasAdminRights: boolean
  email: string | null
  /** "Last First Middle", the order hh's manager list uses */
  fullName: string
}

// hh's spec (EmployerManagersEmployerManagerItem) requires only id, email, position, area
const ManagerItem = Type.Object({
  id: Type.String({ minLength: 1 }),
  email: Type.Optional(Text),
  full_name: Type.Optional(Text),
  first_name: Type.Optional(Text),
  last_name: Type.Optional(Text),
  middle_name: Type.Optional(Text),
  name: Type.Optional(Text)
})
type ManagerItem = Static<typeof ManagerItem>
const ManagersPage = HhPage(ManagerItem)

const joinName = (...parts: Array<string | null | undefined>): string => parts.filter(p => typeof p === 'string' && p.trim() !== '').join(' ')

function notEmployer (me: Me): BoardError {
  const who = me.auth_type === 'application' ? 'this is an application token' : 'this is a job-seeker account'
  return new BoardError({ board, kind: 'not_employer', detail: `HeadHunter: employer account required; ${who}` })
}

function employerSideOf (me: Me): HeadHunterMe {
  if (me.employer === undefined || me.employer === null) throw notEmployer(me)
  const { employer, manager } = parsePayload(EmployerSide, { employer: me.employer, manager: me.manager }, 'employer profile (GET /me)')
  if ((manager === undefined || manager === null) && me.auth_type !== 'employer_integration') {
    throw new BoardError({ board, kind: 'bad_response', detail: 'HeadHunter sent an employer profile (GET /me) without its manager' })
  }
  return {
    employerId: employer.id,
    employerName: employer.name,
    managerId: manager?.id ?? null,
    // an integration token acts for the employer as a whole
    hasAdminRights: manager?.has_admin_rights ?? true,
    email: me.email ?? null,
    fullName: joinName(me.last_name, me.first_name, me.middle_name)
  }
}

function recruiterOf (item: ManagerItem, me: HeadHunterMe): Recruiter {
  return {
    externalId: item.id,
    name: item.full_name ?? (joinName(item.last_name, item.first_name, item.middle_name) || (item.name ?? item.id)),
    email: item.email ?? null,
    // the list carries no rights (hh's spec); only /me tells them, for the token's own manager
    isAdmin: item.id === me.managerId && me.hasAdminRights
  }
}

const ownRecruiter = (me: HeadHunterMe & { managerId: string }): Recruiter =>
  ({ externalId: me.managerId, name: me.fullName || me.managerId, email: me.email, isAdmin: me.hasAdminRights })

/** the manager behind the token, with its employer; throws 'not_employer' for a job-seeker */
export async function readMe (client: HeadHunterClient, session: Session): Promise<HeadHunterMe> {
  return employerSideOf(await client.getJson(session, '/me', MeSchema, 'profile (GET /me)'))
}

/**
 * hh answers GET /me even for an employer it restricted; the block shows only on employer
 * endpoints. The manager's own available publication types is one every manager may read; an
 * integration token (no manager) reads the employer's managers instead.
 */
async function assertEmployerActive (client: HeadHunterClient, session: Session, me: HeadHunterMe): Promise<void> {
  const employer = `/employers/${encodeURIComponent(me.employerId)}`
  const path = me.managerId === null ? `${employer}/managers` : `${employer}/managers/${encodeURIComponent(me.managerId)}/vacancies/available_types`
  await client.call(session, { method: 'GET', path, query: me.managerId === null ? { page: 0, per_page: 1 } : undefined })
}

async function listManagers (client: HeadHunterClient, session: Session, me: HeadHunterMe): Promise<Recruiter[]> {
  const path = `/employers/${encodeURIComponent(me.employerId)}/managers`
  const recruiters: Recruiter[] = []
  for (let page = 0; page < MAX_MANAGER_PAGES; page++) {
    const res = await client.send(session, { method: 'GET', path, query: { page, per_page: MANAGERS_PER_PAGE } })
    // hh's spec: 403 when "the user may not see this employer's managers": a manager without admin
    // rights. Such an account still works for itself, so it is its own only recruiter.
    if (page === 0 && isPlainForbidden(res) && !me.hasAdminRights && me.managerId !== null) {
      session.log.info({ board }, 'HeadHunter: not an admin manager, so the only recruiter listed is the account itself')
      return [ownRecruiter({ ...me, managerId: me.managerId })]
    }
    if (res.status !== 200) throw boardErrorOf(res)
    const body = parsePayload(ManagersPage, res.body, 'manager list (GET /employers/{id}/managers)')
    recruiters.push(...body.items.map(item => recruiterOf(item, me)))
    if (page + 1 >= body.pages) return recruiters
  }
  return recruiters
}

/** the adapter (account, publishing, responses and outcomes parts) plus what only HeadHunter has; assignable to BoardImplementation */
export interface HeadHunterAdapter extends BoardImplementation<HeadHunterCredentials, HeadHunterInstall>, PublishingApi<HeadHunterCredentials>, ResponsesApi<HeadHunterCredentials>, OutcomesApi<HeadHunterCredentials> {
  authorizeUrl: (options: { state: string, redirectUri?: string }) => string
  /** whether HH_CLIENT_ID, HH_CLIENT_SECRET and HH_REDIRECT_URI are set */
  isConfigured: () => boolean
  /** the manager behind the account's token (publishing needs employer and manager ids) */
  readMe: (session: Session) => Promise<HeadHunterMe>
}

/**
 * What the host sets per hh integration. Opening a response's full resume (names, contacts, birth
 * date, the resume text) marks the response viewed for the applicant on hh, and spends the
 * manager's daily resume views; without it the sync keeps what the response list gives (name,
 * title, photo, skills, links).
 */
export const HeadHunterIntegrationOptions = Type.Object({
  openResumes: Type.Boolean({
    default: true,
    description: 'the sync opens each new response\'s full resume for contacts and details; hh then shows the applicant the response as viewed and counts a resume view. false: only what the response list gives (no contacts), nothing marked viewed'
  })
}, { additionalProperties: false })

export function createHeadHunterAdapter (deps: BoardDeps<HeadHunterSettings>, options: { responses?: HeadHunterResponsesOptions } = {}): HeadHunterAdapter {
  const oauth = createHeadHunterOAuth(deps)
  const client = createHeadHunterClient(deps, oauth)
  const publishing = createHeadHunterPublishing({ client, readMe: async session => await readMe(client, session) })
  const responses = createHeadHunterResponses({ client, apiUrl: deps.settings.HH_API_URL, options: options.responses })
  const outcomes = createHeadHunterOutcomes({ client, apiUrl: deps.settings.HH_API_URL })

  return {
    ...createHeadHunterDictionaries(client, { managers: async session => await listManagers(client, session, await readMe(client, session)) }),
    integrationOptions: HeadHunterIntegrationOptions,
    credentialsSchema: HeadHunterInstall,
    // tokens only: nothing to show
    publicCredentialFields: [],
    publicationFields: headHunterFields,
    publicationTypes: headHunterPublicationTypes,

    isConfigured: oauth.isConfigured,
    authorizeUrl: oauth.authorizeUrl,
    readMe: async session => await readMe(client, session),

    async connect (input, key) {
      return await oauth.exchangeCode(input, deps.agents.for(key))
    },

    async checkAccount (session): Promise<BoardAccount> {
      const me = await readMe(client, session)
      await assertEmployerActive(client, session, me)
      return { externalId: me.employerId, name: me.employerName, email: me.email }
    },

    async listRecruiters (session): Promise<Recruiter[]> {
      return await listManagers(client, session, await readMe(client, session))
    },

    /**
     * hh's `DELETE /oauth/token` invalidates the access token and with it the refresh token (it
     * works only on a live access token: the client renews an expired one first). A token hh no
     * longer accepts is as good as revoked.
     */
    async revoke (session): Promise<void> {
      let res
      try {
        res = await client.send(session, { method: 'DELETE', path: '/oauth/token' })
      } catch (error) {
        if (error instanceof BoardError && error.kind === 'invalid_credentials') return
        throw error
      }
      if (res.status === 204 || res.status === 200) return
      const error = boardErrorOf(res)
      if (error.kind !== 'invalid_credentials') throw error
    },

    ...publishing,
    ...responses,
    ...outcomes
  }
}
