/**
 * The `secret-key` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { checkSecretKey } from '../../private/validation';
import { Inventory, SecretDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { nameList, quoted, secretRefs, serviceHeaders } from '../wiring';

export const meta: RuleMeta = {
  id: 'secret-key',
  severities: ['error'],
  summary: 'a `$key` that `argocd-notifications-secret` lacks (the header goes out as `Bearer $key`: 401), or a key `$key` cannot reference; only when the Secret is among the inputs',
  description: [
    "notifications-engine replaces every match of `[$][\\w-]+` in a service's YAML with the value of that key of `argocd-notifications-secret`",
    '(`pkg/api/config.go`, `replaceStringSecret`). A missing key only logs a warning and leaves the reference as it is. A `.` (or any character',
    'outside `[A-Za-z0-9_-]`) ends the reference, so a key such as `backstage.token` cannot be referenced at all: `$backstage.token` reads key',
    '`backstage`.',
    '',
    'The rule runs only when the Secret is among the inputs; its key names are read, never its values.',
  ],
  runtime: '`Authorization: Bearer $backstage-token` goes out literally, and Backstage answers 401 to every notification.',
  remediation: 'Add the key to `argocd-notifications-secret`, or reference the key it has; name keys with letters, digits, `_` and `-` only.',
};

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      const secret = inventory.secretFor(config);
      if (!secret) continue;
      const keys = new Set(secret.keys.map(k => k.key));
      for (const service of config.services) {
        const authLines = new Set(serviceHeaders(service).filter(h => /^authorization$/i.test(h.name.trim())).map(h => h.line));
        for (const ref of secretRefs(service)) {
          if (keys.has(ref.key)) continue;
          const where = config.where(ref.line);
          const inHeader = authLines.has(ref.line);
          // A key the reference cannot express: `$backstage.token` for key `backstage.token`.
          const full = ref.key + ref.rest;
          const unreachable = secret.keys.find(
            k => k.key !== ref.key && full.startsWith(k.key) && k.key.startsWith(ref.key) && !!checkSecretKey(k.key),
          );
          if (unreachable) {
            const fixed = unreachable.key.replace(/[^\w-]/g, '-');
            report({
              severity: 'error',
              where,
              key: service.entry.key,
              message:
                `${quoted(`$${unreachable.key}`)} in ${service.entry.key} reads key ${quoted(ref.key)}: Argo CD's $key references stop at the first character outside ` +
                `[A-Za-z0-9_-], so key ${quoted(unreachable.key)} of ${secretLabel(secret)} cannot be referenced`,
              impact: leftInPlace(`$${unreachable.key}`, inHeader),
              fix: `rename the secret key to ${quoted(fixed)} (letters, digits, '_' and '-' only) and reference it as $${fixed}`,
            });
            continue;
          }
          report({
            severity: 'error',
            where,
            key: service.entry.key,
            message: `${service.entry.key} references ${quoted(ref.ref)}, but ${secretLabel(secret)} has no key ${quoted(ref.key)}` +
              (secret.keys.length > 0 ? ` (its keys: ${nameList(secret.keys.map(k => k.key))})` : ' (it has no keys)'),
            impact: leftInPlace(ref.ref, inHeader),
            fix: closest(ref.key, [...keys])
              ? `reference the key the secret has, $${closest(ref.key, [...keys])}, or add key ${quoted(ref.key)} to the secret`
              : `add key ${quoted(ref.key)} to the secret (the value Backstage expects), or reference a key it has`,
          });
        }
      }
    }
  },
};

function secretLabel(secret: SecretDef): string {
  return secret.object.label;
}

function leftInPlace(ref: string, inHeader: boolean): string {
  return `Argo CD only logs a warning and sends the text ${quoted(ref)} as it is` +
    (inHeader ? ' in the authorization header: Backstage answers 401 and every notification is lost' : ': the service gets the reference instead of the secret value');
}

/** A key that differs from `key` only by case or `-`/`_`/`.`. */
function closest(key: string, keys: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  return keys.find(k => norm(k) === norm(key) && !checkSecretKey(k));
}
