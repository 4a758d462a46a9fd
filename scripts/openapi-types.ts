// TypeScript types of the API for hosts' clients (openapi-fetch), made by openapi-typescript from
// the OpenAPI document: `npm run openapi` writes them beside it as openapi/jobsync-api.d.ts, and a
// test keeps them in step with the committed document.
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'

export const clientTypesFile = new URL('../openapi/jobsync-api.d.ts', import.meta.url)

export async function generateClientTypes (document: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], { silent: true })
  return COMMENT_HEADER + astToString(ast)
}
