/**
 * `template-parse`: a template that Go's text/template cannot parse with Argo CD's functions (one bad template stops every notification).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'template-parse',
  summary: 'a template that Go\'s text/template cannot parse with Argo CD\'s functions (one bad template stops every notification)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
