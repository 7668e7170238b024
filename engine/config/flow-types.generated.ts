/* Generated from schemas/flow.schema.json by `npm run gen:types`. Do not edit: edit the schema. */

/**
 * A name unique among documents of the same kind: lower case letters, digits, - and _.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Name".
 */
export type Name = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "SecretRef".
 */
export type SecretRef = string;
/**
 * A system Ferry talks to.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Connection".
 */
export type Connection = {
  [k: string]: unknown;
};
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef1 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration1 = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef2 = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef3 = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef4 = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef5 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration2 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration3 = string;
/**
 * A JSONata expression.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Jsonata".
 */
export type Jsonata = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration4 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration5 = string;
/**
 * A secret reference resolved at run time: ${secret:<provider>:<path>[#key]}. Literal values are refused.
 */
export type SecretRef6 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration6 = string;
/**
 * An Odoo domain in prefix notation: terms [field, operator, value] joined by '&' (implicit), '|' and '!'.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Domain".
 */
export type Domain = unknown[];
/**
 * A JSONata expression.
 */
export type Jsonata1 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration7 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration8 = string;
/**
 * A duration: a whole number followed by ms, s, m or h.
 */
export type Duration9 = string;

export interface FlowFileTypes {
  Name?: Name;
  Duration?: Duration;
  SecretRef?: SecretRef;
  Connection?: Connection;
  OdooConnection?: OdooConnection;
  HttpConnection?: HttpConnection;
  HttpAuth?: HttpAuth;
  Jsonata?: Jsonata;
  Flow?: Flow;
  Source?: Source;
  Domain?: Domain;
  Payload?: Payload;
  PayloadVersion?: PayloadVersion;
  Target?: Target;
  Delivery?: Delivery;
}
/**
 * An Odoo database, reached as a dedicated service account with an API key.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "OdooConnection".
 */
export interface OdooConnection {
  /**
   * This document defines a connection.
   */
  kind: 'Connection';
  name: Name;
  /**
   * An Odoo server.
   */
  type: 'odoo';
  /**
   * Base URL of the Odoo server.
   */
  url: string;
  /**
   * The Odoo database name.
   */
  database: string;
  /**
   * The service account's login: a dedicated user per integration, never admin.
   */
  login: string;
  api_key: SecretRef1;
  /**
   * Wire protocol: auto picks JSON-2 on Odoo 19+, JSON-RPC before.
   */
  protocol?: 'auto' | 'jsonrpc' | 'xmlrpc' | 'json2';
  /**
   * Allow an administrator login. Ferry refuses one by default and warns at every start when allowed.
   */
  allow_admin?: boolean;
  timeout?: Duration1;
}
/**
 * An HTTP endpoint: a 3PL, a shop, a carrier, a CRM.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "HttpConnection".
 */
export interface HttpConnection {
  /**
   * This document defines a connection.
   */
  kind: 'Connection';
  name: Name;
  /**
   * An HTTP endpoint.
   */
  type: 'http';
  /**
   * Base URL that request paths are appended to.
   */
  base_url: string;
  auth?: HttpAuth;
  timeout?: Duration2;
  connect_timeout?: Duration3;
  /**
   * Requests in flight at once to this endpoint.
   */
  concurrency?: number;
  /**
   * Token-bucket rate limit for this endpoint.
   */
  rate_limit?: {
    /**
     * Sustained requests per second.
     */
    per_second: number;
    /**
     * Requests allowed at once after a quiet period.
     */
    burst?: number;
  };
  /**
   * Header that carries the idempotency key.
   */
  idempotency_header?: string;
  /**
   * Fixed headers sent with every request (no secrets here: use auth).
   */
  headers?: {
    [k: string]: string;
  };
}
/**
 * How Ferry authenticates to the endpoint. Exactly one method.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "HttpAuth".
 */
export interface HttpAuth {
  bearer?: SecretRef2;
  /**
   * HTTP basic authentication.
   */
  basic?: {
    /**
     * User name (not secret).
     */
    username: string;
    password: SecretRef3;
  };
  /**
   * An API key sent in a header.
   */
  api_key?: {
    /**
     * Header name.
     */
    header: string;
    value: SecretRef4;
  };
  /**
   * OAuth2 client credentials; the token is cached until it expires.
   */
  oauth2?: {
    /**
     * Token endpoint.
     */
    token_url: string;
    /**
     * Client id (not secret).
     */
    client_id: string;
    client_secret: SecretRef5;
    /**
     * Space-separated scopes.
     */
    scope?: string;
  };
}
/**
 * Reads records of an Odoo model, renders each into a versioned payload and delivers it to an HTTP endpoint.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Flow".
 */
