import { checkResponseAgainstSpec as c } from './test/fakes/headhunter-spec.js'
console.log(c({ method: 'GET', path: '/vacancies/1', status: 200, body: { id: '1', name: 'x' } }).length, 'vacancy missing fields')
console.log(c({ method: 'GET', path: '/resumes/abc', status: 200, body: { id: 'x' } }).slice(0, 3))
console.log(c({ method: 'GET', path: '/negotiations/response', status: 200, body: { items: [{ id: 1 }], found: 1, page: 0, pages: 1, per_page: 20, ordered_by: { id: 'a', name: 'b' } } }).slice(0, 5))
console.log(c({ method: 'GET', path: '/me', status: 200, body: { auth_type: 'employer', is_admin: false, is_applicant: false, is_application: false, is_employer: true, is_employer_integration: false, id: '1', first_name: 'a', last_name: 'b' } }))
console.log(c({ method: 'GET', path: '/me', status: 200, body: { auth_type: 'employer', is_admin: false, is_applicant: false, is_application: false, is_employer: true, is_employer_integration: false, id: '1', first_name: 'a', last_name: 'b', manager: { id: 1 } } }))
console.log(c({ method: 'POST', path: '/token', status: 400, body: { error: 'invalid_grant', error_description: 'token deactivated' } }))
console.log(c({ method: 'POST', path: '/token', status: 400, body: { error: 'invalid_grant', error_description: 'whatever' } }))
