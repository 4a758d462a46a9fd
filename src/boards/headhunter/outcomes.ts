// Sharing a hiring outcome back to HeadHunter. docs/boards.md and hh's spec (change-negotiation-action):
// a state change follows one of the response's `actions[].url` (`PUT /negotiations/{collection}/{nid}`,
// the action's arguments as form fields) → 204. The actions are the ones the response offers NOW
// (`GET /negotiations/{id}`, get-negotiation-item), each named by the employer state it leads to
// (`resulting_employer_state`, as the spec's examples name them); an outcome takes the first of
// these the response offers:
//   hired    → `hired` ("Выход на работу"), else `offer` ("Предложение о работе")
//   invited  → `interview`, else `phone_interview`
//   rejected → `discard_by_employer` ("Отказано"), or another of hh's refusals (`discard_…`)
// An outcome the response no longer allows (it offers no such action) is refused with what hh
// offers instead. No message is sent with the action, so hh changes the employer state only and
// writes nothing to the candidate (hh's spec: the applicant's state changes only with a message).
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import type { BoardResponse } from '../http.js'
import type { Outcome, OutcomesApi } from '../types.js'
import { boardErrorOf, hhErrorsOf, parsePayload, type HeadHunterClient } from './client.js'
import type { HeadHunterCredentials } from './oauth.js'

const board = 'headhunter'

interface Target {
  /** employer states (collection ids) to move to, best first; a trailing `*` takes any state starting so */
  states: readonly string[]
  /** states in which the response already stands for the outcome: nothing to send */
  already: readonly string[]
  /** how the outcome is named in errors */
  label: string
}

export const HH_OUTCOME_STATES: Record<Outcome, Target> = {
  hired: { states: ['hired', 'offer'], already: ['hired'], label: 'hired (or offer)' },
  invited: { states: ['interview', 'phone_interview'], already: ['interview', 'phone_interview'], label: 'interview (or phone_interview)' },
  rejected: { states: ['discard_by_employer', 'discard_*'], already: ['discard_by_employer', 'discard_*'], label: 'discard_by_employer' }
}

const Named = Type.Object({ id: Type.String() })

// hh's spec (NegotiationsEmployerNegotiationItem.actions[]): only what is read
const Action = Type.Object({
  id: Type.String({ minLength: 1 }),
  url: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
  resulting_employer_state: Type.Optional(Type.Union([Named, Type.Null()])),
  arguments: Type.Optional(Type.Array(Type.Object({ id: Type.String(), required: Type.Optional(Type.Boolean()) })))
})
type Action = Static<typeof Action>

// what responses.ts stores as `raw`: `{ negotiation, resume, firstMessage }`
const StoredResponse = Type.Object({
  negotiation: Type.Object({
    id: Type.String({ minLength: 1 }),
    employer_state: Type.Optional(Type.Union([Named, Type.Null()])),
    resume: Type.Optional(Type.Union([Type.Object({ id: Type.Optional(Type.String()) }), Type.Null()])),
    vacancy: Type.Optional(Type.Union([Type.Object({ id: Type.Optional(Type.String()) }), Type.Null()])),
    actions: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null()]))
  })
})
type Negotiation = Static<typeof StoredResponse>['negotiation']

const hasError = (res: BoardResponse, type: string, value: string): boolean =>
  hhErrorsOf(res).some(e => e.type === type && e.value === value)

/** whether an employer state is `pattern` (`discard_*`: any of hh's refusals) */
const isState = (state: string | undefined, pattern: string): boolean =>
  state !== undefined && (pattern.endsWith('*') ? state.startsWith(pattern.slice(0, -1)) : state === pattern)

const leadsTo = (action: Action, pattern: string): boolean =>
  isState(action.resulting_employer_state?.id ?? action.id, pattern)

// GET /negotiations/{id} (NegotiationsNegotiationGetResponse): what the response is in, what it offers
const CurrentNegotiation = Type.Object({
  id: Type.String({ minLength: 1 }),
  employer_state: Type.Optional(Type.Union([Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) }), Type.Null()])),
  actions: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null()]))
})

/** the form fields the action requires, filled from the response; throws when hh wants what we do not have (a message, an address) */
function formOf (action: Action, negotiation: Negotiation, label: string): Array<[string, string]> {
  const known: Record<string, string | undefined> = { resume_id: negotiation.resume?.id, vacancy_id: negotiation.vacancy?.id }
  const form: Array<[string, string]> = []
  const missing: string[] = []
  for (const argument of action.arguments ?? []) {
    if (argument.required !== true) continue
    const value = known[argument.id]
    if (value === undefined || value === '') missing.push(argument.id)
    else form.push([argument.id, value])
  }
  if (missing.length > 0) {
    throw new BoardError({ board, kind: 'rejected', detail: `HeadHunter requires ${missing.join(', ')} for the ${action.id} action (${label}) on response ${negotiation.id}; jobsync does not send those: move the response on hh.ru` })
  }
  return form
}

