// The URL space of one API group-version's resources: collections, objects, `status`, and custom
// subresources dispatched to their handlers. Each HTTP verb maps onto one ResourceStore call; the
// store does the semantics (validation, conflicts, dry-run), this file does HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject, KubeObject, UserInfo } from '../apis/meta.ts';
import { ApiError, badRequest, methodNotAllowed, serviceUnavailable } from '../registry/errors.ts';
import type { RegisteredResource, SubresourceHandler, WatchEvent, WriteResult } from '../registry/store.ts';
import type { ApiServerMetrics } from './metrics.ts';
import {
  LIST_ENDPOINT,
  OBJECT_ENDPOINT,
  SUBRESOURCE_ENDPOINT,
  WATCH_ENDPOINT,
  decodeObjectBody,
  decodePatchBody,
  negotiateOutput,
  type OutputMediaType,
  type Producible,
} from './negotiation.ts';
import {
  deleteOptionsFrom,
  includeObjectFrom,
  listRequestFrom,
  patchOptionsFrom,
  warningHeaderValue,
  watchRequestFrom,
  writeOptionsFrom,
} from './query-options.ts';
import type { ResourceRequestInfo } from './request-info.ts';
import { readBody } from './request-body.ts';
import { writeObject } from './responses.ts';
import type { ServedResources } from './served-resources.ts';
import { representList, representObject, watchEventEncoder, type Representation } from './transform.ts';
import { streamWatch, type WatchTracker } from './watch-stream.ts';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  /** Authorizes `create` for a write that turns out to create the object (server-side apply). */
  authorizeCreate: () => Promise<void>;
}

export interface ResourceHandlerDependencies {
  resources: ServedResources;
  watches: WatchTracker;
  metrics: ApiServerMetrics;
}

