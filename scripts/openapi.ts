// `npm run openapi`: writes openapi/openapi.json from the route schemas.
import { writeFile } from 'node:fs/promises'
import { generateOpenApi } from '../src/openapi-document.js'

const target = new URL('../openapi/openapi.json', import.meta.url)
await writeFile(target, await generateOpenApi())
process.stdout.write(`wrote ${target.pathname}\n`)