export function createHeadHunterOutcomes ({ client, apiUrl }: { client: HeadHunterClient, apiUrl: string }): OutcomesApi<HeadHunterCredentials> {
  const apiOrigin = new URL(apiUrl).origin

  /** the action's URL, only on the configured hh API host: the token is never sent elsewhere */
  function urlOf (action: Action, negotiation: Negotiation): string {
    const given = action.url ?? `/negotiations/${encodeURIComponent(action.id)}/${encodeURIComponent(negotiation.id)}`
    let url: URL
    try {
      url = new URL(given, apiUrl)
    } catch {
      throw new BoardError({ board, kind: 'bad_response', detail: `HeadHunter's ${action.id} action of response ${negotiation.id} has a URL that is not one` })
    }
    if (url.origin !== apiOrigin) {
      throw new BoardError({ board, kind: 'bad_response', detail: `HeadHunter's ${action.id} action of response ${negotiation.id} points to another host (${url.origin}); the token is not sent there` })
    }
    return url.href
  }

  /** the response as hh shows it now: its employer state and the actions it offers */
  async function readNegotiation (session: Parameters<OutcomesApi<HeadHunterCredentials>['shareOutcome']>[0], id: string): Promise<Static<typeof CurrentNegotiation>> {
    const res = await client.send(session, { method: 'GET', path: `/negotiations/${encodeURIComponent(id)}` })
    if (res.status === 404) {
      throw new BoardError({ board, kind: 'not_found', detail: `HeadHunter has no response ${id} for this account any more (removed, or another employer's)`, boardStatus: 404 })
    }
    if (res.status !== 200) throw boardErrorOf(res)
    return parsePayload(CurrentNegotiation, res.body, 'response (GET /negotiations/{id})')
  }

  return {
    async shareOutcome (session, _account, application, outcome) {
      if (!Value.Check(StoredResponse, application.raw) || application.raw.negotiation.id !== application.externalId) {
        throw new BoardError({ board, kind: 'bad_response', detail: `the stored HeadHunter response ${application.externalId} carries no negotiation; sync the vacancy again` })
      }
      const stored = application.raw.negotiation
      const now = await readNegotiation(session, stored.id)
      // the response's resume and vacancy (action arguments) as stored; its state and actions as hh says now
      const negotiation: Negotiation = { ...stored, employer_state: now.employer_state, actions: now.actions }
      const target = HH_OUTCOME_STATES[outcome]
      const current = negotiation.employer_state?.id
      const already = (state: string): 'shared' => {
        session.log.info({ board, negotiationId: negotiation.id, outcome, state }, 'HeadHunter: the response is already in this state; nothing to send')
        return 'shared'
      }
      if (target.already.some(state => isState(current, state))) return already(current!)

      const offered = (negotiation.actions ?? []).filter((a): a is Action => Value.Check(Action, a))
      for (const state of target.states) {
        const action = offered.find(a => a.enabled !== false && leadsTo(a, state))
        if (action === undefined) {
          // the fallback (offer) is where the response stands already
          if (isState(current, state)) return already(current!)
          continue
        }
        const form = formOf(action, negotiation, target.label)
        // PUT: idempotent, so the shared client retries it after a 5xx or a dropped connection
        const res = await client.send(session, { method: 'PUT', path: urlOf(action, negotiation), form: form.length === 0 ? undefined : form })
        if (res.status >= 200 && res.status < 300) return 'shared'
        if (res.status === 404) {
          throw new BoardError({ board, kind: 'not_found', detail: `HeadHunter has no response ${negotiation.id} for this account any more (removed, or another employer's)`, boardStatus: 404 })
        }
        if (res.status === 403 && hasError(res, 'negotiations', 'wrong_state')) {
          throw new BoardError({ board, kind: 'rejected', detail: `HeadHunter refuses the ${action.id} action for response ${negotiation.id} in its current state (negotiations/wrong_state): it may have been moved on hh.ru since the last sync`, boardStatus: 403 })
        }
        if (res.status === 403 && (hasError(res, 'negotiations', 'invalid_vacancy') || hasError(res, 'negotiations', 'archived'))) {
          throw new BoardError({ board, kind: 'rejected', detail: `HeadHunter refuses the ${action.id} action for response ${negotiation.id}: its vacancy is archived or hidden`, boardStatus: 403 })
        }
        if (res.status === 403 && hasError(res, 'negotiations', 'not_enough_purchased_services')) {
          throw new BoardError({ board, kind: 'quota', detail: `HeadHunter: the ${action.id} action needs paid services the account lacks (negotiations/not_enough_purchased_services)`, boardStatus: 403 })
        }
        throw boardErrorOf(res)
      }
      const instead = offered.filter(a => a.enabled !== false).map(a => a.resulting_employer_state?.id ?? a.id)
      const where = now.employer_state === undefined || now.employer_state === null ? '' : `, in "${now.employer_state.name ?? now.employer_state.id}" (${now.employer_state.id})`
      throw new BoardError({
        board,
        kind: 'rejected',
        detail: `HeadHunter no longer allows ${target.label} for response ${negotiation.id}${where}: it offers ${instead.length === 0 ? 'no action at all' : instead.join(', ')}`
      })
    }
  }
}
