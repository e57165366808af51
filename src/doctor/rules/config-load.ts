/**
 * `config-load`: a configuration value Argo CD cannot load (every notification stops).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'config-load',
  summary: 'a configuration value Argo CD cannot load (every notification stops)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
