// IP addresses as numbers, and the ranges an outbound call made for a tenant must never reach:
// loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254), unique-local
// (AWS's fd00:ec2::254), multicast, unspecified, reserved and documentation ranges. IPv6 forms
// that carry an IPv4 address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
// by the IPv4 address inside. Spellings of IPv4 such as `127.1`, `2130706433` or `0x7f000001` are
// the URL parser's business (WHATWG URL turns them into dotted quads); this file sees only what
// `net.isIP` accepts, as a resolver answers it.
import { isIP } from 'node:net'

export interface Cidr { version: 4 | 6, bits: bigint, prefix: number }

/** the address as a number, with its version; undefined when it is no IP address */
export function parseAddress (text: string): { version: 4 | 6, value: bigint } | undefined {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const version = isIP(address)
  if (version === 4) return { version: 4, value: ipv4Value(address) }
  if (version === 6) return { version: 6, value: ipv6Value(address) }
  return undefined
}

function ipv4Value (address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

function ipv6Value (address: string): bigint {
  // a zone (fe80::1%eth0) says which interface, not which address
  let text = address.split('%')[0] ?? ''
  // a trailing dotted quad is the last two groups
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted !== null) {
    const v4 = ipv4Value(dotted[1] ?? '')
    text = text.slice(0, -(dotted[1] ?? '').length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n)
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); undefined when it is neither */
export function parseCidr (text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/')
  if (rest.length > 0) return undefined
  const parsed = parseAddress(address)
  if (parsed === undefined) return undefined
  const width = parsed.version === 4 ? 32 : 128
  const prefix = prefixText === undefined ? width : Number(prefixText)
  if (!/^\d+$/.test(prefixText ?? '0') || prefix > width) return undefined
  return { version: parsed.version, bits: parsed.value >> BigInt(width - prefix), prefix }
}

export function inCidr (address: { version: 4 | 6, value: bigint }, cidr: Cidr): boolean {
  if (address.version !== cidr.version) return false
  const width = address.version === 4 ? 32 : 128
  return address.value >> BigInt(width - cidr.prefix) === cidr.bits
}

const cidrs = (list: string[]): Cidr[] => list.map(text => {
  const cidr = parseCidr(text)
  if (cidr === undefined) throw new Error(`bad built-in range ${text}`)
  return cidr
})

const BLOCKED_V4 = cidrs([
  '0.0.0.0/8', // "this network", 0.0.0.0 reaches the host itself
  '10.0.0.0/8',
  '100.64.0.0/10', // shared address space (CGNAT; Alibaba's metadata at 100.100.100.200)
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local: cloud metadata
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments (Oracle's metadata at 192.0.0.192)
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4' // reserved, and broadcast
])

const BLOCKED_V6 = cidrs([
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible forms
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments (Teredo among them)
  '2001:db8::/32', // documentation
  'fc00::/7', // unique-local (fd00:ec2::254 is AWS's metadata)
  'fe80::/10', // link-local
  'fec0::/10', // site-local, deprecated
  'ff00::/8' // multicast
])

/** IPv6 ranges whose addresses carry an IPv4 address: where it sits in the 128 bits */
const EMBEDDING_V4: Array<{ range: Cidr, shift: bigint }> = [
  { range: cidrs(['::ffff:0:0/96'])[0]!, shift: 0n }, // IPv4-mapped
  { range: cidrs(['64:ff9b::/96'])[0]!, shift: 0n }, // NAT64
  { range: cidrs(['64:ff9b:1::/48'])[0]!, shift: 0n }, // local-use NAT64
  { range: cidrs(['2002::/16'])[0]!, shift: 80n } // 6to4
]

/** the address is one no tenant's URL may reach (unless OUTBOUND_ALLOW lets it) */
export function isBlockedAddress (address: { version: 4 | 6, value: bigint }): boolean {
  if (address.version === 4) return BLOCKED_V4.some(range => inCidr(address, range))
  for (const { range, shift } of EMBEDDING_V4) {
    if (inCidr(address, range)) return isBlockedAddress({ version: 4, value: (address.value >> shift) & 0xffffffffn })
  }
  return BLOCKED_V6.some(range => inCidr(address, range))
}
