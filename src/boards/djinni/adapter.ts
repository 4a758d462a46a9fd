// The Djinni board (djinni.co): install with an API key from the employer's Djinni profile, the
// account and recruiters behind it, and its jobs. Djinni's employer API is private (docs/boards.md), so
// every call follows the ASSUMED CONTRACT of docs/boards.md and test/fakes/djinni.ts; the key header,
// the pages and the error mapping live in client.ts, the catalogues (categories, experience) in
// dictionaries.ts, the publication fields in fields.ts and the job mapped onto them in mapping.ts,
// creating, editing, archiving and reading jobs in publishing.ts, the candidates who applied in
// responses.ts, hiring outcomes shared back in outcomes.ts.
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardAccount, BoardDeps, BoardImplementation, OutcomesApi, PublishingApi, Recruiter, ResponsesApi } from '../types.js'
import type { DjinniSettings } from './settings.js'
import { createDjinniClient, DjinniInstall, parsePayload, type DjinniCredentials } from './client.js'
import { createDjinniDictionaries } from './dictionaries.js'
import { djinniFields, djinniPublicationTypes } from './fields.js'
import { createDjinniOutcomes } from './outcomes.js'
import { createDjinniPublishing } from './publishing.js'
import { createDjinniResponses } from './responses.js'

export { DjinniInstall, DjinniCredentials, NO_API_ACCESS_DETAIL } from './client.js'
export { djinniFields, djinniPublicationTypes, DJINNI_BODY_KEYS, type DjinniFields } from './fields.js'
export { djinniPostingIdFrom, djinniPreviewPayload } from './publishing.js'
export { DJINNI_DICTIONARIES } from './dictionaries.js'
export { DJINNI_LOOK_BACK_MS, splitDjinniName } from './responses.js'

const Id = Type.Union([Type.Integer(), Type.String({ minLength: 1 })])
const MaybeText = Type.Optional(Type.Union([Type.String(), Type.Null()]))

// assumed contract: `GET /me/` → `{id, name, email, company_name, is_admin}`
const Me = Type.Object({
  id: Id,
  name: Type.String(),
  email: MaybeText,
  company_name: MaybeText,
  is_admin: Type.Optional(Type.Boolean())
})

// assumed contract: `GET /recruiters/` → a DRF page of `{id, name, email}`, the company's other recruiters
const DjinniRecruiter = Type.Object({
  id: Id,
  name: Type.String(),
  email: MaybeText
})

const textOrNull = (value: string | null | undefined): string | null => {
  const text = value?.trim() ?? ''
  return text === '' ? null : text
}

export function createDjinniAdapter (deps: BoardDeps<DjinniSettings>): BoardImplementation<DjinniCredentials, DjinniInstall> & PublishingApi<DjinniCredentials> & ResponsesApi<DjinniCredentials> & OutcomesApi<DjinniCredentials> {
  const client = createDjinniClient(deps)
  const publishing = createDjinniPublishing(client)
  const responses = createDjinniResponses(client)
  const outcomes = createDjinniOutcomes(client)

  async function readMe (session: AccountSession<DjinniCredentials>) {
    const res = await client.call(session, { method: 'GET', path: '/me/' })
    return parsePayload(Me, res.body, 'account (GET /me/)')
  }

  return {
    ...createDjinniDictionaries(client),
    credentialsSchema: DjinniInstall,
    publicCredentialFields: ['keyName'],
    publicationFields: djinniFields,
    publicationTypes: djinniPublicationTypes,
    ...publishing,
    ...responses,
    ...outcomes,

    /** an API key needs no exchange: stored as given, without the blanks a copy and paste brings */
    async connect (input) {
      return { keyName: input.keyName.trim(), apiKey: input.apiKey.trim() }
    },

    async checkAccount (session): Promise<BoardAccount> {
      const me = await readMe(session)
      // the employer is the company; a person's name only where Djinni knows no company
      const name = textOrNull(me.company_name) ?? textOrNull(me.name) ?? `Djinni account ${me.id}`
      return { externalId: String(me.id), name, email: textOrNull(me.email) }
    },

    /**
     * Only an admin key lists the company's recruiters (docs/boards.md, Djinni). `/me/` is read again (not taken from
     * `account`) for the person behind the key and `is_admin`: the owner is a recruiter too, the
     * one every job posted with this key belongs to, so a non-admin account still has exactly one
     * (itself) instead of none, and the host can assign its postings to somebody.
     */
    async listRecruiters (session): Promise<Recruiter[]> {
      const me = await readMe(session)
      const owner = (isAdmin: boolean): Recruiter => ({
        externalId: String(me.id),
        name: textOrNull(me.name) ?? textOrNull(me.email) ?? `Djinni account ${me.id}`,
        email: textOrNull(me.email),
        isAdmin
      })
      // a non-admin would only get 403 from /recruiters/: spare the call
      if (me.is_admin === false) return [owner(false)]

      const listed = await client.pageThrough(session, '/recruiters/', DjinniRecruiter, 'recruiter list (GET /recruiters/)').catch((error: unknown) => {
        // assumed contract: 403 "Only admin accounts can list recruiters." (the blocked and
        // no-API-access 403s are credential problems and stay errors); /me/ may not say is_admin
        if (error instanceof BoardError && error.boardStatus === 403 && !error.isCredentialProblem) return null
        throw error
      })
      if (listed === null) return [owner(false)]

      // the list holds the company's other recruiters; the admin behind the key leads it
      const ownerId = String(me.id)
      const recruiters = new Map<string, Recruiter>([[ownerId, owner(true)]])
      for (const item of listed) {
        const externalId = String(item.id)
        // offset pages can repeat an item when the list changes between two pages
        if (recruiters.has(externalId)) continue
        recruiters.set(externalId, {
          externalId,
          name: textOrNull(item.name) ?? textOrNull(item.email) ?? `Djinni recruiter ${externalId}`,
          email: textOrNull(item.email),
          isAdmin: false
        })
      }
      return [...recruiters.values()]
    }
  }
}