export interface Flow {
  /**
   * This document defines a flow.
   */
  kind: 'Flow';
  name: Name;
  /**
   * What the flow is for, for operators.
   */
  description?: string;
  source: Source;
  payload: Payload;
  target: Target;
  delivery?: Delivery;
  /**
   * Fields written to the source record after a successful delivery: field name → JSONata expression over $correlation_id, $response, $version and the record.
   */
  write_back?: {
    [k: string]: Jsonata;
  };
  /**
   * How dead letters are surfaced besides the store and `ferry dlq`.
   */
  dead_letter?: {
    /**
     * Surface the failure on the Odoo record itself.
     */
    odoo?: {
      /**
       * Post a note in the record's chatter.
       */
      chatter?: boolean;
      /**
       * Schedule an activity for an operator.
       */
      activity?: boolean;
      /**
       * Login of the operator who gets the activity (default: the record's responsible).
       */
      activity_user?: string;
    };
  };
}
/**
 * Where records come from: an Odoo model read through a connection.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Source".
 */
export interface Source {
  /**
   * Name of an Odoo connection.
   */
  connection: string;
  /**
   * The Odoo model to read.
   */
  model: string;
  /**
   * create: each record is delivered once (keyed by id). sync: a record is delivered again when a field the flow reads changes (keyed by content).
   */
  mode?: 'create' | 'sync';
  /**
   * What makes Ferry look for records.
   */
  trigger?: {
    /**
     * Poll the model for records written since the cursor.
     */
    poll?: {
      every?: Duration4;
      /**
       * Records per page (200–500 is the sweet spot on a real Odoo).
       */
      page_size?: number;
      overlap?: Duration5;
    };
    /**
     * Accept Odoo's 'Send Webhook Notification' posts as hints to re-read the record; a slow poll stays on as a safety net.
     */
    webhook?: {
      /**
       * URL path the webhook posts to.
       */
      path: string;
      token: SecretRef6;
      safety_poll?: Duration6;
    };
  };
  domain?: Domain;
  /**
   * Fields of the model the flow reads. They also make the content hash of sync flows.
   *
   * @minItems 1
   */
  fields: [string, ...string[]];
  /**
   * Related records to read, one batched read per relation per page: dotted relation path → fields to read.
   */
  expand?: {
    [k: string]: {
      /**
       * Fields of the related model.
       *
       * @minItems 1
       */
      fields: [string, ...string[]];
    };
  };
  /**
   * Field that names a record for operators and `ferry trace` (unique, e.g. the picking name).
   */
  record_name?: string;
}
/**
 * Versioned payloads: each version a JSONata transform and a JSON Schema contract. Cutover and rollback are an edit of `version`.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Payload".
 */
export interface Payload {
  /**
   * The active version: what is sent.
   */
  version: string;
  /**
   * A version also rendered and validated for every record, never sent; differences are reported.
   */
  shadow?: string;
  /**
   * Send another version to a stable share of records, chosen by a hash of the record id.
   */
  canary?: {
    /**
     * The canary version.
     */
    version: string;
    /**
     * Share of records that get the canary version.
     */
    percent: number;
  };
  /**
   * Version name → transform and contract.
   */
  versions: {
    [k: string]: PayloadVersion;
  };
}
/**
 * One payload version.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "PayloadVersion".
 */
export interface PayloadVersion {
  /**
   * Path of the JSON Schema contract, relative to the flow file.
   */
  schema: string;
  /**
   * JSONata transform from the record (with expanded relations) to the payload: inline, or { file: path }.
   */
  transform:
    | Jsonata
    | {
        /**
         * Path of a .jsonata file, relative to the flow file.
         */
        file: string;
      };
}
/**
 * Where payloads go: an HTTP connection and the request to make.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Target".
 */
export interface Target {
  /**
   * Name of an http connection.
   */
  connection: string;
  /**
   * The request made for each payload; the payload is the JSON body.
   */
  request: {
    /**
     * HTTP method.
     */
    method: 'POST' | 'PUT' | 'PATCH';
    /**
     * Path appended to the connection's base_url.
     */
    path: string;
  };
}
/**
 * Idempotency and retry of deliveries.
 *
 * This interface was referenced by `FlowFileTypes`'s JSON-Schema
 * via the `definition` "Delivery".
 */
export interface Delivery {
  idempotency_key?: Jsonata1;
  /**
   * Retry of transient failures (timeouts, 429, 5xx). Permanent failures are never retried.
   */
  retry?: {
    /**
     * Attempts in all, the first included.
     */
    attempts?: number;
    /**
     * Exponential backoff with full jitter; Retry-After wins when longer.
     */
    backoff?: {
      initial?: Duration7;
      /**
       * Growth of the delay per attempt.
       */
      factor?: number;
      max?: Duration8;
    };
    max_retry_after?: Duration9;
  };
}
