// A keep-alive HTTPS client for the benchmark: one Agent per target, the admin's client
// certificate (or the front-proxy identity), and timing around exactly one request.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface Target {
  /** Shown in progress lines and errors. */
  label: string;
  /** https://host:port */
  baseUrl: string;
  ca: string;
  cert: string;
  key: string;
  /** TLS server name when it differs from the host (a pod reached by IP). */
  servername?: string;
  /** Sent with every request (the front-proxy's X-Remote-User and X-Remote-Group). */
  headers?: Record<string, string | string[]>;
}

export interface RequestOptions {
  method?: string;
  body?: string;
  contentType?: string;
  accept?: string;
}

export interface Response {
  status: number;
  text: string;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(target: string, method: string, path: string, status: number, body: string) {
    super(`${target}: ${method} ${path} answered ${status}: ${body.slice(0, 300)}`);
    this.status = status;
  }
}

export class HttpClient {
  readonly target: Target;
  readonly #agent: https.Agent;

  constructor(target: Target, options: { maxSockets?: number } = {}) {
    this.target = target;
    this.#agent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  /** Sends one request; any answer outside 2xx throws an HttpError naming the call. */
  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? 'GET';
    const response = await this.#send(path, options);
    const text = await readBody(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw new HttpError(this.target.label, method, path, status, text);
    return { status, text };
  }

  async json<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return JSON.parse((await this.request(path, options)).text) as T;
  }

  /** Milliseconds from sending the request to having read the whole answer. */
  async timed(path: string, options: RequestOptions = {}): Promise<number> {
    const started = performance.now();
    await this.request(path, options);
    return performance.now() - started;
  }

  /**
   * Opens a streaming request (a watch) and hands every chunk of text to onText. Resolves once the
   * server has answered with headers; close() ends the stream.
   */
  async stream(path: string, onText: (text: string) => void, onEnd: (error?: Error) => void): Promise<{ close(): void }> {
    const response = await this.#send(path, {});
    const status = response.statusCode ?? 0;
    if (status !== 200) throw new HttpError(this.target.label, 'GET', path, status, await readBody(response));
    response.setEncoding('utf8');
    response.on('data', onText);
    response.on('end', () => onEnd());
    response.on('error', (error) => onEnd(error));
    return { close: () => response.destroy() };
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(path: string, options: RequestOptions): Promise<IncomingMessage> {
    const url = new URL(path, this.target.baseUrl);
    const headers: Record<string, string | string[]> = { ...this.target.headers, 'User-Agent': 'kamaji-ts-bench' };
    if (options.accept) headers.Accept = options.accept;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: options.method ?? 'GET',
          agent: this.#agent,
          ca: this.target.ca,
          cert: this.target.cert,
          key: this.target.key,
          headers,
          ...(this.target.servername ? { servername: this.target.servername } : {}),
        },
        resolve,
      );
      request.on('error', (error) => reject(new Error(`${this.target.label}: ${options.method ?? 'GET'} ${path}: ${error.message}`)));
      request.end(options.body);
    });
  }
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}
