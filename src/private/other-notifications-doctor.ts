/**
 * The doctor's rules over the configuration a notifications construct writes,
 * when it carries parts of the user's own: what the doctor would report of
 * those parts in the deployed ConfigMap is reported at synth. The library's
 * own keys are proven by its tests and not judged here.
 *
 * The doctor is loaded only for a configuration with such parts.
 */
import type { ArgoCdVersion } from '../argocd-version';

/** The doctor's errors and warnings about the user's keys, as sentences. */
export interface OtherConfigurationFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Runs the doctor over the whole configuration (`data`, as the ConfigMap
 * holds it) and keeps the findings about `keys`, the user's.
 */
export function otherConfigurationFindings(
  data: Record<string, string>,
  keys: readonly string[],
  contextKeys: readonly string[],
  argocdVersion: ArgoCdVersion | undefined,
): OtherConfigurationFindings {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parseSource } = require('../cli/load') as typeof import('../cli/load');
  const { runDoctor } = require('../doctor/doctor') as typeof import('../doctor/doctor');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const own = new Set([...keys, 'subscriptions']);
  // In context, only what is said of the user's keys (argocdUrl is the library's).
  const ownContext = (message: string) => contextKeys.some(k => k !== 'argocdUrl' && message.includes(k));
  const manifest = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' },
    data,
  });
  const result = runDoctor([parseSource('argocd-notifications-cm', manifest)], { argocdVersion });
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const finding of result.findings) {
    // Only findings placed on the user's keys: the library's keys are its own.
    const places = finding.places.filter(p => {
      if (p.key === undefined) return false;
      const key = p.key.split(/[\s[]/)[0];
      return own.has(key) || (key.startsWith('context') && ownContext(p.message));
    });
    if (places.length === 0) continue;
    // Unguarded reads in conditions are the library's own check, with the same advice.
    if (finding.rule === 'nil-guard' && places.every(p => p.key!.startsWith('trigger.'))) continue;
    const where = [...new Set(places.map(p => p.key!))].filter(k => !finding.message.includes(k));
    const text = `${where.length > 0 ? `${where.join(', ')}: ` : ''}${finding.message}, so ${finding.impact}: ${finding.fix} (doctor rule ${finding.rule})`;
    (finding.severity === 'error' ? errors : warnings).push(text);
  }
  return { errors, warnings };
}
