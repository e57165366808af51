/**
 * `no-webhook-section`: a template sent to a webhook service without a webhook.<service> section (sent as GET).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'no-webhook-section',
  summary: 'a template sent to a webhook service without a webhook.<service> section (sent as GET)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
