// `npm run openapi`: writes openapi/openapi.json from the route schemas, and the client types made from it.
import { writeFile } from 'node:fs/promises'
import { generateOpenApi } from '../src/openapi-document.js'
import { clientTypesFile, generateClientTypes } from './openapi-types.js'

const target = new URL('../openapi/openapi.json', import.meta.url)
const document = await generateOpenApi()
await writeFile(target, document)
process.stdout.write(`wrote ${target.pathname}\n`)
await writeFile(clientTypesFile, await generateClientTypes(document))
process.stdout.write(`wrote ${clientTypesFile.pathname}\n`)
