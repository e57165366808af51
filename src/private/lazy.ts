/**
 * Modules the library loads only when a construct needs them. Loading
 * cdk8s-plus-28 takes about 90 ms and 10 MiB, and the generated ApplicationSet
 * types about 60 ms and 15 MiB, in every process that loads the library: a
 * fleet of Applications needs neither.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as kplus from 'cdk8s-plus-28';
import type * as yaml from 'yaml';
import type * as applicationSet from '../imports/argocd-applicationset-argoproj.io';

/** cdk8s-plus-28, for Secrets and NetworkPolicies. */
export function plus(): typeof kplus {
  return require('cdk8s-plus-28');
}

/** The generated ApplicationSet types. */
export function applicationSetModule(): typeof applicationSet {
  return require('../imports/argocd-applicationset-argoproj.io');
}

/** The yaml package, for YAML written by hand. */
export function yamlModule(): typeof yaml {
  return require('yaml');
}

/** A value computed on first use, then kept. */
export function memo<T>(produce: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = produce();
      done = true;
    }
    return value as T;
  };
}
