/**
 * `json-escaping`: a JSON webhook body that interpolates a value that can hold quotes, backslashes or newlines without toJson.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'json-escaping',
  summary: 'a JSON webhook body that interpolates a value that can hold quotes, backslashes or newlines without toJson',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
