// Vacancies on hh: publishing (`POST /vacancies` and drafts) with hh's field rules and its 403
// `vacancies` refusals (no paid publication left, the manager's quota, a duplicate), reading, editing
// and archiving, and the moderation a test plays (docs/boards.md, HeadHunter: Publishing).
import { AREAS, BILLING_TYPES, dictionaryIds, VACANCY_TYPES, type BillingType } from './dictionaries.js'
import { employerAuth } from './oauth.js'
import { query, type On } from './routing.js'
import { hhTime, Reply, type Account, type Employer, type FakeVacancy, type HeadHunterState } from './state.js'

const textLength = (html: string): number =>
  html.replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/gi, ' ').replace(/\s+/g, ' ').trim().length

function vacancyBody (state: HeadHunterState, v: FakeVacancy): Record<string, unknown> {
  const f = v.fields
  const employer = state.employers.get(v.employerId)!
  const manager = state.managerOf(employer, v.managerId)!
  const areaId = String(f.area?.id ?? '1')
  const typeId = String(f.type?.id ?? 'open')
  const billing = String(f.billing_type?.id ?? 'standard')
  return {
    id: v.id,
    name: f.name,
    description: f.description,
    branded_description: null,
    area: state.areaRef(areaId),
    type: { id: typeId, name: VACANCY_TYPES[typeId] ?? typeId },
    billing_type: { id: billing, name: BILLING_TYPES[billing as BillingType] ?? billing },
    professional_roles: (f.professional_roles ?? []).map((r: { id: string }) => ({ id: String(r.id), name: 'Программист, разработчик' })),
    key_skills: (f.key_skills ?? []).map((s: { name: string }) => ({ name: s.name })),
    code: f.code ?? null,
    salary: null,
    salary_range: f.salary_range ?? null,
    experience: f.experience?.id !== undefined ? { id: f.experience.id, name: f.experience.id } : null,
    schedule: { id: f.schedule?.id ?? 'fullDay', name: 'Полный день' },
    employment: { id: f.employment?.id ?? 'full', name: 'Полная занятость' },
    employment_form: f.employment_form?.id !== undefined ? { id: f.employment_form.id, name: f.employment_form.id } : null,
    work_format: (f.work_format ?? []).map((x: { id: string }) => ({ id: x.id, name: x.id })),
    work_schedule_by_days: (f.work_schedule_by_days ?? []).map((x: { id: string }) => ({ id: x.id, name: x.id })),
    working_hours: (f.working_hours ?? []).map((x: { id: string }) => ({ id: x.id, name: x.id })),
    address: null,
    contacts: f.contacts ?? null,
    driver_license_types: f.driver_license_types ?? [],
    accept_handicapped: f.accept_handicapped ?? false,
    accept_incomplete_resumes: f.accept_incomplete_resumes ?? false,
    accept_kids: f.accept_kids ?? false,
    accept_temporary: f.accept_temporary ?? false,
    allow_messages: f.allow_messages ?? true,
    response_letter_required: f.response_letter_required ?? false,
    response_notifications: f.response_notifications ?? true,
    response_url: f.response_url ?? null,
    has_test: false,
    test: null,
    premium: billing === 'premium',
    approved: v.approved,
    archived: v.archived,
    hidden: false,
    can_upgrade_billing_type: billing !== 'premium',
    branded_template: null,
    employer: {
      id: employer.id,
      name: employer.name,
      url: `${state.apiUrl}/employers/${employer.id}`,
      alternate_url: `https://hh.ru/employer/${employer.id}`,
      logo_urls: null,
      trusted: true
    },
    manager: { id: manager.id },
    created_at: hhTime(v.createdAt),
    initial_created_at: hhTime(v.createdAt),
    published_at: hhTime(v.publishedAt),
    expires_at: hhTime(v.publishedAt + 30 * 86_400_000),
    alternate_url: `https://hh.ru/vacancy/${v.id}`,
    apply_alternate_url: `https://hh.ru/applicant/vacancy_response?vacancyId=${v.id}`,
    languages: f.languages ?? [],
    working_days: [],
    working_time_intervals: [],
    working_time_modes: []
  }
}

