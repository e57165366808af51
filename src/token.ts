import { Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from './imports/external-secrets-external-secrets.io';
import { SYNC_OPTIONS, SYNC_WAVE, WAVE_TOKEN } from './private/argocd-sync';
import { memo, plus } from './private/lazy';
import { NOTIFICATIONS_SECRET_NAME } from './private/names';
import { claimObject, claimSecretKey } from './private/object-registry';
import { isPlaceholder } from './private/placeholder';
import { checkObjectName, checkSecretKey } from './private/validation';
import { addWarning, WARNING_IDS } from './private/warnings';
import { ExternalSecretStoreKind } from './secret-store';

/** The key the Backstage token is stored under by default. */
const DEFAULT_TOKEN_KEY = 'backstage-token';

/** Minimum length of a token given with `fromValue`. */
const MIN_TOKEN_LENGTH = 32;


/**
 * Options for `BackstageToken.fromSecret`.
 */
export interface SecretTokenOptions {
  /**
   * The Secret holding the token, in the Argo CD namespace.
   *
   * Argo CD's notifications controller reads `argocd-notifications-secret`
   * unless it runs with `--secret-name`; the OpenShift GitOps operator always
   * uses `argocd-notifications-secret`.
   *
   * @default "argocd-notifications-secret"
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/
   */
  readonly secretName?: string;

  /**
   * The key of the token in the Secret. Letters, digits, '_' and '-' only:
   * Argo CD's `$key` reference stops at any other character.
   *
   * @default "backstage-token"
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/
   */
  readonly key?: string;
}

/**
 * Options for `BackstageToken.fromValue`.
 */
export interface ValueTokenOptions {
  /**
   * The key of the token in `argocd-notifications-secret`.
   *
   * @default "backstage-token"
   */
  readonly key?: string;
}

/**
 * Options for `BackstageToken.fromExternalSecret`.
 */
export interface ExternalSecretTokenOptions {
  /**
   * The External Secrets Operator store to read the token from.
   *
   * @see https://external-secrets.io/latest/api/secretstore/
   */
  readonly storeName: string;

  /**
   * The kind of the store.
   *
   * @default ExternalSecretStoreKind.SECRET_STORE
   * @see https://external-secrets.io/latest/api/clustersecretstore/
   */
  readonly storeKind?: ExternalSecretStoreKind;

  /**
   * The key of the token in the external secret manager.
   *
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  readonly remoteKey: string;

  /**
   * The property of the remote secret that holds the token, for secrets that
   * are JSON objects.
   *
   * @default - the whole remote value
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  readonly remoteProperty?: string;

  /**
   * The key of the token in `argocd-notifications-secret`.
   *
   * @default "backstage-token"
   */
  readonly key?: string;

  /**
   * How often the operator refreshes the Secret from the store.
   *
   * @default Duration.hours(1)
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  readonly refreshInterval?: Duration;
}

/** Annotations of every token object: before the config, and never pruned. */
const TOKEN_ANNOTATIONS = { [SYNC_WAVE]: WAVE_TOKEN, [SYNC_OPTIONS]: 'Prune=false' };

/**
 * Where Argo CD finds the static token it presents to Backstage.
 */
export abstract class BackstageToken {
  /**
   * The Secret Argo CD's notifications controller resolves `$key` references
   * from, and the default of `fromSecret`: `argocd-notifications-secret`.
   */
  public static readonly DEFAULT_SECRET_NAME: string = NOTIFICATIONS_SECRET_NAME;

  /** The key the token is stored under by default: `backstage-token`. */
  public static readonly DEFAULT_KEY: string = DEFAULT_TOKEN_KEY;

  /**
   * A token that already exists in a Secret, created outside this app (by hand,
   * a sealed secret or a secret manager). Nothing is synthesized: the token
   * never enters the manifests that go to git.
   */
  public static fromSecret(options: SecretTokenOptions = {}): BackstageToken {
    return new SecretReferenceToken(options.secretName ?? NOTIFICATIONS_SECRET_NAME, options.key ?? DEFAULT_TOKEN_KEY);
  }

  /**
   * A token given in the app itself. This synthesizes
   * `argocd-notifications-secret` with the token in plain text, and warns at
   * synth time: anyone who can read the manifests (and the git repository they
   * are committed to) can post notifications. Prefer `fromSecret`.
   *
   * The token must have at least 32 characters, no whitespace, and not be a
   * documentation placeholder.
   *
   * @param token the token
   */
  public static fromValue(token: string, options: ValueTokenOptions = {}): BackstageToken {
    return new PlainValueToken(token, options.key ?? DEFAULT_TOKEN_KEY);
  }

  /**
   * A token kept in a secret manager and synced into
   * `argocd-notifications-secret` by the External Secrets Operator: this
   * synthesizes an `ExternalSecret` (external-secrets.io/v1) that merges the
   * key into the Secret (creating it if missing) and never contains the token.
   */
  public static fromExternalSecret(options: ExternalSecretTokenOptions): BackstageToken {
    return new ExternalSecretToken(options);
  }

  /** The Secret that holds the token. */
  public abstract readonly secretName: string;
  /** The key of the token in the Secret. */
  public abstract readonly key: string;
  /** Whether the token's value is written into the synthesized manifests. */
  public abstract readonly inManifests: boolean;

  /**
   * Problems with this token's definition.
   * @internal
   */
  public abstract _problems(): string[];

  /**
   * Creates what the token needs in the Argo CD namespace, and returns the
   * Secret that holds it, made on first use (a reference to an existing
   * Secret needs cdk8s-plus, which is loaded only then).
   * @internal
   */
  public abstract _bind(scope: Construct, namespace: string): () => kplus.ISecret;

  /**
   * Creates what the token needs in Backstage's namespace: a Secret whose key
   * `envVar` holds the token.
   * @internal
   */
  public _bindBackstage(scope: Construct, _namespace: string, secretName: string, _envVar: string): () => kplus.ISecret {
    return memo(() => plus().Secret.fromSecretName(scope, 'TokenSecret', secretName));
  }
}

class SecretReferenceToken extends BackstageToken {
  public readonly inManifests = false;

  constructor(public readonly secretName: string, public readonly key: string) {
    super();
  }

  public _problems(): string[] {
    return [checkObjectName('token secret name', this.secretName), checkSecretKey(this.key)].filter(
      (p): p is string => p !== undefined,
    );
  }

  public _bind(scope: Construct, _namespace: string): () => kplus.ISecret {
    return memo(() => plus().Secret.fromSecretName(scope, 'TokenSecret', this.secretName));
  }
}

class PlainValueToken extends BackstageToken {
  public readonly inManifests = true;
  public readonly secretName = NOTIFICATIONS_SECRET_NAME;

  constructor(private readonly value: string, public readonly key: string) {
    super();
  }

  public _problems(): string[] {
    const problems: string[] = [];
    const key = checkSecretKey(this.key);
    if (key) problems.push(key);
    if (/\s/.test(this.value)) {
      problems.push('the token given to BackstageToken.fromValue contains whitespace, which Backstage rejects at startup: generate one with "openssl rand -base64 48 | tr -d \'\\n\'"');
    } else if (!/^[\x21-\x7e]*$/.test(this.value)) {
      // Node reads header values as latin1: Backstage would compare a mangled
      // token and answer 401 "Illegal token".
      problems.push('the token given to BackstageToken.fromValue contains a character outside printable ASCII, which does not survive an HTTP header (Backstage answers 401 "Illegal token"): generate one with "openssl rand -base64 48"');
    }
    if (this.value.length < MIN_TOKEN_LENGTH) {
      problems.push(`the token given to BackstageToken.fromValue has ${this.value.length} characters: use at least ${MIN_TOKEN_LENGTH}, for example from "openssl rand -base64 48"`);
    }
    if (isPlaceholder(this.value)) {
      problems.push('the token given to BackstageToken.fromValue looks like a documentation placeholder: generate a real one, for example with "openssl rand -base64 48"');
    }
    return problems;
  }

  public _bind(scope: Construct, namespace: string): () => kplus.ISecret {
    const secret = this.plainSecret(scope, namespace, this.secretName, this.key);
    return () => secret;
  }

  public _bindBackstage(scope: Construct, namespace: string, secretName: string, envVar: string): () => kplus.ISecret {
    const secret = this.plainSecret(scope, namespace, secretName, envVar);
    return () => secret;
  }

  private plainSecret(scope: Construct, namespace: string, name: string, key: string): kplus.ISecret {
    claimObject(scope, 'v1', 'Secret', namespace, name);
    claimSecretKey(scope, namespace, name, key);
    const secret = new (plus().Secret)(scope, 'TokenSecret', {
      metadata: { name, namespace, annotations: TOKEN_ANNOTATIONS },
      stringData: { [key]: this.value },
    });
    addWarning(
      secret,
      WARNING_IDS.plaintextToken,
      `the Backstage token is written in plain text into the manifests of Secret ${namespace}/${name}: anyone who can read them, or the git repository they are committed to, can post notifications. Use BackstageToken.fromSecret() and create the Secret outside git`,
    );
    return secret;
  }
}

class ExternalSecretToken extends BackstageToken {
  public readonly inManifests = false;
  public readonly secretName = NOTIFICATIONS_SECRET_NAME;
  public readonly key: string;

  constructor(private readonly options: ExternalSecretTokenOptions) {
    super();
    this.key = options.key ?? DEFAULT_TOKEN_KEY;
  }

  public _problems(): string[] {
    const problems: string[] = [];
    const key = checkSecretKey(this.key);
    if (key) problems.push(key);
    const store = checkObjectName('external secret store name', this.options.storeName);
    if (store) problems.push(store);
    if (this.options.remoteKey.trim() === '') {
      problems.push('the remoteKey given to BackstageToken.fromExternalSecret is empty: name the token in your secret manager');
    }
    const refresh = this.options.refreshInterval ? this.options.refreshInterval.toMilliseconds({ integral: false }) / 1000 : undefined;
    if (refresh !== undefined && (!Number.isInteger(refresh) || refresh < 1)) {
      problems.push('the refreshInterval given to BackstageToken.fromExternalSecret must be a whole number of seconds, at least 1');
    }
    return problems;
  }

  public _bind(scope: Construct, namespace: string): () => kplus.ISecret {
    return this.externalSecret(scope, namespace, this.secretName, this.key);
  }

  public _bindBackstage(scope: Construct, namespace: string, secretName: string, envVar: string): () => kplus.ISecret {
    return this.externalSecret(scope, namespace, secretName, envVar);
  }

  private externalSecret(scope: Construct, namespace: string, target: string, key: string): () => kplus.ISecret {
    const kind = this.options.storeKind ?? ExternalSecretStoreKind.SECRET_STORE;
    const name = `${target}-${key.toLowerCase().replace(/_/g, '-')}`.slice(0, 253).replace(/-+$/, '');
    claimObject(scope, ExternalSecret.GVK.apiVersion, ExternalSecret.GVK.kind, namespace, name);
    claimSecretKey(scope, namespace, target, key);
    new ExternalSecret(scope, 'TokenExternalSecret', {
      metadata: { name, namespace, annotations: TOKEN_ANNOTATIONS },
      spec: {
        refreshInterval: `${(this.options.refreshInterval ?? Duration.hours(1)).toMilliseconds({ integral: false }) / 1000}s`,
        secretStoreRef: {
          name: this.options.storeName,
          kind: kind === ExternalSecretStoreKind.CLUSTER_SECRET_STORE
            ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE
            : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
        },
        target: {
          name: target,
          // Merge into the Secret Argo CD's install (or the operator) creates,
          // keeping its other keys; create it if it is missing.
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.CREATE_OR_MERGE,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: [{ secretKey: key, remoteRef: { key: this.options.remoteKey, property: this.options.remoteProperty } }],
      },
    });
    return memo(() => plus().Secret.fromSecretName(scope, 'TokenSecret', target));
  }
}
