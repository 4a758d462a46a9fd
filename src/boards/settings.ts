// Building blocks of the boards' own environment variables (each board's settings.ts).
import { Type } from 'typebox'

/** a board's base URL, with the board's production address as the default */
export const UrlSetting = (defaultUrl: string, description: string) =>
  Type.String({ pattern: '^https?://', default: defaultUrl, description })
