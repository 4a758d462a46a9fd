// The outbound URL policy: every URL the service calls that a tenant gave (webhook endpoints now)
// passes it twice. When the URL is registered: http(s) only, no userinfo, no name or literal
// address of an internal target (loopback, private, link-local, unique-local, multicast,
// unspecified, cloud metadata), and no name that resolves to one. When a connection is made: the
// name is resolved again, every address it gives is checked, and the connection goes to the
// address checked (undici's connector gets our lookup), so a name that answers differently the
// second time (DNS rebinding) cannot reach what the first check refused. Operators open what they
// need with OUTBOUND_ALLOW (CIDRs or host names).
import { lookup as dnsLookup } from 'node:dns'
import type { LookupAddress } from 'node:dns'
import { Agent, buildConnector } from 'undici'
import { inCidr, isBlockedAddress, parseAddress, parseCidr, type Cidr } from './addresses.js'

/** how a name is resolved: every address it has (dns.lookup with all: true by default; tests pass their own) */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>

const systemResolve: Resolve = async hostname => await new Promise((resolve, reject) => {
  dnsLookup(hostname, { all: true }, (error, addresses) => { if (error !== null) reject(error); else resolve(addresses) })
})

/** a connection the policy refused; the delivery shows it as `blocked_address` */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
  readonly code = 'BLOCKED_ADDRESS'
}

/**
 * Names that lead inside whatever they resolve to: localhost, the metadata services' names, the
 * reserved private suffixes, and single-label names (completed by the resolver's search domains).
 */
function isInternalName (hostname: string): boolean {
  if (!hostname.includes('.')) return true
  return ['localhost', 'internal', 'local', 'localdomain', 'home.arpa', 'in-addr.arpa', 'ip6.arpa'].some(suffix => hostname === suffix || hostname.endsWith(`.${suffix}`)) ||
    ['metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal'].includes(hostname)
}

/** OUTBOUND_ALLOW entries: CIDRs (a bare address is one address) and host names; the bad ones named */
export function parseOutboundAllow (entries: readonly string[]): { cidrs: Cidr[], hosts: string[], bad: string[] } {
  const cidrs: Cidr[] = []
  const hosts: string[] = []
  const bad: string[] = []
  for (const entry of entries) {
    const cidr = parseCidr(entry)
    if (cidr !== undefined) cidrs.push(cidr)
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)) hosts.push(normalName(entry))
    else bad.push(entry)
  }
  return { cidrs, hosts, bad }
}

const normalName = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '')

export interface OutboundPolicyOptions {
  /** OUTBOUND_ALLOW, checked by the config */
  allow: readonly string[]
  resolve?: Resolve
}

export function createOutboundPolicy ({ allow, resolve = systemResolve }: OutboundPolicyOptions) {
  const allowed = parseOutboundAllow(allow)

  function addressAllowed (text: string): boolean {
    const address = parseAddress(text)
    if (address === undefined) return false
    if (allowed.cidrs.some(cidr => inCidr(address, cidr))) return true
    // an IPv4-mapped IPv6 address is its IPv4 address to the allow list too
    if (address.version === 6 && address.value >> 32n === 0xffffn && allowed.cidrs.some(cidr => inCidr({ version: 4, value: address.value & 0xffffffffn }, cidr))) return true
    return !isBlockedAddress(address)
  }

  /** why the host may not be called without resolving it (a literal address, an internal name); undefined when it may */
  function hostRefusal (rawHostname: string): string | undefined {
    const hostname = normalName(rawHostname)
    if (allowed.hosts.includes(hostname)) return undefined
    if (parseAddress(hostname) !== undefined) return addressAllowed(hostname) ? undefined : 'the address is internal (loopback, private, link-local, multicast or metadata)'
    if (isInternalName(hostname)) return 'the host name is internal'
    return undefined
  }

  /** the addresses the host resolves to, every one checked; throws BlockedAddressError when one is refused */
  async function resolveChecked (rawHostname: string): Promise<LookupAddress[]> {
    const hostname = normalName(rawHostname)
    const addresses = await resolve(hostname)
    if (allowed.hosts.includes(hostname)) return addresses
    // one internal address among public ones is as good as an internal name
    const refused = addresses.find(a => !addressAllowed(a.address))
    if (refused !== undefined || addresses.length === 0) throw new BlockedAddressError(`${hostname} resolves to an address that is not allowed`)
    return addresses
  }

  const policy = {
    /** why the URL may not be registered (the name is resolved too); undefined when it may */
    async refusal (url: string): Promise<string | undefined> {
      let parsed: URL
      try { parsed = new URL(url) } catch { return 'not a URL' }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs are called'
      if (parsed.username !== '' || parsed.password !== '') return 'a URL may not carry a user name or password'
      const refusal = hostRefusal(parsed.hostname)
      if (refusal !== undefined) return refusal
      if (parseAddress(parsed.hostname) !== undefined) return undefined
      try {
        await resolveChecked(parsed.hostname)
      } catch (error) {
        if (error instanceof BlockedAddressError) return 'the host name resolves to an internal address'
        // a name that does not resolve now may later; the check at connection time still holds
      }
      return undefined
    },

    /**
     * An undici Agent whose every connection passes the policy: a literal address is checked, a
     * name is resolved and checked here, and the socket connects to the address checked.
     */
    agent (options: Omit<Agent.Options, 'connect'> & { connectTimeoutMs: number }): Agent {
      const connector = buildConnector({
        timeout: options.connectTimeoutMs,
        lookup: (hostname, lookupOptions, callback) => {
          resolveChecked(hostname).then(addresses => {
            const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? addresses.filter(a => a.family === lookupOptions.family) : addresses
            if (lookupOptions.all === true) callback(null, wanted)
            else if (wanted[0] === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
            else callback(null, wanted[0].address, wanted[0].family)
          }, (error: NodeJS.ErrnoException) => { callback(error, '', 0) })
        }
      })
      const { connectTimeoutMs, ...agentOptions } = options
      return new Agent({
        ...agentOptions,
        connect: (connectOptions, callback) => {
          const refusal = hostRefusal(connectOptions.hostname)
          if (refusal !== undefined) { callback(new BlockedAddressError(refusal), null); return }
          connector(connectOptions, callback)
        }
      })
    }
  }
  return policy
}

export type OutboundPolicy = ReturnType<typeof createOutboundPolicy>
