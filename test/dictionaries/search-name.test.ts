import t from 'tap'
import { searchName } from '../../src/modules/dictionaries/search-name.js'

t.test('case, marks and apostrophes fold away; Ukrainian and Russian letters stay themselves', async t => {
  t.equal(searchName('Київ'), 'киів')
  t.equal(searchName('КИЇВ'), 'киів')
  t.equal(searchName('киів'), 'киів')
  t.equal(searchName('Москва'), searchName('москва'))
  t.equal(searchName('Кишинёв'), 'кишинев', 'ё is е with a mark')
  t.equal(searchName('Йосипівка'), 'иосипівка', 'й is и with a mark')
  t.equal(searchName('Єнакієве'), 'єнакієве', 'є has no mark: it stays')
  t.equal(searchName('Ґалаґан'), 'ґалаґан', 'ґ has no mark: it stays')
  t.equal(searchName("Кам'янське"), 'камянське')
  t.equal(searchName('Камʼянське'), 'камянське', 'the Ukrainian apostrophe (U+02BC)')
  t.equal(searchName('Кам’янське'), 'камянське', 'the typographic one (U+2019)')
  t.equal(searchName('São Paulo'), 'sao paulo')
  t.not(searchName('Kyiv'), searchName('Київ'), 'alphabets are not folded into each other')
})

t.test('punctuation and runs of spaces are one space, trimmed', async t => {
  t.equal(searchName('Івано-Франківськ'), 'івано франківськ')
  t.equal(searchName('  IT,  комп\'ютери, інтернет '), 'it компютери інтернет')
  t.equal(searchName('—'), '')
})
