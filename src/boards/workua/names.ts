// Work.ua sends an applicant's name as one string, `fio` (docs/boards.md): surname, given name and
// patronymic in the order the applicant typed them. Ukrainian order is "Прізвище Ім'я По батькові",
// yet many type "Ім'я Прізвище" or "Ім'я По батькові Прізвище". The split below uses only what a
// word itself shows: a patronymic ending (-ович, -івна, …) is the clearest sign, then a common given
// name, then a typical surname ending (-енко, -чук, -ський, …); with no sign the Ukrainian order
// stands (Western order for a name in Latin letters). Words are kept as typed.

export interface SplitName {
  firstName: string | null
  lastName: string | null
  middleName: string | null
}

const key = (word: string): string => word.toLowerCase().replace(/[’ʼ`´]/g, '\'')

// surnames share some of these (Шухевич); where both could be one, the word right after a given
// name is taken for the patronymic
const PATRONYMIC_ENDINGS = [
  'ович', 'евич', 'івна', 'ївна', 'овна', 'евна', 'ична',
  'ovych', 'evych', 'ovich', 'evich', 'ivna', 'ovna', 'evna'
]
const isPatronymic = (word: string): boolean => {
  const w = key(word)
  return w.length >= 6 && PATRONYMIC_ENDINGS.some(ending => w.endsWith(ending))
}

// the given names most often seen in Ukraine, Ukrainian and Russian spellings, and their usual
// Latin transliterations; a hyphenated name counts when any part is one (Анна-Марія)
const GIVEN_NAMES = new Set(`
олександр олексій андрій дмитро максим іван тарас богдан сергій юрій володимир михайло віктор василь
олег петро микола віталій денис артем артур роман ігор євген павло вадим руслан костянтин ярослав
назар владислав антон валерій анатолій григорій степан ростислав святослав данило кирило микита ілля
єгор марк матвій тимофій федір леонід борис геннадій станіслав едуард валентин в'ячеслав орест остап
любомир мирослав всеволод захар арсен давид семен ян тимур олесь марко мар'ян зеновій нестор
олена ірина наталія наталя оксана марія юлія катерина анастасія тетяна софія світлана людмила галина
ольга валентина надія любов віра лариса ганна анна алла інна вікторія дарина дар'я христина аліна
яна альона лілія мирослава ярослава зоряна соломія уляна богдана діана валерія поліна єлизавета
олеся леся віталіна евеліна кристина карина мар'яна роксолана ніна зінаїда раїса тамара вероніка
маргарита євгенія олександра василина ангеліна марина ксенія злата мілана аріна
александр алексей андрей дмитрий сергей евгений николай михаил владимир игорь виктор василий пётр
петр павел артём константин илья кирилл егор виталий анатолий григорий фёдор федор
елена наталья ольга татьяна светлана екатерина анастасия надежда любовь вера дарья софья ксения
елизавета алёна алена галина
oleksandr oleksii andrii dmytro maksym ivan taras bohdan serhii yurii volodymyr mykhailo viktor vasyl
oleh petro mykola vitalii denys artem roman ihor yevhen pavlo vadym ruslan kostiantyn yaroslav nazar
vladyslav anton anatolii stepan danylo kyrylo mykyta illia marko alexander alexey andrey dmitry sergey
olena iryna nataliia natalia oksana mariia maria yuliia yulia kateryna anastasiia tetiana sofiia
svitlana liudmyla halyna olha valentyna nadiia viktoriia daryna khrystyna alina yana anna hanna
`.split(/\s+/).filter(name => name !== ''))

const isGivenName = (word: string): boolean => key(word).split('-').some(part => GIVEN_NAMES.has(part))

const SURNAME_ENDINGS = [
  'енко', 'ко', 'ук', 'юк', 'чук', 'ський', 'цький', 'зький', 'ська', 'цька', 'зька', 'ов', 'ова', 'ев',
  'ева', 'єв', 'єва', 'ишин', 'ак', 'як', 'ник', 'ець',
  'enko', 'uk', 'iuk', 'yuk', 'chuk', 'skyi', 'skyy', 'sky', 'ska', 'tskyi', 'ov', 'ova', 'ev', 'eva', 'nyk'
]
const looksLikeSurname = (word: string): boolean => {
  const w = key(word)
  return w.length >= 4 && !isGivenName(word) && w.split('-').some(part => SURNAME_ENDINGS.some(ending => part.endsWith(ending)))
}

const isLatin = (word: string): boolean => /^[a-z'.-]+$/i.test(word)

const name = (first: string | null, last: string | null, middle: string | null): SplitName =>
  ({ firstName: first, lastName: last, middleName: middle })

/** `fio` as first, last and middle name; all null when it is empty */
export function splitFio (fio: string | null | undefined): SplitName {
  const words = (fio ?? '').trim().split(/\s+/).filter(word => word !== '')
  const n = words.length
  if (n === 0) return name(null, null, null)

  if (n === 1) {
    const [only] = words as [string]
    return looksLikeSurname(only) ? name(null, only, null) : name(only, null, null)
  }

  if (n === 2) {
    const [a, b] = words as [string, string]
    // "Олена Петрівна": how people are addressed formally, without the surname
    if (isPatronymic(b) && !isPatronymic(a)) return name(a, null, b)
    if (isGivenName(a) !== isGivenName(b)) return isGivenName(a) ? name(a, b, null) : name(b, a, null)
    if (looksLikeSurname(a) !== looksLikeSurname(b)) return looksLikeSurname(a) ? name(b, a, null) : name(a, b, null)
    return isLatin(a) && isLatin(b) ? name(a, b, null) : name(b, a, null)
  }

  // three words or more: the patronymic says where the given name is
  const last = words[n - 1]!
  const second = words[1]!
  if (isPatronymic(last) && (!isPatronymic(second) || isGivenName(words[n - 2]!))) {
    // "Петренко Коваль Олена Іванівна": every word before the given name is the surname
    return name(words[n - 2]!, words.slice(0, n - 2).join(' '), last)
  }
  if (isPatronymic(second)) {
    // "Олена Іванівна Петренко" (the Russian order of a signature)
    return name(words[0]!, words.slice(2).join(' '), second)
  }
  if (isGivenName(words[0]!) && !isGivenName(last) && (isGivenName(second) || looksLikeSurname(last))) {
    // "Анна Марія Коваленко": given names first, surname last
    return name(words[0]!, last, words.slice(1, n - 1).join(' '))
  }
  // "John Paul Smith": Latin letters without a patronymic follow the Western order
  if (words.every(isLatin) && !looksLikeSurname(words[0]!)) return name(words[0]!, last, words.slice(1, n - 1).join(' '))
  return name(second, words[0]!, words.slice(2).join(' '))
}
