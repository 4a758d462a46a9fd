// One person is one candidate per tenant: an application joins the candidate that already owns one
// of its normalised emails or phones (emails first: a shared office phone is weaker evidence), or
// makes a new one. A second application fills the candidate's empty fields and never blanks one.
import type { BoardApplication } from '../../boards/types.js'
import { cleanJson, cleanLine, cleanText, normalizeEmails, normalizePhones } from './normalize.js'

export interface NormalizedApplication extends BoardApplication {
  emails: string[]
  phones: string[]
}

// what cleaning leaves blank is none, as the adapters give a blank
const blankIsNull = (value: string): string | null => value.trim() === '' ? null : value
const line = (value: string | null): string | null => value === null ? null : blankIsNull(cleanLine(value))
const text = (value: string | null): string | null => value === null ? null : blankIsNull(cleanText(value))

/** a board's response with its text cleaned (normalize.ts): nothing in it that Postgres refuses to store */
export function cleanApplication (item: BoardApplication): BoardApplication {
  return {
    externalId: cleanLine(item.externalId),
    appliedAt: line(item.appliedAt),
    updatedAt: line(item.updatedAt),
    firstName: line(item.firstName),
    lastName: line(item.lastName),
    middleName: line(item.middleName),
    emails: item.emails.map(cleanLine),
    phones: item.phones.map(cleanLine),
    photoUrl: line(item.photoUrl),
    birthDate: line(item.birthDate),
    resumeText: text(item.resumeText),
    resumeUrl: line(item.resumeUrl),
    coverLetter: text(item.coverLetter),
    skills: item.skills.map(cleanLine).filter(skill => skill.trim() !== ''),
    url: line(item.url),
    raw: cleanJson(item.raw)
  }
}

export function normalizeApplication (board: BoardApplication): NormalizedApplication {
  const item = cleanApplication(board)
  return { ...item, emails: normalizeEmails(item.emails), phones: normalizePhones(item.phones) }
}

export interface Identity { kind: 'email' | 'phone', value: string }

export function identitiesOf (item: NormalizedApplication): Identity[] {
  return [
    ...item.emails.map(value => ({ kind: 'email' as const, value })),
    ...item.phones.map(value => ({ kind: 'phone' as const, value }))
  ]
}

export const identityKey = (i: Identity) => `${i.kind}:${i.value}`

/** the candidate an application belongs to: its earlier application's, else the first identity known */
export function matchCandidate (item: NormalizedApplication, existingCandidate: string | undefined, known: ReadonlyMap<string, string>): string | undefined {
  if (existingCandidate !== undefined) return existingCandidate
  for (const identity of identitiesOf(item)) {
    const owner = known.get(identityKey(identity))
    if (owner !== undefined) return owner
  }
  return undefined
}

/** what a candidate row holds of an application: filled from the first application that has it */
export interface CandidateFields {
  firstName: string | null
  lastName: string | null
  middleName: string | null
  photoUrl: string | null
  birthDate: string | null
  emails: string[]
  phones: string[]
  skills: string[]
}

const fieldsOf = (item: NormalizedApplication): CandidateFields => ({
  firstName: item.firstName, lastName: item.lastName, middleName: item.middleName, photoUrl: item.photoUrl,
  birthDate: item.birthDate, emails: [...item.emails], phones: [...item.phones], skills: [...item.skills]
})

/** fills the blanks of `into` from `item` and adds its emails, phones and skills; never blanks a value */
function fill (into: CandidateFields, item: NormalizedApplication): void {
  into.firstName ??= item.firstName
  into.lastName ??= item.lastName
  into.middleName ??= item.middleName
  into.photoUrl ??= item.photoUrl
  into.birthDate ??= item.birthDate
  into.emails = [...new Set([...into.emails, ...item.emails])]
  into.phones = [...new Set([...into.phones, ...item.phones])]
  into.skills = [...new Set([...into.skills, ...item.skills])]
}

export interface PagePlan {
  /** the candidate of each application, in the page's order */
  candidateOf: string[]
  /** candidates the page makes (ids made here), with what their applications bring */
  created: Map<string, CandidateFields>
  /** stored candidates the page's applications join, with what those bring to fill their blanks */
  enriched: Map<string, CandidateFields>
  /** identities no candidate owned yet, now owned by the candidate of the application that brought them */
  identities: Array<Identity & { candidateId: string }>
}

/**
 * Matches a page's applications to candidates in memory, in the page's order, exactly as if they
 * were stored one by one: an application joins its earlier application's candidate, else the owner
 * of its first known identity (one claimed by an earlier application of the same page included),
 * else a new candidate. The caller holds the locks of the page's identities, so `known` stays true
 * until it writes.
 */
export function planPage (items: readonly NormalizedApplication[], existing: ReadonlyMap<string, string>, known: ReadonlyMap<string, string>, newId: () => string): PagePlan {
  const owners = new Map(known)
  const earlier = new Map(existing)
  const plan: PagePlan = { candidateOf: [], created: new Map(), enriched: new Map(), identities: [] }
  for (const item of items) {
    let candidateId = matchCandidate(item, earlier.get(item.externalId), owners)
    if (candidateId === undefined) {
      candidateId = newId()
      plan.created.set(candidateId, fieldsOf(item))
    } else {
      const joined = plan.created.get(candidateId) ?? plan.enriched.get(candidateId)
      if (joined === undefined) plan.enriched.set(candidateId, fieldsOf(item))
      else fill(joined, item)
    }
    for (const identity of identitiesOf(item)) {
      if (owners.has(identityKey(identity))) continue
      owners.set(identityKey(identity), candidateId)
      plan.identities.push({ ...identity, candidateId })
    }
    earlier.set(item.externalId, candidateId)
    plan.candidateOf.push(candidateId)
  }
  return plan
}
