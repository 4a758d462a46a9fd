// Other spellings of Ukraine's larger towns, for matching a job's location to Work.ua's `town`
// catalogue when the host wrote it another way than the catalogue does: in English or
// transliterated ("Kyiv", "Kiev"), or in Ukrainian where Work.ua kept a Russian name (a third-party
// client of Work.ua rewrites its town names from Russian to Ukrainian). Only spellings: the id is
// always the catalogue's, found by one of these names.

/** each town's spellings: Ukrainian, Russian, then Latin ones */
const TOWNS: readonly (readonly string[])[] = [
  ['Київ', 'Киев', 'Kyiv', 'Kiev', 'Kyyiv'],
  ['Харків', 'Харьков', 'Kharkiv', 'Kharkov'],
  ['Одеса', 'Одесса', 'Odesa', 'Odessa'],
  ['Дніпро', 'Днепр', 'Dnipro', 'Dnepr', 'Dnipropetrovsk'],
  ['Львів', 'Львов', 'Lviv', 'Lvov', 'Lwow'],
  ['Запоріжжя', 'Запорожье', 'Zaporizhzhia', 'Zaporizhia', 'Zaporozhye'],
  ['Вінниця', 'Винница', 'Vinnytsia', 'Vinnitsa'],
  ['Івано-Франківськ', 'Ивано-Франковск', 'Ivano-Frankivsk', 'Ivano-Frankovsk'],
  ['Миколаїв', 'Николаев', 'Mykolaiv', 'Nikolaev'],
  ['Полтава', 'Poltava'],
  ['Чернігів', 'Чернигов', 'Chernihiv', 'Chernigov'],
  ['Черкаси', 'Черкассы', 'Cherkasy', 'Cherkassy'],
  ['Суми', 'Сумы', 'Sumy'],
  ['Житомир', 'Zhytomyr', 'Zhitomir'],
  ['Хмельницький', 'Хмельницкий', 'Khmelnytskyi', 'Khmelnitsky'],
  ['Рівне', 'Ровно', 'Rivne', 'Rovno'],
  ['Тернопіль', 'Тернополь', 'Ternopil', 'Ternopol'],
  ['Луцьк', 'Луцк', 'Lutsk'],
  ['Ужгород', 'Uzhhorod', 'Uzhgorod'],
  ['Чернівці', 'Черновцы', 'Chernivtsi', 'Chernovtsy'],
  ['Кропивницький', 'Кропивницкий', 'Kropyvnytskyi', 'Kirovohrad'],
  ['Херсон', 'Kherson'],
  ['Біла Церква', 'Белая Церковь', 'Bila Tserkva'],
  ['Кривий Ріг', 'Кривой Рог', 'Kryvyi Rih', 'Krivoy Rog'],
  ['Бровари', 'Бровары', 'Brovary'],
  ['Бориспіль', 'Борисполь', 'Boryspil'],
  ['Ірпінь', 'Ирпень', 'Irpin']
]

/** lower case, without accents, one kind of apostrophe and dash, single blanks */
export function foldTownName (text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[’ʼ`´]/g, "'").replace(/[‐‑–—]/g, '-').replace(/\s+/g, ' ').trim()
}

const byName = new Map<string, readonly string[]>()
for (const spellings of TOWNS) for (const name of spellings) byName.set(foldTownName(name), spellings)

/** the other spellings of the town `text` names ([] when it is not one of these towns) */
export function otherTownSpellings (text: string): string[] {
  const folded = foldTownName(text)
  return (byName.get(folded) ?? []).filter(name => foldTownName(name) !== folded)
}
