// Links the host pastes to name a posting ("link an existing vacancy"): with or without their
// scheme, http(s) only, on one of the board's own hosts. Each board then reads its id from the path.

/** the pasted text as a URL on one of `hosts` (lower-case names), or null */
export function boardLink (text: string, hosts: ReadonlySet<string> | RegExp): URL | null {
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  const host = url.hostname.toLowerCase()
  return (hosts instanceof RegExp ? hosts.test(host) : hosts.has(host)) ? url : null
}
