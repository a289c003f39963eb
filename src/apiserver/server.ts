// The request pipeline of the aggregated API server: authenticate (front proxy, client
// certificate, token), authorize (SubjectAccessReview), then route to health, metrics, version,
// OpenAPI, discovery or the resources. One error handler: ApiErrors are written as their Status,
// anything else is logged once and answered with a 500 that reveals nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { UserInfo } from '../apis/meta.ts';
import { ApiError, internalError, methodNotAllowed, unauthorized } from '../registry/errors.ts';
import { authenticate } from './authentication.ts';
import type { AuthenticationConfig } from './authentication-config.ts';
import type { Authenticator } from './authenticator.ts';
import { Authorizer, type SubjectAccessReviewer } from './authorization.ts';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  negotiateGroupListForm,
} from './discovery.ts';
import { ifNoneMatchMatches, strongETag } from './etag.ts';
import { FrontProxyAuthenticator, frontProxyHeaderNames } from './front-proxy-authenticator.ts';
import { pingCheck, serveHealth, type HealthCheck, type HealthEndpoints } from './health.ts';
import { ApiServerMetrics, type RequestLabels } from './metrics.ts';
import { PLAIN_ENDPOINT, negotiateOutput, notAcceptableFor } from './negotiation.ts';
import { OpenAPIServer, type OpenAPIDocuments } from './openapi.ts';
import { presentedCertificates } from './peer-certificates.ts';
import { requestInfoFor, type RequestInfo } from './request-info.ts';
import { ResourceHandler, pathNotFound } from './resource-handler.ts';
import { CACHE_CONTROL, writeObject, writeStatus } from './responses.ts';
import type { ServedResources } from './served-resources.ts';
import { TokenAuthenticator, type TokenReviewer } from './token-authenticator.ts';
import type { VersionInfo } from './version.ts';
import { WatchTracker } from './watch-stream.ts';
import { X509Authenticator } from './x509-authenticator.ts';

export interface ApiServerOptions {
  resources: ServedResources;
  /** The current delegated authentication configuration; undefined until loaded (not ready). */
  authenticationConfig: () => AuthenticationConfig | undefined;
  /** Absent when running without a cluster: bearer tokens are then not accepted. */
  tokenReviewer?: TokenReviewer;
  /** Absent when running without a cluster: then only system:masters is authorized. */
  subjectAccessReviewer?: SubjectAccessReviewer;
  openapi: OpenAPIDocuments;
  version: VersionInfo;
  logger: Logger;
  metrics?: ApiServerMetrics;
  /** More readiness checks (storage). */
  readyChecks?: readonly HealthCheck[];
}

const HEALTH_PATH = /^\/(livez|readyz|healthz)(\/|$)/;

export class ApiServer {
  readonly metrics: ApiServerMetrics;
  readonly watches = new WatchTracker();
  readonly #options: ApiServerOptions;
  readonly #authenticators: Authenticator[];
  readonly #authorizer: Authorizer;
  readonly #resources: ResourceHandler;
  readonly #openapi: OpenAPIServer;
  readonly #health: HealthEndpoints;
  #shuttingDown = false;

  constructor(options: ApiServerOptions) {
    this.#options = options;
    this.metrics = options.metrics ?? new ApiServerMetrics();
    this.#authenticators = [
      new FrontProxyAuthenticator(options.authenticationConfig),
      new X509Authenticator(options.authenticationConfig),
      ...(options.tokenReviewer ? [new TokenAuthenticator(options.tokenReviewer)] : []),
    ];
    this.#authorizer = new Authorizer({ ...(options.subjectAccessReviewer ? { reviewer: options.subjectAccessReviewer } : {}), metrics: this.metrics });
    this.#resources = new ResourceHandler({ resources: options.resources, watches: this.watches, metrics: this.metrics });
    this.#openapi = new OpenAPIServer(options.openapi);

