/**
 * `webhook-service`: a Backstage webhook service that Backstage will refuse (URL, method, headers, inline token).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'webhook-service',
  summary: 'a Backstage webhook service that Backstage will refuse (URL, method, headers, inline token)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
