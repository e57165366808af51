/**
 * `yaml`: text that the YAML parsers of Kubernetes reject or read differently.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'yaml',
  summary: 'text that the YAML parsers of Kubernetes reject or read differently',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
