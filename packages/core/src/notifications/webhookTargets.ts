import { isIP } from "node:net";
import { type FieldProblem, ValidationError } from "../errors.ts";

export type AddressClass = "loopback" | "metadata" | "link_local" | "unspecified" | "private" | "public";

/** A target URL as the rules see it: its scheme and whether its host is a DNS name or an address. */
export interface WebhookTarget {
  url: URL;
  https: boolean;
  /** The host without IPv6 brackets. */
  host: string;
  hostIsName: boolean;
}

const METADATA = new Set(["169.254.169.254", "fd00:ec2:0:0:0:0:0:254"]);

function ipv4Octets(address: string): number[] {
  return address.split(".").map(Number);
}

/** The eight hextets of an IPv6 address, written out (an IPv4 tail becomes two hextets). */
function ipv6Hextets(address: string): number[] {
  let text = address.toLowerCase().split("%")[0] ?? "";
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((h) => Number.parseInt(h, 16));
}

function classifyIpv4(address: string): AddressClass {
  const [a = 0, b = 0] = ipv4Octets(address);
  if (address === "169.254.169.254") return "metadata";
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link_local";
  if (a === 0) return "unspecified";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) {
    return "private";
  }
  return "public";
}

/** Which kind of address this is, for the target rules; IPv4-mapped IPv6 addresses count as their IPv4 one. */
export function classifyAddress(address: string): AddressClass {
  const version = isIP(address);
  if (version === 4) return classifyIpv4(address);
  if (version !== 6) return "unspecified";
  const h = ipv6Hextets(address);
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) {
    const [, , , , , , hi = 0, lo = 0] = h;
    return classifyIpv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (METADATA.has(h.map((x) => x.toString(16)).join(":"))) return "metadata";
  if (h.slice(0, 7).every((x) => x === 0)) return h[7] === 1 ? "loopback" : "unspecified";
  const first = h[0] ?? 0;
  if ((first & 0xffc0) === 0xfe80) return "link_local";
  if ((first & 0xfe00) === 0xfc00) return "private";
  return "public";
}

/**
 * Why the control plane will not post to this address for this target, or null when it may.
 * Checked when a subscription is saved and again on every delivery, on what the name resolves to then.
 */
export function addressRefusal(target: Pick<WebhookTarget, "https" | "hostIsName">, address: string): string | null {
  const kind = classifyAddress(address);
  if (kind === "metadata") return `${address} is the cloud metadata service`;
  if (kind === "link_local") return `${address} is link-local`;
  if (kind === "unspecified") return `${address} is not an address to post to`;
  if (kind === "loopback") return null;
  if (!target.https) return `plain http is allowed only to loopback, and ${address} is not loopback`;
  if (kind === "private" && !target.hostIsName) {
    return `${address} is a private address; a private receiver needs https to a DNS name`;
  }
  return null;
}

/** The target of a URL, or the field problems that refuse it (before any DNS look-up). */
export function parseWebhookTarget(raw: string, field = "/url"): WebhookTarget | FieldProblem[] {
  const problem = (rule: string, message: string): FieldProblem[] => [{ field, rule, message }];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem("url", "is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return problem("scheme", "must be https (or http to loopback)");
  if (url.username || url.password) return problem("credentials", "must not carry a user name or password");
  if (url.hash) return problem("fragment", "must not have a #fragment");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const target = { url, https: url.protocol === "https:", host, hostIsName: isIP(host) === 0 };
  if (!target.hostIsName) {
    const refusal = addressRefusal(target, host);
    if (refusal) return problem("address", refusal);
  }
  return target;
}

/** The refusal of the first resolved address that is refused; a name must be safe whichever address is used. */
export function resolvedRefusal(target: WebhookTarget, addresses: string[]): string | null {
  if (addresses.length === 0) return `${target.host} does not resolve`;
  for (const address of addresses) {
    const refusal = addressRefusal(target, address);
    if (refusal) return `${target.host} resolves to ${address}: ${refusal}`;
  }
  return null;
}

/** Resolves a host name to its addresses (DNS); injected, so the rules stay free of I/O. */
export type ResolveHost = (host: string) => Promise<string[]>;

/**
 * The check made when a subscription is saved: the URL's shape, then every address its name
 * resolves to now. Delivery checks again on the addresses it connects to.
 */
export async function checkWebhookTarget(raw: string, resolve: ResolveHost): Promise<void> {
  const target = parseWebhookTarget(raw);
  if (Array.isArray(target)) throw new ValidationError(target, "webhook_target_refused");
  if (!target.hostIsName) return;
  let addresses: string[];
  try {
    addresses = await resolve(target.host);
  } catch (error) {
    throw new ValidationError(
      [{ field: "/url", rule: "resolvable", message: `${target.host} does not resolve (${(error as Error).message})` }],
      "webhook_target_refused",
    );
  }
  const refusal = resolvedRefusal(target, addresses);
  if (refusal) {
    throw new ValidationError([{ field: "/url", rule: "address", message: refusal }], "webhook_target_refused");
  }
}
