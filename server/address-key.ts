/**
 * The key an address is counted under by every per-address limit and connection cap: one
 * spelling per address, and one key per IPv6 /64. An IPv4-mapped IPv6 address counts as its
 * IPv4 address; IPv4 and IPv6 are written canonically (so `::FFFF:10.0.0.1`, `10.0.0.1` and
 * an expanded IPv6 form cannot each get a budget of their own); an IPv6 address counts as
 * its /64, the block one subscriber is given (a client holding a /64 has 2^64 addresses).
 * Anything that is not an IP address (a proxy forwarding junk) is counted as written, cut
 * to 64 characters.
 */
import ipaddr from "ipaddr.js";

const MAX_RAW = 64;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * @example addressKey("::ffff:10.0.0.1") // "10.0.0.1"
 * @example addressKey("2001:DB8:1:2:0:0:0:9") // "2001:db8:1:2::/64"
 */
export function addressKey(address: string): string {
  const text = address.trim();
  // Four decimal parts are read as decimal, zeros in front or not ("010.046.0.1" = "10.46.0.1"; ipaddr.js would read octal).
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    const octets = quad.slice(1).map(Number);
    if (octets.every((o) => o <= 255)) return octets.join(".");
  }
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(text); // one parse (isValid then process would parse twice, on every request)
  } catch {
    return text.slice(0, MAX_RAW);
  }
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
