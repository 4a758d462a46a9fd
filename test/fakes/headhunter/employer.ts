// Who is behind a token on hh: `GET /me` (an employer's manager, a job seeker or the application
// itself), the employer's managers (our recruiters) and the publications each may still spend
// (`available_types`), with the accounts, managers and quotas a test sets up.
import { BILLING_TYPES, VACANCY_TYPES, type BillingType } from './dictionaries.js'
import { employerAuth, type Auth } from './oauth.js'
import { pageParams, paged, query, type On } from './routing.js'
import { formatPhone, Reply, translit, type Employer, type EmployerAddress, type HeadHunterState, type Manager } from './state.js'

export interface EmployerAccountSeed {
  key?: string
  employerName?: string
  /** "Имя Фамилия" of the manager who authorises */
  managerName?: string
  email?: string
  hasAdminRights?: boolean
  /** join an existing employer instead of creating one */
  employerId?: string
  /** the token is an `employer_integration` one: the employer's, no manager behind it (its /me has no `manager`) */
  integration?: boolean
  /** other managers (recruiters) of the same employer */
  managers?: Array<{ name: string, email?: string, position?: string, hasAdminRights?: boolean }>
  /** the employer's saved addresses (a new employer without this has two, in Moscow and Saint Petersburg) */
  addresses?: AddressSeed[]
}

export interface AddressSeed { city: string, street?: string, building?: string, deleted?: boolean }

// a new employer's saved addresses, unless the test gives its own
const DEFAULT_ADDRESSES: AddressSeed[] = [
  { city: 'Москва', street: 'Тверская улица', building: '7' },
  { city: 'Санкт-Петербург', street: 'Невский проспект', building: '28' }
]

function meBody (state: HeadHunterState, auth: Auth): Record<string, unknown> {
  const { apiUrl } = state
  const flags = (type: string): Record<string, unknown> => ({
    auth_type: type,
    is_admin: false,
    is_applicant: type === 'applicant',
    is_application: type === 'application',
    is_employer: type === 'employer',
    is_employer_integration: type === 'employer_integration'
  })
  if ('app' in auth) return flags('application')
  const a = auth.account
  const person = { id: a.userId, first_name: a.firstName, last_name: a.lastName, middle_name: a.middleName, email: a.email, phone: null }
  if (a.kind === 'applicant') {
    return {
      ...flags('applicant'),
      ...person,
      counters: { new_resume_views: 0, resumes_count: 1, unread_negotiations: 0 },
      resumes_url: `${apiUrl}/resumes/mine`,
      negotiations_url: `${apiUrl}/negotiations`,
      is_in_search: true,
      employer: null,
      manager: null,
      personal_manager: null
    }
  }
  const employer = state.employerOf(a)
  // MeEmployerProfile (spec): the employer only
  if (a.integration) return { ...flags('employer_integration'), employer: { id: employer.id, name: employer.name } }
  const manager = state.managerOf(employer, a.managerId!)!
  return {
    ...flags('employer'),
    ...person,
    employer: { id: employer.id, name: employer.name, manager_id: manager.id },
    manager: {
      id: manager.id,
      has_admin_rights: manager.hasAdminRights,
      has_multiple_manager_accounts: false,
      is_main_contact_person: manager.isMainContact,
      manager_settings_url: `${apiUrl}/employers/${employer.id}/managers/${manager.id}/settings`
    },
    is_in_search: null,
    negotiations_url: null,
    resumes_url: null
  }
}

function managerItem (state: HeadHunterState, employer: Employer, m: Manager): Record<string, unknown> {
  const fullName = [m.lastName, m.firstName, m.middleName].filter(Boolean).join(' ')
  return {
    id: m.id,
    email: m.email,
    first_name: m.firstName,
    last_name: m.lastName,
    middle_name: m.middleName,
    full_name: fullName,
    name: fullName,
    position: m.position,
    area: state.areaRef('1'),
    is_main_contact_person: m.isMainContact,
    phone: { ...m.phone, formatted: formatPhone(m.phone), comment: null },
    additional_phone: null,
    special_note_1: null,
    special_note_2: null,
    vacancies_count: [...state.vacancies.values()].filter(v => v.employerId === employer.id && v.managerId === m.id && !v.archived && !v.removed).length
  }
}

