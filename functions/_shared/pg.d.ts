// Types of the part of node-postgres (npm:pg, which ships none) that this project
// uses. Not @types/pg: it brings @types/node, whose Web Crypto types clash with
// Deno's own (jose's CryptoKey no longer type-checks).

/** An error the server sent (`ErrorResponse`), with its SQLSTATE. */
export class DatabaseError extends Error {
  code: string;
  severity: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

export interface QueryConfig {
  text: string;
  values?: unknown[];
}

export interface QueryResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** A `NOTIFY` received by a listening client. */
export interface Notification {
  processId: number;
  channel: string;
  payload?: string;
}

export interface ConnectionOptions {
  connectionString?: string;
  application_name?: string;
  keepAlive?: boolean;
  connectionTimeoutMillis?: number;
}

export interface PoolConfig extends ConnectionOptions {
  max?: number;
  idleTimeoutMillis?: number;
}

interface Queryable {
  // deno-lint-ignore no-explicit-any
  query<R = any>(config: QueryConfig | string): Promise<QueryResult<R>>;
}

export interface PoolClient extends Queryable {
  /** Gives the connection back; with an error, destroys it instead. */
  release(error?: Error | boolean): void;
  on(event: "error", listener: (error: Error) => void): this;
  off(event: "error", listener: (error: Error) => void): this;
}

export class Pool {
  constructor(config: PoolConfig);
  readonly ended: boolean;
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): this;
}

export class Client implements Queryable {
  constructor(config: ConnectionOptions);
  connect(): Promise<void>;
  // deno-lint-ignore no-explicit-any
  query<R = any>(config: QueryConfig | string): Promise<QueryResult<R>>;
  end(): Promise<void>;
  on(event: "notification", listener: (message: Notification) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "end", listener: () => void): this;
}

declare const pg: {
  Pool: typeof Pool;
  Client: typeof Client;
  DatabaseError: typeof DatabaseError;
};
export default pg;
