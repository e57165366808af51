/**
 * `subscription`: a subscription that names an undefined trigger or service, or a key Kubernetes or Argo CD cannot read.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'subscription',
  summary: 'a subscription that names an undefined trigger or service, or a key Kubernetes or Argo CD cannot read',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};
