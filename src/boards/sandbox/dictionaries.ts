// The sandbox's catalogues: `cities` (oblasts → cities, Ukrainian names with ї, й, є and an
// apostrophe, two cities of one name in different oblasts, and one Russian-named entry) and
// `categories` (flat). Small, fixed and board-wide, like hh's areas; each version carries an ETag
// (a hash of its content), and a fetch that sends the stored one back is answered "not modified".
import { createHash } from 'node:crypto'
import { BoardError } from '../errors.js'
import type { DictionariesApi, DictionaryDefinition, DictionaryItem } from '../types.js'

const oblast = (id: string, name: string): DictionaryItem => ({ id, name, parentId: null })
const city = (id: string, name: string, parentId: string): DictionaryItem => ({ id, name, parentId })

const CITIES: DictionaryItem[] = [
  oblast('kyiv', 'Київ'),
  oblast('kyivska', 'Київська область'),
  city('bila-tserkva', 'Біла Церква', 'kyivska'),
  city('irpin', 'Ірпінь', 'kyivska'),
  city('brovary', 'Бровари', 'kyivska'),
  oblast('lvivska', 'Львівська область'),
  city('lviv', 'Львів', 'lvivska'),
  city('drohobych', 'Дрогобич', 'lvivska'),
  city('stryi', 'Стрий', 'lvivska'),
  oblast('ivano-frankivska', 'Івано-Франківська область'),
  city('ivano-frankivsk', 'Івано-Франківськ', 'ivano-frankivska'),
  city('kolomyia', 'Коломия', 'ivano-frankivska'),
  oblast('zakarpatska', 'Закарпатська область'),
  city('uzhhorod', 'Ужгород', 'zakarpatska'),
  city('mukachevo', 'Мукачево', 'zakarpatska'),
  oblast('kharkivska', 'Харківська область'),
  city('kharkiv', 'Харків', 'kharkivska'),
  city('lozova', 'Лозова', 'kharkivska'),
  oblast('odeska', 'Одеська область'),
  city('odesa', 'Одеса', 'odeska'),
  city('izmail', 'Ізмаїл', 'odeska'),
  oblast('dnipropetrovska', 'Дніпропетровська область'),
  city('dnipro', 'Дніпро', 'dnipropetrovska'),
  city('kamianske', "Кам'янське", 'dnipropetrovska'),
  city('kryvyi-rih', 'Кривий Ріг', 'dnipropetrovska'),
  oblast('mykolaivska', 'Миколаївська область'),
  city('mykolaiv', 'Миколаїв', 'mykolaivska'),
  city('pervomaisk-mk', 'Первомайськ', 'mykolaivska'),
  oblast('luhanska', 'Луганська область'),
  city('sievierodonetsk', 'Сєвєродонецьк', 'luhanska'),
  city('pervomaisk-lh', 'Первомайськ', 'luhanska'),
  oblast('zhytomyrska', 'Житомирська область'),
  city('zhytomyr', 'Житомир', 'zhytomyrska'),
  city('berdychiv', 'Бердичів', 'zhytomyrska'),
  oblast('chernivetska', 'Чернівецька область'),
  city('chernivtsi', 'Чернівці', 'chernivetska'),
  oblast('abroad', 'За кордоном'),
  city('warsaw', 'Варшава', 'abroad'),
  // a Russian name, as hh's areas are named: "кишинев" and "Кишинёв" are one
  city('chisinau', 'Кишинёв', 'abroad')
]

const CATEGORIES: DictionaryItem[] = [
  'IT, комп\'ютери, інтернет', 'Продажі, закупівлі', 'Маркетинг, реклама, PR', 'Бухгалтерія, аудит', 'Дизайн, творчість',
  'Управління персоналом, HR', 'Логістика, склад', 'Освіта, наука', 'Медицина, фармацевтика', 'Будівництво, архітектура',
  'Юриспруденція', 'Адміністративний персонал', 'Готельно-ресторанний бізнес', 'Виробництво, інженерія', 'Служба підтримки, колл-центр'
].map((name, i) => ({ id: String(101 + i), name, parentId: null }))

export const SANDBOX_DICTIONARIES: readonly DictionaryDefinition[] = [
  { name: 'cities', title: 'Cities and oblasts', hierarchical: true, searchable: true, scope: 'board' },
  { name: 'categories', title: 'Categories', hierarchical: false, searchable: true, scope: 'board' }
]

const CONTENT: Record<string, DictionaryItem[]> = { cities: CITIES, categories: CATEGORIES }
const ETAGS: Record<string, string> = Object.fromEntries(Object.entries(CONTENT).map(([name, items]) =>
  [name, `"${createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 16)}"`]))

/** English names hosts often write for sandbox cities ("Kyiv"), beside the board's own names */
export const SANDBOX_CITY_ALIASES: Record<string, string> = {
  kyiv: 'kyiv', kiev: 'kyiv', lviv: 'lviv', kharkiv: 'kharkiv', odesa: 'odesa', odessa: 'odesa', dnipro: 'dnipro',
  'ivano-frankivsk': 'ivano-frankivsk', uzhhorod: 'uzhhorod', zhytomyr: 'zhytomyr', chernivtsi: 'chernivtsi', mykolaiv: 'mykolaiv', warsaw: 'warsaw'
}

/** a sandbox city by id, for the preview */
export const sandboxCity = (id: string): DictionaryItem | undefined => CITIES.find(c => c.id === id)

export const sandboxDictionaries: DictionariesApi<unknown> = {
  dictionaries: SANDBOX_DICTIONARIES,
  async fetchDictionary (_session, _account, name, stored) {
    const items = CONTENT[name]
    const etag = ETAGS[name]
    if (items === undefined || etag === undefined) throw new BoardError({ board: 'sandbox', kind: 'not_found', detail: `the sandbox has no dictionary ${name}` })
    if (stored?.etag === etag) return { notModified: true }
    return { notModified: false, items: structuredClone(items), version: { etag, lastModified: null } }
  }
}