/** The 404 kube-apiserver gives for a path it does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function warningHeaders(result: WriteResult): Record<string, string[]> {
  return result.warnings.length > 0 ? { Warning: result.warnings.map(warningHeaderValue) } : {};
}

function representation(request: ResourceRequest, producible: Producible, resource: RegisteredResource): Representation {
  const output: OutputMediaType = negotiateOutput(request.req.headers.accept, producible);
  const includeObject = output.transform === 'Table' ? includeObjectFrom(request.query) : 'Metadata';
  return { output, columns: resource.declaration.printerColumns, includeObject };
}

export class ResourceHandler {
  readonly #deps: ResourceHandlerDependencies;

  constructor(deps: ResourceHandlerDependencies) {
    this.#deps = deps;
  }

  async serve(request: ResourceRequest): Promise<void> {
    const { info } = request;
    const resource = this.#deps.resources.resource(info.resource);
    if (
      !resource ||
      resource.declaration.group !== info.apiGroup ||
      resource.declaration.version !== info.apiVersion ||
      info.parts.length > 3
    ) {
      throw pathNotFound();
    }
    const namespaced = resource.declaration.scope === 'Namespaced';
    const pathName = info.parts[1] ?? '';
    const collection = pathName === '';
    // A namespaced object always lives in a namespace; only collections may span all of them.
    if (namespaced ? info.namespace === '' && !collection : info.namespace !== '') throw pathNotFound();
    if (namespaced && info.namespace === '' && !(info.verb === 'list' || info.verb === 'watch')) throw pathNotFound();

    // Answering 404 (or an empty list) before the store has loaded would make the garbage collector
    // delete dependents of objects that exist: 503 makes every client retry instead.
    if (!(await this.#deps.resources.ready())) throw serviceUnavailable('the server is starting up, please retry');

    const method = request.req.method === 'HEAD' ? 'GET' : request.req.method;
    if (info.subresource === '') {
      if (collection) return this.#collection(request, resource, method);
      return this.#object(request, resource, method, pathName);
    }
    if (info.subresource === 'status' && resource.declaration.statusSubresource) {
      return this.#status(request, resource, method, pathName);
    }
    if (info.subresource === 'scale' && resource.declaration.scaleSubresource) {
      return this.#scale(request, resource, method, pathName);
    }
    const handler = resource.subresources.get(info.subresource);
    if (handler) return this.#custom(request, resource, handler, method, pathName);
    throw pathNotFound();
  }

  #namespace(request: ResourceRequest): string | undefined {
    return request.info.namespace === '' ? undefined : request.info.namespace;
  }

  async #collection(request: ResourceRequest, resource: RegisteredResource, method: string | undefined): Promise<void> {
    const { info, query, res } = request;
    switch (method) {
      case 'GET':
        if (info.verb === 'watch') return this.#watch(request, resource);
        return this.#list(request, resource);
      case 'POST': {
        const r = representation(request, OBJECT_ENDPOINT, resource);
        const body = decodeObjectBody(request.req.headers['content-type'], await readBody(request.req));
        const options = writeOptionsFrom('CreateOptions', query, request.user, request.req.headers['user-agent']);
        const result = await resource.store.create(this.#namespace(request), body, options);
        return writeObject(res, 201, representObject(result.object, r), r.output.format, warningHeaders(result));
      }
      case 'DELETE': {
        const r = representation(request, LIST_ENDPOINT, resource);
        const listRequest = listRequestFrom(info.namespace, query);
        const options = deleteOptionsFrom(query, await this.#optionalJsonBody(request), request.user);
        const deleted = await resource.store.deleteCollection(listRequest, options);
        return writeObject(res, 200, representList(deleted, r), r.output.format);
      }
      default:
        throw methodNotAllowed();
    }
  }

  async #list(request: ResourceRequest, resource: RegisteredResource): Promise<void> {
    const r = representation(request, LIST_ENDPOINT, resource);
    const list = await resource.store.list(listRequestFrom(request.info.namespace, request.query));
    writeObject(request.res, 200, representList(list, r), r.output.format);
  }

  async #watch(request: ResourceRequest, resource: RegisteredResource, name?: string): Promise<void> {
    const r = representation(request, WATCH_ENDPOINT, resource);
    const { request: watchRequest, timeoutSeconds } = watchRequestFrom(request.info.namespace, request.query);
    if (name !== undefined) {
      // The deprecated /watch/.../NAME form: a watch of one object by field selector.
      const byName = `metadata.name=${name}`;
      watchRequest.fieldSelector = watchRequest.fieldSelector ? `${watchRequest.fieldSelector},${byName}` : byName;
    }
    const { metrics } = this.#deps;
    const d = resource.declaration;
    const labels = {
      verb: 'WATCH',
      group: d.group,
      version: d.version,
      resource: d.plural,
      subresource: '',
      scope: request.info.namespace ? 'namespace' : 'cluster',
      component: 'apiserver',
    };
    const eventLabels = { group: d.group, version: d.version, kind: d.kind };
    metrics.longRunning.inc(labels);
    try {
      await streamWatch({
        store: resource.store,
        request: watchRequest,
        timeoutSeconds,
        req: request.req,
        res: request.res,
        tracker: this.#deps.watches,
        encode: watchEventEncoder(r),
        onFrame: (_event: WatchEvent, bytes: number) => {
          metrics.watchEvents.inc(eventLabels);
          metrics.watchEventSizes.observe(eventLabels, bytes);
        },
      });
    } finally {
      metrics.longRunning.dec(labels);
    }
  }

  async #object(request: ResourceRequest, resource: RegisteredResource, method: string | undefined, name: string): Promise<void> {
    const { query, res, user } = request;
    const namespace = this.#namespace(request);
    switch (method) {
      case 'GET': {
        if (request.info.verb === 'watch') return this.#watch(request, resource, name);
        const r = representation(request, OBJECT_ENDPOINT, resource);
        const object = await resource.store.get(namespace, name);
        return writeObject(res, 200, representObject(object, r), r.output.format);
      }
      case 'PUT':
        return this.#update(request, resource, name, 'main');
      case 'PATCH':
        return this.#patch(request, resource, name, 'main');
      case 'DELETE': {
        const r = representation(request, OBJECT_ENDPOINT, resource);
        const options = deleteOptionsFrom(query, await this.#optionalJsonBody(request), user);
        const result = await resource.store.delete(namespace, name, options);
        if (!result.deleted) {
          // kube answers 202 only for this combination (to keep old clients working).
          const code = options.orphanDependents === false ? 202 : 200;
          return writeObject(res, code, representObject(result.object, r), r.output.format);
        }
        const d = resource.declaration;
        const status = {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: d.group, kind: d.plural, ...(result.object.metadata.uid ? { uid: result.object.metadata.uid } : {}) },
        };
        return writeObject(res, 200, status, r.output.format);
      }
      default:
        throw methodNotAllowed();
    }
  }

  async #status(request: ResourceRequest, resource: RegisteredResource, method: string | undefined, name: string): Promise<void> {
    switch (method) {
      case 'GET': {
        const r = representation(request, OBJECT_ENDPOINT, resource);
        const object = await resource.store.get(this.#namespace(request), name);
        return writeObject(request.res, 200, representObject(object, r), r.output.format);
      }
      case 'PUT':
        return this.#update(request, resource, name, 'status');
      case 'PATCH':
        return this.#patch(request, resource, name, 'status');
      default:
        throw methodNotAllowed();
    }
  }

  /** The object as an autoscaling/v1 Scale; a Table of it has the kind's columns, as a CRD's does. */
  async #scale(request: ResourceRequest, resource: RegisteredResource, method: string | undefined, name: string): Promise<void> {
    const { query, req, res, user } = request;
    const namespace = this.#namespace(request);
    const r = representation(request, OBJECT_ENDPOINT, resource);
    let result: WriteResult;
    switch (method) {
      case 'GET':
        return writeObject(res, 200, representObject(await resource.store.getScale(namespace, name), r), r.output.format);
      case 'PUT': {
        const body = decodeObjectBody(req.headers['content-type'], await readBody(req));
        const options = writeOptionsFrom('UpdateOptions', query, user, req.headers['user-agent']);
        result = await resource.store.updateScale(namespace, name, body, options);
        break;
      }
      case 'PATCH': {
        const { type, patch } = decodePatchBody(req.headers['content-type'], await readBody(req));
        result = await resource.store.patchScale(namespace, name, type, patch, patchOptionsFrom(query, user, req.headers['user-agent']));
        break;
      }
      default:
        throw methodNotAllowed();
    }
    writeObject(res, 200, representObject(result.object, r), r.output.format, warningHeaders(result));
  }

  async #update(request: ResourceRequest, resource: RegisteredResource, name: string, target: 'main' | 'status'): Promise<void> {
    const r = representation(request, OBJECT_ENDPOINT, resource);
    const body = decodeObjectBody(request.req.headers['content-type'], await readBody(request.req));
    const options = writeOptionsFrom('UpdateOptions', request.query, request.user, request.req.headers['user-agent']);
    const result = await resource.store.update(this.#namespace(request), name, body, { ...options, target });
    writeObject(request.res, result.created ? 201 : 200, representObject(result.object, r), r.output.format, warningHeaders(result));
  }

  async #patch(request: ResourceRequest, resource: RegisteredResource, name: string, target: 'main' | 'status'): Promise<void> {
    const r = representation(request, OBJECT_ENDPOINT, resource);
    const { type, patch } = decodePatchBody(request.req.headers['content-type'], await readBody(request.req));
    const options = patchOptionsFrom(request.query, request.user, request.req.headers['user-agent']);
    const result = await resource.store.patch(this.#namespace(request), name, type, patch, {
      ...options,
      target,
      ...(type === 'apply' ? { authorizeCreate: request.authorizeCreate } : {}),
    });
    writeObject(request.res, result.created ? 201 : 200, representObject(result.object, r), r.output.format, warningHeaders(result));
  }

  async #custom(
    request: ResourceRequest,
    resource: RegisteredResource,
    handler: SubresourceHandler,
    method: string | undefined,
    name: string,
  ): Promise<void> {
    const { query, res, user } = request;
    const dryRun = query.getAll('dryRun');
    const r: Representation = {
      ...representation(request, SUBRESOURCE_ENDPOINT, resource),
      columns: handler.printerColumns,
    };
    const base = {
      namespace: this.#namespace(request),
      name,
      user,
      query: Object.fromEntries(query),
      ...(dryRun.length > 0 ? { dryRun: true } : {}),
    };
    let object: KubeObject;
    let code: number;
    if (method === 'GET' && handler.get) {
      object = await handler.get(base);
      code = 200;
    } else if (method === 'POST' && handler.create) {
      const body = decodeObjectBody(request.req.headers['content-type'], await readBody(request.req));
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw badRequest(`the body of a ${handler.subresource.name} request must be a JSON object`);
      }
      object = await handler.create({ ...base, body: body as JsonObject });
      code = 201;
    } else {
      throw methodNotAllowed();
    }
    writeObject(res, code, representObject(object, r), r.output.format);
  }

  /** DELETE bodies are optional DeleteOptions. */
  async #optionalJsonBody(request: ResourceRequest) {
    const body = await readBody(request.req);
    if (body.length === 0) return undefined;
    return decodeObjectBody(request.req.headers['content-type'], body);
  }
}