// ---------- vacancy rules ----------
type FieldError = { field: string, pointer: string, reason: string }
function validateVacancy (f: Record<string, any>): FieldError[] {
  const errors: FieldError[] = []
  const need = (field: string, ok: boolean, reason: string, pointer = `/${field}`): void => { if (!ok) errors.push({ field, pointer, reason }) }
  if (typeof f.name !== 'string') need('name', false, 'required')
  else need('name', f.name.trim() !== '', 'is_empty')
  if (typeof f.description !== 'string') need('description', false, 'required')
  else if (textLength(f.description) === 0) need('description', false, 'is_empty')
  else if (textLength(f.description) < 200) need('description', false, 'is_too_short')
  else need('description', !/[\w.+-]+@[\w-]+\.[\w.]+/.test(f.description), 'email_in_description')
  if (f.area?.id === undefined) need('area', false, 'required', '/area/id')
  else need('area', AREAS[String(f.area.id)]?.leaf === true, 'chosen_area_is_not_a_leaf_or_not_exist', '/area/id')
  if (f.type?.id === undefined) need('type', false, 'required', '/type/id')
  else need('type', String(f.type.id) in VACANCY_TYPES, 'invalid', '/type/id')
  if (f.billing_type?.id === undefined) need('billing_type', false, 'required', '/billing_type/id')
  else need('billing_type', String(f.billing_type.id) in BILLING_TYPES, 'invalid', '/billing_type/id')
  // anonymous vacancies need the name shown instead of the employer's; direct ones where to respond (VacancyCreate)
  if (f.type?.id === 'anonymous') need('custom_employer_name', typeof f.custom_employer_name === 'string' && f.custom_employer_name.trim() !== '', 'required')
  if (f.type?.id === 'direct') need('response_url', typeof f.response_url === 'string' && /^https?:\/\//.test(f.response_url), 'required')
  // the current schedule fields take ids of their dictionaries (GET /dictionaries)
  if (f.employment_form?.id !== undefined) need('employment_form', dictionaryIds('employment_form').has(String(f.employment_form.id)), 'invalid', '/employment_form/id')
  for (const name of ['work_format', 'work_schedule_by_days', 'working_hours']) {
    const list = f[name]
    if (!Array.isArray(list)) continue
    list.forEach((x: { id?: unknown }, i: number) => need(name, dictionaryIds(name).has(String(x?.id)), 'invalid', `/${name}/${i}/id`))
  }
  const roles = f.professional_roles
  if (!Array.isArray(roles) || roles.length === 0) need('professional_roles', false, 'required')
  else {
    need('professional_roles', roles.length === 1, 'wrong_size')
    roles.forEach((r: { id?: unknown }, i: number) => need('professional_roles', /^\d+$/.test(String(r?.id ?? '')), 'invalid', `/professional_roles/${i}/id`))
  }
  return errors
}
/** 403 `vacancies` refusals of hh, in its order: access and quota, then duplicates */
function publicationRefusal (state: HeadHunterState, account: Account, employer: Employer, f: Record<string, any>, ignoreDuplicates: boolean, exceptId?: string): Reply | null {
  const billing = String(f.billing_type.id) as BillingType
  const left = employer.available.get(billing)
  if (left === undefined || left <= 0) return state.apiError(403, [{ type: 'vacancies', value: 'not_enough_purchased_services' }])
  const quota = account.managerQuota.get(billing)
  if (quota !== undefined && quota <= 0) return state.apiError(403, [{ type: 'vacancies', value: 'quota_exceeded' }])
  if (!ignoreDuplicates) {
    const dupes = [...state.vacancies.values()].filter(v => v.id !== exceptId && v.employerId === employer.id && !v.archived && !v.removed &&
      String(v.fields.name).trim().toLowerCase() === String(f.name).trim().toLowerCase() && String(v.fields.area?.id) === String(f.area?.id))
    if (dupes.length > 0) return state.apiError(403, [{ type: 'vacancies', value: 'duplicate', found: dupes.length, items: dupes.map(v => ({ id: Number(v.id) })) }])
  }
  return null
}
function createVacancy (state: HeadHunterState, account: Account, employer: Employer, f: Record<string, any>): FakeVacancy {
  const billing = String(f.billing_type.id) as BillingType
  employer.available.set(billing, employer.available.get(billing)! - 1)
  const quota = account.managerQuota.get(billing)
  if (quota !== undefined) account.managerQuota.set(billing, quota - 1)
  const id = String(90_000_000 + ++state.seq.vacancy)
  const managerId = typeof f.manager?.id === 'string' && state.managerOf(employer, f.manager.id) !== undefined ? f.manager.id : account.managerId!
  const v: FakeVacancy = { id, employerId: employer.id, managerId, fields: structuredClone(f), approved: false, archived: false, removed: false, rejected: false, createdAt: state.now(), publishedAt: state.now() }
  state.vacancies.set(id, v)
  return v
}
export const ownVacancy = (state: HeadHunterState, employer: Employer, id: string): FakeVacancy | undefined => {
  const v = state.vacancies.get(id)
  return v !== undefined && !v.removed && v.employerId === employer.id ? v : undefined
}

export function vacancyRoutes (state: HeadHunterState, on: On): void {
  on('POST', '/vacancies', (req, _p, auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const f = req.body as Record<string, any>
    const errors = validateVacancy(f)
    if (errors.length > 0) {
      return state.apiError(400, errors.map(x => ({ type: 'bad_json_data', value: x.field, pointer: x.pointer, reason: x.reason })))
    }
    const refusal = publicationRefusal(state, e.account, e.employer, f, query(req, 'ignore_duplicates') === 'true')
    if (refusal !== null) return refusal
    const v = createVacancy(state, e.account, e.employer, f)
    return new Reply(201, { id: v.id }, { location: `/vacancies/${v.id}` })
  })

  on('POST', '/vacancies/drafts', (req, _p, auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const f = structuredClone(req.body) as Record<string, any>
    const id = String(5_000_000 + ++state.seq.draft)
    state.drafts.set(id, { id, employerId: e.employer.id, managerId: e.account.managerId!, fields: f, createdAt: state.now() })
    const errors = validateVacancy(f)
    return new Reply(201, {
      id,
      name: typeof f.name === 'string' ? f.name : '',
      publication_ready: errors.length === 0,
      ignored_fields: [],
      validation_errors: errors.map(x => ({ value: x.field, reason: x.reason }))
    })
  })

  on('GET', '/vacancies/drafts/{id}', (_req, [id], auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const d = state.drafts.get(id!)
    if (d === undefined || d.employerId !== e.employer.id) return state.notFound()
    const f = d.fields
    const errors = validateVacancy(f)
    const manager = state.managerOf(e.employer, d.managerId)!
    const billing = f.billing_type?.id as string | undefined
    return new Reply(200, {
      id: d.id,
      name: f.name ?? '',
      description: f.description ?? '',
      areas: f.area?.id !== undefined ? [{ id: String(f.area.id), name: AREAS[String(f.area.id)]?.name ?? '' }] : [],
      type: { id: f.type?.id ?? 'open' },
      billing_type: billing !== undefined ? { id: billing } : null,
      professional_roles: (f.professional_roles ?? []).map((r: { id: string }) => ({ id: String(r.id) })),
      key_skills: f.key_skills ?? [],
      languages: [],
      driver_license_types: f.driver_license_types ?? [],
      experience: f.experience ?? null,
      schedule: f.schedule ?? { id: 'fullDay' },
      address: { id: null, show_metro_only: false },
      contacts: { name: null, email: null, phones: null },
      manager: { id: manager.id },
      employer: { id: e.employer.id, name: e.employer.name, url: `${state.apiUrl}/employers/${e.employer.id}`, alternate_url: `https://hh.ru/employer/${e.employer.id}`, logo_urls: { 90: 'https://img.hhcdn.ru/employer-logo/90.png', 240: 'https://img.hhcdn.ru/employer-logo/240.png' } },
      accept_handicapped: false,
      accept_incomplete_resumes: false,
      accept_kids: false,
      allow_messages: true,
      has_test: false,
      response_letter_required: false,
      response_notifications: true,
      with_zp: false,
      meta_info: {
        draft_id: d.id,
        publication_ready: errors.length === 0,
        completed_fields_percentage: Math.round(100 * (6 - new Set(errors.map(x => x.field)).size) / 6),
        scheduled_at: null
      }
    })
  })

  on('POST', '/vacancies/drafts/{id}/publish', (_req, [id], auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const d = state.drafts.get(id!)
    if (d === undefined || d.employerId !== e.employer.id) return state.notFound()
    const errors = validateVacancy(d.fields)
    // ErrorsVacancyError (spec, publish-vacancy-from-draft): `vacancies` + field name + reason, no pointer
    if (errors.length > 0) return state.apiError(400, errors.map(x => ({ type: 'vacancies', value: x.field, reason: x.reason })))
    const refusal = publicationRefusal(state, e.account, e.employer, d.fields, false)
    if (refusal !== null) return refusal
    const v = createVacancy(state, e.account, e.employer, { ...d.fields, manager: { id: d.managerId } })
    state.drafts.delete(d.id)
    return new Reply(201, { vacancy_ids: [Number(v.id)] })
  })

  on('GET', '/vacancies/{id}', (_req, [id], auth) => {
    const v = state.vacancies.get(id!)
    if (v === undefined || v.removed) return state.notFound()
    if (!('app' in auth) && auth.account.kind === 'employer' && auth.account.employerId === v.employerId) {
      const e = employerAuth(state, auth)
      if (e instanceof Reply) return e
    }
    return new Reply(200, vacancyBody(state, v))
  })

  on('PUT', '/vacancies/{id}', (req, [id], auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const v = ownVacancy(state, e.employer, id!)
    if (v === undefined) return state.notFound()
    if (v.archived) return state.apiError(403, [{ type: 'vacancies', value: 'unavailable_for_archived' }])
    const body = req.body as Record<string, any>
    // hh's edit rules: billing type and manager change in requests of their own (conflict_changes);
    // a new title makes it another vacancy, a moderation risk hh asks to confirm (replacement)
    const own = ['billing_type', 'manager'].filter(k => k in body)
    if (own.length > 0 && Object.keys(body).length > 1) return state.apiError(403, [{ type: 'vacancies', value: 'conflict_changes' }])
    const merged = { ...v.fields, ...body }
    const errors = validateVacancy(merged)
    if (errors.length > 0) return state.apiError(400, errors.map(x => ({ type: 'bad_json_data', value: x.field, pointer: x.pointer, reason: x.reason })))
    if (typeof body.name === 'string' && body.name.trim().toLowerCase() !== String(v.fields.name).trim().toLowerCase() && query(req, 'ignore_replacement_warning') !== 'true') {
      return state.apiError(403, [{ type: 'vacancies', value: 'replacement' }])
    }
    if (query(req, 'ignore_duplicates') !== 'true') {
      const dupes = [...state.vacancies.values()].filter(o => o.id !== v.id && o.employerId === e.employer.id && !o.archived && !o.removed &&
        String(o.fields.name).trim().toLowerCase() === String(merged.name).trim().toLowerCase() && String(o.fields.area?.id) === String(merged.area?.id))
      if (dupes.length > 0) return state.apiError(403, [{ type: 'vacancies', value: 'duplicate', found: dupes.length, items: dupes.map(o => ({ id: Number(o.id) })) }])
    }
    v.fields = structuredClone(merged)
    return new Reply(204)
  })

  on('PUT', '/employers/{eid}/vacancies/archived/{vid}', (_req, [eid, vid], auth) => {
    const e = employerAuth(state, auth, eid)
    if (e instanceof Reply) return e
    const v = ownVacancy(state, e.employer, vid!)
    if (v === undefined) return state.notFound()
    v.archived = true
    return new Reply(204)
  })
}

// ---------- what a test does on the board ----------

export function vacancyOrThrow (state: HeadHunterState, id: string): FakeVacancy {
  const v = state.vacancies.get(id)
  if (v === undefined) throw new Error(`HeadHunter fake: no vacancy ${id}`)
  return v
}

export function approveVacancy (state: HeadHunterState, id: string): void {
  const v = vacancyOrThrow(state, id)
  v.approved = true
  v.rejected = false
}

// a vacancy moderation refuses goes to the archive unapproved (hh exposes only `approved`/`archived`)
export function rejectVacancy (state: HeadHunterState, id: string): void {
  const v = vacancyOrThrow(state, id)
  v.approved = false
  v.rejected = true
  v.archived = true
}

export function removeVacancy (state: HeadHunterState, id: string): void { vacancyOrThrow(state, id).removed = true }