/** EmployerAddressesEmployerAddressItem; `deleted` is part of the item only for a `changed_after` request (hh's spec) */
function addressItem (state: HeadHunterState, employer: Employer, a: EmployerAddress, withManager: boolean, withDeleted: boolean): Record<string, unknown> {
  const manager = state.managerOf(employer, a.managerId)
  return {
    id: a.id,
    city: a.city,
    street: a.street,
    building: a.building,
    description: null,
    raw: [a.city, a.street, a.building].filter(part => part !== null && part !== '').join(', '),
    lat: a.lat,
    lng: a.lng,
    metro_stations: [],
    can_edit: true,
    ...(withDeleted ? { deleted: a.deleted } : {}),
    ...(withManager && manager !== undefined ? { manager: { id: manager.id, full_name: [manager.lastName, manager.firstName, manager.middleName].filter(Boolean).join(' ') } } : {})
  }
}

export function employerRoutes (state: HeadHunterState, on: On): void {
  on('GET', '/me', (_req, _p, auth) => new Reply(200, meBody(state, auth)))

  on('GET', '/employers/{eid}/managers', (req, [eid], auth) => {
    const e = employerAuth(state, auth, eid)
    if (e instanceof Reply) return e
    if (!state.managerOf(e.employer, e.account.managerId!)!.hasAdminRights) return state.forbidden()
    const p = pageParams(state, req, 200, 200)
    if (p instanceof Reply) return p
    const search = query(req, 'search_text')?.toLowerCase()
    const list = e.employer.managers.filter(m => search === undefined || `${m.lastName} ${m.firstName} ${m.middleName ?? ''}`.toLowerCase().includes(search))
    return new Reply(200, paged(list.map(m => managerItem(state, e.employer, m)), p.page, p.perPage))
  })

  // hh's spec: changed_after lists every address changed since (the deleted ones too, marked), without
  // pages; otherwise the addresses that are there, paged (per_page at most and by default 10,000)
  on('GET', '/employers/{eid}/addresses', (req, [eid], auth) => {
    const e = employerAuth(state, auth, eid)
    if (e instanceof Reply) return e
    const withManager = query(req, 'with_manager') === 'true'
    if (query(req, 'changed_after') !== undefined) {
      const all = e.employer.addresses.map(a => addressItem(state, e.employer, a, withManager, true))
      return new Reply(200, { items: all, found: all.length, page: 0, pages: 1, per_page: all.length })
    }
    const p = pageParams(state, req, 10_000, 10_000)
    if (p instanceof Reply) return p
    const managerId = query(req, 'manager_id')
    const list = e.employer.addresses.filter(a => !a.deleted && (managerId === undefined || a.managerId === managerId))
    return new Reply(200, paged(list.map(a => addressItem(state, e.employer, a, withManager, false)), p.page, p.perPage))
  })

  on('GET', '/employers/{eid}/managers/{mid}/vacancies/available_types', (_req, [eid, mid], auth) => {
    const e = employerAuth(state, auth, eid)
    if (e instanceof Reply) return e
    if (state.managerOf(e.employer, mid!) === undefined) return state.notFound()
    if (mid !== e.account.managerId && !state.managerOf(e.employer, e.account.managerId!)!.hasAdminRights) return state.forbidden()
    const items = [...e.employer.available.entries()].map(([billing, count]) => ({
      name: BILLING_TYPES[billing],
      description: `Публикация «${BILLING_TYPES[billing]}» на 30 дней`,
      available_publications_count: count,
      vacancy_billing_type: { id: billing, name: BILLING_TYPES[billing] },
      vacancy_types: Object.keys(VACANCY_TYPES).map(id => ({ id, name: VACANCY_TYPES[id] })),
      publications: [{ name: 'Вся Россия', count, areas_url: `${state.apiUrl}/areas/113` }]
    }))
    return new Reply(200, { items })
  })
}

// ---------- what a test sets up on the board ----------

function newManager (state: HeadHunterState, employer: Employer, name: string, email: string | undefined, position: string, admin: boolean): Manager {
  const n = ++state.seq.manager
  const [firstName = 'Ирина', lastName = 'Сидорова', middleName] = name.trim().split(/\s+/)
  const m: Manager = {
    id: String(4_000_000 + n),
    userId: String(20_000_000 + ++state.seq.user),
    firstName,
    lastName,
    middleName: middleName ?? null,
    email: email ?? `${translit(firstName)}.${translit(lastName)}@${translit(employer.name) || 'company'}.example`,
    position,
    hasAdminRights: admin,
    isMainContact: employer.managers.length === 0,
    phone: { country: '7', city: '495', number: String(1_000_000 + (n * 7919) % 9_000_000) }
  }
  employer.managers.push(m)
  return m
}

