/**
 * Whether a host of a reserved example domain (`gitlab.example.com`) is meant:
 * lab and kind clusters run on such names on purpose, resolving them through
 * a CoreDNS rewrite or a hosts entry. The inputs show that intent when a
 * comment beside the value names the host or the DNS that serves it, or when
 * another file of the input uses the same host (an Ingress, a Service's
 * external name, the DNS configuration itself).
 */
import { Inventory } from './inventory';
import { Where } from './model';

/** Comments about name resolution: `CoreDNS rewrite`, `/etc/hosts`, `dns`. */
const DNS_WORDS = /\b(core-?dns|dns|rewrite|hosts?\s+(file|entry)|\/etc\/hosts|resolv|ingress)\b/i;

/** The lines of a file, by its name as the inventory holds it. */
function linesOf(inventory: Inventory, file: string): string[] | undefined {
  return inventory.sources.find(s => s.file === file)?.text.split('\n');
}

/**
 * Why the inputs show that `host` is meant rather than a placeholder, or
 * undefined: a comment on the value's line or on the three lines above it,
 * or another file of the input that uses the host.
 */
export function hostIntent(inventory: Inventory, where: Where, host: string): string | undefined {
  const lines = linesOf(inventory, where.file);
  if (lines) {
    for (let n = where.line; n >= Math.max(1, where.line - 3); n--) {
      const line = lines[n - 1] ?? '';
      const hash = line.search(/(^|\s)#/);
      if (hash < 0) continue;
      const comment = line.slice(hash);
      if (comment.toLowerCase().includes(host) || DNS_WORDS.test(comment)) return `a comment at line ${n} says it is meant`;
    }
  }
  const other = inventory.sources.find(s => s.file !== where.file && s.text.toLowerCase().includes(host));
  return other ? `${other.file} uses the same host` : undefined;
}
