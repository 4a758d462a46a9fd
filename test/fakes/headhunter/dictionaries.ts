// hh's reference data as the fake knows it: billing and vacancy types, a small fixed set of areas,
// the employer-side collections of a vacancy's responses (docs/boards.md, HeadHunter), and the
// catalogue routes (areas, professional roles, the field dictionaries of the spec's example).
import type { On } from './routing.js'
import { specExample } from './spec.js'
import { Reply, type HeadHunterState } from './state.js'

export type BillingType = 'free' | 'standard' | 'standard_plus' | 'premium'
export const BILLING_TYPES: Record<BillingType, string> = {
  free: 'Бесплатная',
  standard: 'Стандарт',
  standard_plus: 'Стандарт плюс',
  premium: 'Премиум'
}
export const VACANCY_TYPES: Record<string, string> = {
  open: 'Открытая',
  closed: 'Закрытая',
  anonymous: 'Анонимная',
  direct: 'Рекламная'
}
/** The areas the fake knows; only leaves can hold a vacancy (hh: `chosen_area_is_not_a_leaf_or_not_exist`). */
export const AREAS: Record<string, { name: string, leaf: boolean, parent: string | null }> = {
  113: { name: 'Россия', leaf: false, parent: null },
  1: { name: 'Москва', leaf: true, parent: '113' },
  2: { name: 'Санкт-Петербург', leaf: true, parent: '113' },
  2019: { name: 'Московская область', leaf: false, parent: '113' },
  3: { name: 'Екатеринбург', leaf: true, parent: '113' },
  4: { name: 'Новосибирск', leaf: true, parent: '113' },
  88: { name: 'Казань', leaf: true, parent: '113' },
  5: { name: 'Украина', leaf: false, parent: null },
  115: { name: 'Киев', leaf: true, parent: '5' },
  2114: { name: 'Львов', leaf: true, parent: '5' },
  16: { name: 'Беларусь', leaf: false, parent: null },
  1002: { name: 'Минск', leaf: true, parent: '16' },
  40: { name: 'Казахстан', leaf: false, parent: null },
  160: { name: 'Алматы', leaf: true, parent: '40' }
}
/** a few of hh's professional roles, in its catalogue's shape (ProfessionalRolesCatalog) */
export const PROFESSIONAL_ROLES: Array<{ id: string, name: string, roles: Array<{ id: string, name: string }> }> = [
  { id: '11', name: 'Информационные технологии', roles: [{ id: '96', name: 'Программист, разработчик' }, { id: '124', name: 'Тестировщик' }, { id: '160', name: 'DevOps-инженер' }] },
  { id: '17', name: 'Продажи, обслуживание клиентов', roles: [{ id: '70', name: 'Менеджер по продажам, менеджер по работе с клиентами' }] }
]

/**
 * Employer-side collections of a vacancy's responses; the collection id is also the employer state
 * and the id of the action that moves a response there (the spec's examples: `discard_by_employer`
 * "Отказано", `hired` "Выход на работу", ...).
 */
export const COLLECTIONS: Array<{ id: string, name: string, applicantState: 'response' | 'invitation' | 'discard' }> = [
  { id: 'response', name: 'Неразобранные', applicantState: 'response' },
  { id: 'consider', name: 'Подумать', applicantState: 'response' },
  { id: 'phone_interview', name: 'Первичное собеседование', applicantState: 'invitation' },
  { id: 'interview', name: 'Собеседование', applicantState: 'invitation' },
  { id: 'offer', name: 'Предложение о работе', applicantState: 'invitation' },
  { id: 'hired', name: 'Выход на работу', applicantState: 'invitation' },
  { id: 'discard_by_employer', name: 'Отказано', applicantState: 'discard' }
]
/** the actions a response offers in each state: a refusal is final, a hire can still be undone by a refusal */
export const ACTIONS_IN = (state: string): string[] =>
  state === 'discard_by_employer' ? [] : state === 'hired' ? ['discard_by_employer'] : COLLECTIONS.map(c => c.id).filter(id => id !== state && id !== 'response')
export const APPLICANT_STATES = { response: 'Отклик', invitation: 'Приглашение', discard: 'Отказ' }
/** form fields hh lists as `actions[].arguments` for a state change */
export const ACTION_ARGUMENTS = new Set(['message', 'resume_id', 'vacancy_id', 'send_sms', 'address_id'])

export const collectionById = (id: string): (typeof COLLECTIONS)[number] | undefined => COLLECTIONS.find(c => c.id === id)

/** `GET /areas`: the tree of areas (AreasAreas), `GET /professional_roles`, `GET /dictionaries` (the spec's own example) */
export function dictionaryRoutes (_state: HeadHunterState, on: On): void {
  const areaNode = (id: string): Record<string, unknown> => ({
    id,
    name: AREAS[id]!.name,
    parent_id: AREAS[id]!.parent,
    areas: Object.keys(AREAS).filter(child => AREAS[child]!.parent === id).map(areaNode)
  })
  on('GET', '/areas', () => new Reply(200, Object.keys(AREAS).filter(id => AREAS[id]!.parent === null).map(areaNode)))
  on('GET', '/professional_roles', () => new Reply(200, {
    categories: PROFESSIONAL_ROLES.map(c => ({ ...c, roles: c.roles.map(r => ({ ...r, accept_incomplete_resumes: false, is_default: false, search_deprecated: false, select_deprecated: false })) }))
  }))
  on('GET', '/dictionaries', () => new Reply(200, specExample('DictionariesDictionaries')))
}

/** ids of one of hh's field dictionaries (`GET /dictionaries`, from the spec's example) */
export function dictionaryIds (name: string): Set<string> {
  const list = (specExample('DictionariesDictionaries') as Record<string, Array<{ id?: string, code?: string }>>)[name] ?? []
  return new Set(list.map(item => item.id ?? item.code ?? ''))
}