export function addEmployerAccount (state: HeadHunterState, seed: EmployerAccountSeed = {}): { key: string, employerId: string, managerId: string, userId: string, managerIds: string[] } {
  const { seq, employers, accounts } = state
  let employer = seed.employerId !== undefined ? employers.get(seed.employerId) : undefined
  if (seed.employerId !== undefined && employer === undefined) throw new Error(`HeadHunter fake: no employer ${seed.employerId}`)
  if (employer === undefined) {
    const id = String(1_000_000 + ++seq.employer)
    employer = { id, name: seed.employerName ?? `ООО «Компания ${seq.employer}»`, blocked: null, managers: [], available: new Map(), addresses: [] }
    for (const [billing, count] of Object.entries(state.defaultAvailable)) employer.available.set(billing as BillingType, count)
    employers.set(id, employer)
  }
  const manager = newManager(state, employer, seed.managerName ?? 'Ирина Сидорова', seed.email, 'HR-менеджер', seed.hasAdminRights ?? true)
  for (const other of seed.managers ?? []) newManager(state, employer, other.name, other.email, other.position ?? 'Рекрутер', other.hasAdminRights ?? false)
  if (seed.employerId === undefined) for (const address of seed.addresses ?? DEFAULT_ADDRESSES) addAddress(state, employer.id, address, manager.id)
  const key = seed.key ?? `employer-${++seq.account}`
  if (accounts.has(key)) throw new Error(`HeadHunter fake: account "${key}" exists`)
  accounts.set(key, {
    key,
    kind: 'employer',
    userId: manager.userId,
    firstName: manager.firstName,
    lastName: manager.lastName,
    middleName: manager.middleName,
    email: manager.email,
    employerId: employer.id,
    managerId: manager.id,
    managerQuota: new Map(),
    resumeViewQuota: null,
    viewedResumes: new Set(),
    paidApiAccess: true,
    integration: seed.integration ?? false
  })
  return { key, employerId: employer.id, managerId: manager.id, userId: manager.userId, managerIds: employer.managers.map(m => m.id) }
}

export function addApplicantAccount (state: HeadHunterState, seed: { key?: string, name?: string, email?: string } = {}): { key: string, userId: string } {
  const key = seed.key ?? `applicant-${++state.seq.account}`
  const [firstName = 'Пётр', lastName = 'Соискателев'] = (seed.name ?? 'Пётр Соискателев').split(/\s+/)
  const userId = String(20_000_000 + ++state.seq.user)
  state.accounts.set(key, {
    key, kind: 'applicant', userId, firstName, lastName, middleName: null,
    email: seed.email ?? `${translit(firstName)}.${translit(lastName)}@example.com`,
    managerQuota: new Map(), resumeViewQuota: null, viewedResumes: new Set(), paidApiAccess: false, integration: false
  })
  return { key, userId }
}

export function blockEmployer (state: HeadHunterState, employerId: string, how: 'additional_check' | 'manager_account' = 'additional_check'): void {
  const e = state.employers.get(employerId)
  if (e === undefined) throw new Error(`HeadHunter fake: no employer ${employerId}`)
  e.blocked = how
}

export function unblockEmployer (state: HeadHunterState, employerId: string): void { state.employers.get(employerId)!.blocked = null }

export function setAvailable (state: HeadHunterState, accountKey: string, billingType: BillingType, count: number | null): void {
  const e = state.employerOf(state.accountOf(accountKey))
  if (count === null) e.available.delete(billingType)
  else e.available.set(billingType, count)
}

export function setManagerQuota (state: HeadHunterState, accountKey: string, billingType: BillingType, count: number | null): void {
  const a = state.accountOf(accountKey)
  if (count === null) a.managerQuota.delete(billingType)
  else a.managerQuota.set(billingType, count)
}

/** an address the employer saves on hh (by its first manager unless `managerId`); its id */
export function addAddress (state: HeadHunterState, employerId: string, seed: AddressSeed, managerId?: string): string {
  const employer = state.employers.get(employerId)
  if (employer === undefined) throw new Error(`HeadHunter fake: no employer ${employerId}`)
  const n = ++state.seq.address
  const address: EmployerAddress = {
    id: String(700_000 + n),
    city: seed.city,
    street: seed.street ?? null,
    building: seed.building ?? null,
    lat: 55.75 + n / 1000,
    lng: 37.61 + n / 1000,
    deleted: seed.deleted ?? false,
    managerId: managerId ?? employer.managers[0]!.id
  }
  employer.addresses.push(address)
  return address.id
}

/** the employer deletes a saved address */
export function deleteAddress (state: HeadHunterState, employerId: string, addressId: string): void {
  const address = state.employers.get(employerId)?.addresses.find(a => a.id === addressId)
  if (address === undefined) throw new Error(`HeadHunter fake: employer ${employerId} has no address ${addressId}`)
  address.deleted = true
}
