/**
 * `external-access`: a Backstage static token entry that stops the backend or weakens it.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'external-access',
  summary: 'a Backstage static token entry that stops the backend or weakens it',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
