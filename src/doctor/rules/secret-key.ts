/**
 * `secret-key`: a $key in a service that argocd-notifications-secret lacks, or cannot reference.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'secret-key',
  summary: 'a $key in a service that argocd-notifications-secret lacks, or cannot reference',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
