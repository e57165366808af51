/**
 * `operator-overwrite`: an argocd-notifications-cm that the argocd-operator reverts.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'operator-overwrite',
  summary: 'an argocd-notifications-cm that the argocd-operator reverts',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
