import { ApiObjectMetadataDefinition, ApiObjectMetadataDefinitionOptions } from 'cdk8s';

/** The parts of an object's metadata that the synth checks read. */
export interface CheckedParts {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly finalizers: readonly unknown[];
}

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_FINALIZERS: readonly unknown[] = Object.freeze([]);

/**
 * The metadata of an API object the library makes in fleets (an
 * Application): cdk8s's own definition, which also keeps the labels,
 * annotations and finalizers it was made with and notes whether any of its
 * methods changed them since. The synth checks read those parts as made,
 * without resolving the whole metadata (validating a fleet would otherwise
 * resolve each object's metadata twice, once to check it and once to write
 * it), and resolve it with `toJson()` when it was changed, or holds values
 * that resolve only at synth.
 *
 * Written through cdk8s's public API only: the constructor and methods of
 * `ApiObjectMetadataDefinition`, whose output it does not change.
 */
export class CheckedMetadata extends ApiObjectMetadataDefinition {
  /** The parts as made, when they are plain strings; undefined once changed or when they hold tokens. */
  private made?: CheckedParts;

  /**
   * @param options as for `ApiObjectMetadataDefinition`; the labels and
   * annotations objects must be the caller's own, not changed afterwards
   * (cdk8s copies them; these are kept as given)
   */
  constructor(options: ApiObjectMetadataDefinitionOptions) {
    super(options);
    const labels = options.labels ?? NONE;
    const annotations = options.annotations ?? NONE;
    const finalizers = options.finalizers ?? NO_FINALIZERS;
    if (plain(labels) && plain(annotations) && finalizers.every(f => typeof f === 'string')) {
      this.made = {
        labels: empty(labels) ? NONE : labels,
        annotations: empty(annotations) ? NONE : annotations,
        finalizers: finalizers.length === 0 ? NO_FINALIZERS : [...finalizers],
      };
    }
  }

  public addLabel(key: string, value: string): void {
    this.made = undefined;
    super.addLabel(key, value);
  }

  public addAnnotation(key: string, value: string): void {
    this.made = undefined;
    super.addAnnotation(key, value);
  }

  public addFinalizers(...finalizers: string[]): void {
    this.made = undefined;
    super.addFinalizers(...finalizers);
  }

  public add(key: string, value: any): void {
    this.made = undefined;
    super.add(key, value);
  }

  /** The labels, annotations and finalizers the object is written with, resolved only when it must be. */
  public checkedParts(): CheckedParts {
    if (this.made !== undefined) return this.made;
    const resolved = this.toJson();
    return { labels: resolved.labels ?? NONE, annotations: resolved.annotations ?? NONE, finalizers: resolved.finalizers ?? NO_FINALIZERS };
  }
}

/** Whether a record holds only strings (no token that resolves at synth). */
function plain(record: { readonly [key: string]: unknown }): record is Record<string, string> {
  for (const key in record) if (typeof record[key] !== 'string') return false;
  return true;
}

function empty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}