    const authConfig: HealthCheck = {
      name: 'auth-config',
      check: () => (options.authenticationConfig() ? undefined : 'authentication configuration not loaded yet'),
    };
    const registry: HealthCheck = {
      name: 'registry',
      check: async () => ((await options.resources.ready()) ? undefined : 'resources not loaded yet'),
    };
    const shutdown: HealthCheck = { name: 'shutdown', check: () => (this.#shuttingDown ? 'shutting down' : undefined) };
    const readiness = [pingCheck, authConfig, registry, ...(options.readyChecks ?? [])];
    this.#health = { livez: [pingCheck], readyz: [...readiness, shutdown], healthz: readiness };
  }

  /** The `request` listener of the HTTPS server. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    void this.#handle(req, res);
  };

  /** SIGTERM: /readyz fails from now on so endpoints drop this replica; requests are still served. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  /** Ends every open watch (with a closing bookmark where allowed); clients reconnect elsewhere. */
  closeWatches(): void {
    this.watches.closeAll();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    res.setHeader('Cache-Control', CACHE_CONTROL);
    // Concatenated, not resolved against a base: a target like `//host/path` must stay a path.
    const url = new URL(`https://localhost${req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`}`);
    const info = requestInfoFor(req.method ?? 'GET', url.pathname, url.searchParams);
    let user: UserInfo | undefined;
    const longRunning = info.isResourceRequest && info.verb === 'watch';
    const requestKind = req.method === 'GET' || req.method === 'HEAD' ? 'readOnly' : 'mutating';
    if (!longRunning) this.metrics.inflight.inc({ request_kind: requestKind });
    res.once('close', () => {
      if (!longRunning) this.metrics.inflight.dec({ request_kind: requestKind });
      this.#record(req, res, info, url.searchParams, user, started);
    });

    try {
      const outcome = await authenticate(this.#authenticators, {
        certificates: presentedCertificates(req.socket),
        headers: req.headersDistinct,
      });
      if ('errors' in outcome) {
        this.#options.logger.debug({ path: url.pathname, reasons: outcome.errors }, 'authentication failed');
        throw unauthorized();
      }
      user = outcome.user;
      // Never let identity headers travel further than authentication.
      for (const name of frontProxyHeaderNames(this.#options.authenticationConfig(), Object.keys(req.headers))) {
        delete req.headers[name];
      }
      await this.#authorizer.authorize(user, info);
      if (info.isResourceRequest) {
        const authorizeCreate = () => this.#authorizer.authorizeCreateOnUpdate(outcome.user, info);
        await this.#resources.serve({ req, res, info, query: url.searchParams, user, authorizeCreate });
      } else {
        await this.#serveNonResource(req, res, url);
      }
    } catch (error) {
      this.#writeError(res, error, info);
    }
  }

  async #serveNonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (HEALTH_PATH.test(path) && (await serveHealth(this.#health, path, url.searchParams, res))) return;
    if (path === '/metrics') {
      const { contentType, body } = await this.metrics.render();
      res.writeHead(200, { 'Content-Type': contentType });
      res.end(body);
      return;
    }
    if (path === '/version') {
      const output = negotiateOutput(req.headers.accept, PLAIN_ENDPOINT);
      writeObject(res, 200, this.#options.version, output.format);
      return;
    }
    if (path.startsWith('/openapi/')) {
      if (this.#openapi.serve(req, res, path, url.searchParams)) return;
      throw pathNotFound();
    }
    const resources = this.#options.resources.all();
    if (path === '/apis') return this.#serveGroupList(req, res);
    const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
    if (groupMatch) {
      const document = apiGroupDocument(resources, groupMatch[1]!);
      if (!document) throw pathNotFound();
      writeObject(res, 200, document, negotiateOutput(req.headers.accept, PLAIN_ENDPOINT).format);
      return;
    }
    const versionMatch = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (versionMatch) {
      const document = apiResourceList(resources, { group: versionMatch[1]!, version: versionMatch[2]! });
      if (!document) throw pathNotFound();
      writeObject(res, 200, document, negotiateOutput(req.headers.accept, PLAIN_ENDPOINT).format);
      return;
    }
    throw pathNotFound();
  }

  /** `/apis`: the legacy APIGroupList or aggregated discovery v2, as Accept asks; 406 otherwise. */
  #serveGroupList(req: IncomingMessage, res: ServerResponse): void {
    const resources = this.#options.resources.all();
    const form = negotiateGroupListForm(req.headers.accept);
    if (form === undefined) throw notAcceptableFor(PLAIN_ENDPOINT);
    if (form === 'legacy') {
      writeObject(res, 200, apiGroupList(resources), 'json', { Vary: 'Accept' });
      return;
    }
    const body = JSON.stringify(aggregatedDiscovery(resources));
    const etag = strongETag(body);
    if (ifNoneMatchMatches(req, etag)) {
      res.writeHead(304, { ETag: etag, Vary: 'Accept' });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': AGGREGATED_DISCOVERY_CONTENT_TYPE, ETag: etag, Vary: 'Accept' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #writeError(res: ServerResponse, error: unknown, info: RequestInfo): void {
    if (error instanceof ApiError) {
      writeStatus(res, error.status);
      return;
    }
    this.#options.logger.error({ err: error, path: info.path, verb: info.verb }, 'internal error while serving a request');
    writeStatus(res, internalError().status);
  }

  #record(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    query: URLSearchParams,
    user: UserInfo | undefined,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    const code = res.statusCode;
    const labels = this.#labels(req, info, query);
    this.metrics.observeRequest(labels, code, seconds);
    const entry = info.isResourceRequest
      ? {
          verb: info.verb,
          resource: info.resource,
          ...(info.subresource ? { subresource: info.subresource } : {}),
          ...(info.namespace ? { namespace: info.namespace } : {}),
          ...(info.name ? { name: info.name } : {}),
        }
      : { verb: info.verb, path: info.path };
    const line = { ...entry, user: user?.username, code, durationMs: Math.round(seconds * 1000) };
    // Probes come every few seconds from every kubelet: keep them out of the normal log.
    if (!info.isResourceRequest && HEALTH_PATH.test(info.path) && code < 400) this.#options.logger.debug(line, 'request');
    else this.#options.logger.info(line, 'request');
  }

  #labels(req: IncomingMessage, info: RequestInfo, query: URLSearchParams): RequestLabels {
    const dryRun = query.getAll('dryRun').length > 0 ? 'All' : '';
    if (!info.isResourceRequest) {
      return { verb: (req.method ?? '').toUpperCase(), dry_run: dryRun, group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver' };
    }
    const served = this.#options.resources.resource(info.resource);
    const known = served !== undefined && served.declaration.group === info.apiGroup;
    return {
      verb: reportedVerb(req, info.verb),
      dry_run: dryRun,
      group: known ? info.apiGroup : '',
      version: known ? info.apiVersion : '',
      resource: known ? info.resource : '',
      subresource: known ? info.subresource : '',
      scope: info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster',
      component: 'apiserver',
    };
  }
}

/** kube's metric verbs: LIST and WATCH apart from GET, APPLY apart from PATCH. */
function reportedVerb(req: IncomingMessage, verb: string): string {
  if (verb === 'list') return 'LIST';
  if (verb === 'watch') return 'WATCH';
  if (req.method === 'PATCH' && (req.headers['content-type'] ?? '').startsWith('application/apply-patch')) return 'APPLY';
  return (req.method ?? '').toUpperCase();
}
