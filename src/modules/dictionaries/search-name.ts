// How a dictionary name is folded for search, stored beside the name and applied to `q` and to the
// names a board's mapping looks up, so that "Київ", "КИЇВ" and "киів", or "Москва" and "москва",
// are one. Folded: case (lower case), marks (Unicode NFD, combining marks dropped: ї → і, й → и,
// ё → е, é → e), apostrophes (', ’, ʼ, ` dropped: "Кам'янське" = "Камʼянське" = "Камянське"),
// and every other run of punctuation or spaces to one space (so "Івано-Франківськ" is two words).
// Letters of different alphabets are not folded into each other: "Kyiv" is not "Київ".

const MARKS = /\p{M}+/gu
const APOSTROPHES = /['’ʼ`ʹ‘]/gu
const SEPARATORS = /[^\p{L}\p{N}]+/gu

export function searchName (text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim()
}
