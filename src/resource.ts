import { ApiObject, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * A construct of this library that writes one Kubernetes object, as
 * cdk8s-plus's `Resource`: the object is `apiObject`, its child at id
 * `Resource` (or the object of the cdk8s-plus construct there), so that
 * `ApiObject.of(construct)` finds it too; its metadata, name, API version and
 * kind are read through the construct.
 *
 * `ArgoCdBackstageNotifications` reaches its object the same way, and a
 * `NotifyingApplication` is its API object itself.
 */
export abstract class NotificationsResource extends Construct {
  /** The API object this construct writes, at id `Resource`. */
  public abstract readonly apiObject: ApiObject;

  /**
   * The object's metadata: labels and annotations added with `addLabel` and
   * `addAnnotation` are written (and checked at synth where the construct
   * checks its object's metadata).
   */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The object's name. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** The object's API version, for example `monitoring.coreos.com/v1`. */
  public get apiVersion(): string {
    return this.apiObject.apiVersion;
  }

  /** The object's kind, for example `PrometheusRule`. */
  public get kind(): string {
    return this.apiObject.kind;
  }
}
